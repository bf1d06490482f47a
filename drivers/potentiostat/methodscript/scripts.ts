import { LimitError } from '../../../src/instruments/limits.js';
import type { HardLimitedStep, PotentiostatHardLimits } from '../../../src/kinds/potentiostat/device.js';
import { stepBeyondHardLimits } from '../../../src/kinds/potentiostat/hard-limits.js';
import { SCRIPT_DEFAULTS } from './defaults.js';
import { MethodScriptError } from './errors.js';
import { lacksGeis } from './identity.js';
import { formatInteger, formatSi } from './si-number.js';

export type ScriptSettings = typeof SCRIPT_DEFAULTS;

/**
 * Variables of the generated scripts, one letter each (older firmware only
 * takes one-letter names), and the package type the device gives them.
 */
const SCRIPT_VARIABLES = {
  /** timer_get: seconds since timer_start (`eb`). */
  time: 't',
  /** Potential: `ab` measured (OCP, CP), `da` applied (CA). */
  potential: 'p',
  /** Current: `ba` measured. */
  current: 'c',
  /** EIS: `dc` frequency, `cc` Z real, `cd` Z imaginary. */
  frequency: 'f',
  zReal: 'r',
  zImaginary: 'j',
} as const;

const V = SCRIPT_VARIABLES;

/** A step of one kind, with its hard limits. */
type StepOf<K extends HardLimitedStep['kind']> = Extract<HardLimitedStep, { kind: K }>;

/**
 * The MethodSCRIPT lines (without `e` and the closing empty line) that run one
 * step. Each script declares its variables, sets up the channel, starts the
 * timer right before its measurement loop, packs the time with the measured
 * values, and switches the cell off in `on_finished:` (which also runs after
 * an abort, and after a condition ends the loop).
 *
 * The step's hard limits are enforced by the device itself, whatever happens
 * to the host or the link (PROTOCOLS.md, "Limits inside a script"): after
 * each package, open-circuit and constant-current loops end when the measured
 * potential leaves minV..maxV, constant-potential loops when the measured
 * current leaves ±maxAbsCurrentA; potential holds and PEIS autorange the
 * current no higher than maxAbsCurrentA (`boundCurrentRangeByHardLimit`). An
 * impedance loop sees only frequency and impedance, nothing a hard limit
 * bounds: a sweep whose bias ± amplitude (or |DC| + amplitude) goes beyond
 * them is refused here instead, as the instrument refuses it.
 *
 * Throws MethodScriptError BAD_STEP for values no script can carry (hard
 * limits included), and for a galvanostatic EIS step on a `device` (id from
 * identify()) known to lack it; LimitError LIMIT_EXCEEDED for a step beyond
 * its hard limits (src/kinds/potentiostat/hard-limits.ts).
 */
export function stepScript(step: HardLimitedStep, settings: ScriptSettings = SCRIPT_DEFAULTS, device?: string): string[] {
  checkHardLimitValues(step);
  const script = scriptOf(step, settings, device);
  const breach = stepBeyondHardLimits(step, step.hardLimits);
  if (breach) throw new LimitError(`${step.kind} step: ${breach.message}`, 'LIMIT_EXCEEDED', { limit: breach.limit, value: breach.value });
  return script;
}

/** The script of a step whose own values are checked on the way (BAD_STEP). */
function scriptOf(step: HardLimitedStep, settings: ScriptSettings, device: string | undefined): string[] {
  switch (step.kind) {
    case 'ocp':
      return ocpScript(step, settings);
    case 'constant-current':
      return constantCurrentScript(step, settings);
    case 'constant-potential':
      return constantPotentialScript(step, settings);
    case 'eis':
      return step.mode === 'galvanostatic' ? geisScript(step, settings, device) : eisScript(step, settings);
  }
}

/** A script that only switches the cell off. */
export function cellOffScript(): string[] {
  return ['cell_off'];
}

function ocpScript(step: StepOf<'ocp'>, settings: ScriptSettings): string[] {
  checkTiming(step);
  return [
    ...declare(V.time, V.potential),
    ...channel(2, step.intervalS, settings),
    ...potentialRange(settings),
    // PalmSens: "it is important to have the cell off during OCP".
    'cell_off',
    'timer_start',
    `meas_loop_ocp ${V.potential} ${formatSi(step.intervalS)} ${formatSi(step.durationS)}`,
    ...pack(V.time, V.potential),
    ...voltageWindow(step.hardLimits),
    'endloop',
    ...finish(),
  ];
}

function constantCurrentScript(step: StepOf<'constant-current'>, settings: ScriptSettings): string[] {
  checkTiming(step);
  checkFinite('currentA', step.currentA);
  const { minV, maxV } = step.limits ?? {};
  if (minV !== undefined) checkFinite('limits.minV', minV);
  if (maxV !== undefined) checkFinite('limits.maxV', maxV);
  if (minV !== undefined && maxV !== undefined && !(minV < maxV)) badStep(`limits.minV ${minV} V must lie below limits.maxV ${maxV} V`, step);
  const rangeA = formatSi(Math.max(Math.abs(step.currentA), settings.minimumCurrentRangeA));
  return [
    ...declare(V.time, V.potential, V.current),
    // Mode 6 is the galvanostat (EmStat4, Nexus); meas_loop_cp measures p (ab) and c (ba).
    ...channel(6, step.intervalS, settings),
    ...potentialRange(settings),
    `set_range db ${rangeA}`,
    `set_autoranging db ${rangeA} ${rangeA}`,
    'set_i 0',
    'cell_on',
    'timer_start',
    `meas_loop_cp ${V.potential} ${V.current} ${formatSi(step.currentA)} ${formatSi(step.intervalS)} ${formatSi(step.durationS)}`,
    ...pack(V.time, V.potential, V.current),
    // Cut-offs end the loop on the device itself, after the package that crossed them.
    ...(maxV === undefined ? [] : breakIf(`${V.potential} > ${formatSi(maxV)}`)),
    ...(minV === undefined ? [] : breakIf(`${V.potential} < ${formatSi(minV)}`)),
    ...voltageWindow(step.hardLimits),
    'endloop',
    ...finish(),
  ];
}

function constantPotentialScript(step: StepOf<'constant-potential'>, settings: ScriptSettings): string[] {
  checkTiming(step);
  checkFinite('potentialV', step.potentialV);
  const potential = formatSi(step.potentialV);
  return [
    ...declare(V.time, V.potential, V.current),
    ...channel(2, step.intervalS, settings),
    `set_range_minmax da ${potential} ${potential}`,
    ...currentAutorange(settings, step.hardLimits),
    `set_e ${potential}`,
    'cell_on',
    'timer_start',
    `meas_loop_ca ${V.potential} ${V.current} ${potential} ${formatSi(step.intervalS)} ${formatSi(step.durationS)}`,
    ...pack(V.time, V.potential, V.current),
    ...currentLimit(step.hardLimits),
    'endloop',
    ...finish(),
  ];
}

type EisStep = StepOf<'eis'>;

function eisScript(step: Exclude<EisStep, { mode: 'galvanostatic' }>, settings: ScriptSettings): string[] {
  checkSweep(step);
  checkPositive('amplitudeV', step.amplitudeV, step);
  checkFinite('dcV', step.dcV);
  const dc = formatSi(step.dcV);
  return sweepScript(step, settings, 3, [`set_range_minmax da ${dc} ${dc}`, ...currentAutorange(settings, step.hardLimits), `set_e ${dc}`], 'meas_loop_eis', step.amplitudeV, step.dcV);
}

/**
 * Galvanostatic EIS on a fixed current range that holds the DC current plus
 * the amplitude: `meas_loop_geis f zr zi i_amp f_start f_end n_freq i_dc` in
 * the galvanostat's mode 6 with the applied-current range `db`, as PalmSens'
 * published GEIS example for the EmStat4 and Nexus (MethodSCRIPT 1.8) does.
 */
function geisScript(step: Extract<EisStep, { mode: 'galvanostatic' }>, settings: ScriptSettings, device: string | undefined): string[] {
  if (device !== undefined && lacksGeis(device)) badStep(`galvanostatic EIS is not available on the ${device}`, step);
  checkSweep(step);
  checkPositive('amplitudeA', step.amplitudeA, step);
  checkFinite('dcA', step.dcA);
  const rangeA = formatSi(Math.max(Math.abs(step.dcA) + step.amplitudeA, settings.minimumCurrentRangeA));
  return sweepScript(step, settings, 6, [`set_range db ${rangeA}`, `set_autoranging db ${rangeA} ${rangeA}`, `set_i ${formatSi(step.dcA)}`], 'meas_loop_geis', step.amplitudeA, step.dcA);
}

function checkSweep(step: EisStep): void {
  checkPositive('startHz', step.startHz, step);
  checkPositive('endHz', step.endHz, step);
  if (!Number.isSafeInteger(step.points) || step.points < 1) badStep(`points must be a positive integer, got ${step.points}`, step);
}

/** An impedance sweep: the excitation's setup lines, then the loop packing time, frequency and Z. Mode 3 is the high-speed potentiostat EIS needs, mode 6 the galvanostat. */
function sweepScript(step: EisStep, settings: ScriptSettings, mode: 3 | 6, excitation: string[], loop: 'meas_loop_eis' | 'meas_loop_geis', amplitude: number, dc: number): string[] {
  return [
    ...declare(V.time, V.frequency, V.zReal, V.zImaginary),
    'set_pgstat_chan 0',
    `set_pgstat_mode ${mode}`,
    `set_max_bandwidth ${formatSi(Math.max(step.startHz, step.endHz) * settings.eisBandwidthFactor)}`,
    ...excitation,
    'cell_on',
    'timer_start',
    `${loop} ${V.frequency} ${V.zReal} ${V.zImaginary} ${formatSi(amplitude)} ${formatSi(step.startHz)} ${formatSi(step.endHz)} ${formatInteger(step.points)} ${formatSi(dc)}`,
    ...pack(V.time, V.frequency, V.zReal, V.zImaginary),
    'endloop',
    ...finish(),
  ];
}

function declare(...names: string[]): string[] {
  return names.map((name) => `var ${name}`);
}

function channel(mode: 2 | 6, intervalS: number, settings: ScriptSettings): string[] {
  return ['set_pgstat_chan 0', `set_pgstat_mode ${mode}`, `set_max_bandwidth ${formatSi(roundSignificant(settings.bandwidthIntervalProduct / intervalS))}`];
}

function potentialRange(settings: ScriptSettings): string[] {
  const max = formatSi(settings.potentialRangeV);
  return [`set_range ab ${max}`, `set_autoranging ab ${formatSi(settings.potentialAutorangeMinV)} ${max}`];
}

/** The current ranges of a potentiostatic step, topped by the hard current limit (see SCRIPT_DEFAULTS). */
function currentAutorange(settings: ScriptSettings, limits: PotentiostatHardLimits): string[] {
  const top = settings.boundCurrentRangeByHardLimit ? Math.min(settings.currentAutorangeMaxA, limits.maxAbsCurrentA) : settings.currentAutorangeMaxA;
  const max = formatSi(top);
  return [`set_range ba ${max}`, `set_autoranging ba ${formatSi(Math.min(settings.currentAutorangeMinA, top))} ${max}`];
}

/** timer_get first: the time of the package is the time the loop handed over its values. */
function pack(time: string, ...names: string[]): string[] {
  return [`  timer_get ${time}`, '  pck_start', ...[time, ...names].map((name) => `  pck_add ${name}`), '  pck_end'];
}

/** A condition that ends the measurement loop, checked after each package. */
function breakIf(condition: string): string[] {
  return [`  if ${condition}`, '    breakloop', '  endif'];
}

/** The hard voltage window on the measured potential (`ab`). */
function voltageWindow({ minV, maxV }: PotentiostatHardLimits): string[] {
  return [...breakIf(`${V.potential} > ${formatSi(maxV)}`), ...breakIf(`${V.potential} < ${formatSi(minV)}`)];
}

/** The hard current limit on the measured current (`ba`), both signs. */
function currentLimit({ maxAbsCurrentA }: PotentiostatHardLimits): string[] {
  return [...breakIf(`${V.current} > ${formatSi(maxAbsCurrentA)}`), ...breakIf(`${V.current} < ${formatSi(-maxAbsCurrentA)}`)];
}

/** Hard limits a script can carry: finite, minV below maxV, a positive current (BAD_STEP otherwise). */
function checkHardLimitValues(step: HardLimitedStep): void {
  const { minV, maxV, maxAbsCurrentA } = step.hardLimits;
  checkFinite('hardLimits.minV', minV);
  checkFinite('hardLimits.maxV', maxV);
  if (!(minV < maxV)) badStep(`hardLimits.minV ${minV} V must lie below hardLimits.maxV ${maxV} V`, step);
  checkPositive('hardLimits.maxAbsCurrentA', maxAbsCurrentA, step);
}

function finish(): string[] {
  return ['on_finished:', 'cell_off'];
}

/** Three significant digits: a bandwidth needs no more, and the literal stays short. */
function roundSignificant(value: number): number {
  return Number(value.toPrecision(3));
}

function checkTiming(step: { durationS: number; intervalS: number; kind: string }): void {
  checkPositive('durationS', step.durationS, step);
  checkPositive('intervalS', step.intervalS, step);
  if (step.intervalS > step.durationS) badStep(`intervalS ${step.intervalS} s exceeds durationS ${step.durationS} s`, step);
}

function checkPositive(name: string, value: number, step: { kind: string }): void {
  if (!(Number.isFinite(value) && value > 0)) badStep(`${name} must be a finite number > 0, got ${value}`, step);
}

function checkFinite(name: string, value: number): void {
  if (!Number.isFinite(value)) throw new MethodScriptError(`${name} must be a finite number, got ${value}`, 'BAD_STEP', { [name]: value });
}

function badStep(why: string, step: { kind: string }): never {
  throw new MethodScriptError(`${step.kind} step: ${why}`, 'BAD_STEP', { step });
}
