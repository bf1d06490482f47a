import type { PackageVariable } from '../../drivers/potentiostat/methodscript/data-package.js';
import type { CurrentReading } from './current-ranging.js';
import { ScriptFault } from './script-fault.js';
import { GALVANOSTAT_MODE, type SimulatedChannel } from './simulated-channel.js';

/** The pgstat mode of impedance measurements (PalmSens' EIS examples: `set_pgstat_mode 3`). */
const HIGH_SPEED_MODE = 3;

/** One point of a measurement loop: the drive change at its start (a staircase step), when it is read, and how. */
export interface LoopPoint {
  readonly apply?: () => void;
  readonly atMs: number;
  readonly read: () => PackageVariable[];
}

/** What a measurement loop needs from the running script. */
export interface LoopContext {
  readonly channel: SimulatedChannel;
  /** Lab time at the loop's start (ms). */
  readonly startMs: number;
  /** The k-th value argument of the command, evaluated now. */
  readonly value: (k: number) => number;
  /** An optional argument's first value (`nscans(3)`), undefined when not given. */
  readonly option: (name: string) => number | undefined;
  /** Changes the drive at the present lab time (the cell computed up to now under the old one first). */
  readonly drive: (change: () => void) => void;
  readonly eisPeriodsPerPoint: number;
  readonly eisMinPointS: number;
}

/**
 * The points of `meas_loop_<technique>` as PalmSens documents the loops:
 * - `ocp p interval run`: cell off; `ab`.
 * - `ca p c E interval run`, `cp p c I interval run` (galvanostat mode 6): `da`/`ab` and `ba`.
 * - `lsv p c E_begin E_end E_step scan_rate`, `cv p c E_begin E_vtx1 E_vtx2 E_step scan_rate [nscans(N)]`:
 *   a staircase of E_step every E_step/scan_rate seconds (CV: begin, vertex 1,
 *   vertex 2, back to begin, N times), each point read at the end of its
 *   step: `da` the step's potential, `ba` the current.
 * - `eis f zr zi amp f_start f_end n dc` (mode 3), `geis` the same with a current (mode 3 or 6): `dc`, `cc`, `cd`.
 *
 * Every current carries its status bits and range index (CurrentRanging):
 * clipped and flagged overload when beyond the range's limit. Faults are ScriptFaults.
 */
export function measurementLoop(name: string, context: LoopContext): Iterable<LoopPoint> {
  const { channel, value, drive } = context;
  switch (name) {
    case 'meas_loop_ocp':
      requireCell(channel, false);
      return timed(context, value(0), value(1), () => [{ type: 'ab', value: channel.readPotentialV() }]);
    case 'meas_loop_cp': {
      requireCell(channel, true);
      requireMode(channel, true);
      const currentA = value(0);
      drive(() => (channel.appliedCurrentA = currentA));
      return timed(context, value(1), value(2), () => [{ type: 'ab', value: channel.readPotentialV() }, current('ba', channel.readCurrent())]);
    }
    case 'meas_loop_ca': {
      requireCell(channel, true);
      requireMode(channel, false);
      const potentialV = value(0);
      drive(() => (channel.appliedPotentialV = potentialV));
      return timed(context, value(1), value(2), () => [{ type: 'da', value: potentialV }, current('ba', channel.readCurrent())]);
    }
    case 'meas_loop_lsv':
    case 'meas_loop_cv': {
      requireCell(channel, true);
      requireMode(channel, false);
      const cv = name === 'meas_loop_cv';
      const [begin, ...rest] = [0, 1, 2, 3, 4].slice(0, cv ? 5 : 4).map(value) as [number, ...number[]];
      const scanRate = rest.pop()!;
      const step = rest.pop()!;
      const scans = context.option('nscans') ?? 1;
      if (!(step > 0 && scanRate > 0 && Number.isInteger(scans) && scans >= 1)) throw new ScriptFault('valueOutOfRange', `${name}: step, scan rate and nscans must be positive`);
      const vertices = cv ? scanVertices(begin, rest[0]!, rest[1]!, scans) : [begin, rest[0]!];
      return staircase(context, staircasePotentials(vertices, step), step / scanRate);
    }
    case 'meas_loop_eis':
    case 'meas_loop_geis':
      return impedanceSweep(name === 'meas_loop_geis', context);
    default:
      throw new ScriptFault('unknownCommand', `${name} is not a measurement loop`);
  }
}

/** A current reading as a variable holds it: value, status bits, range index. */
export function current(type: string, reading: CurrentReading): PackageVariable {
  return { type, value: reading.valueA, status: reading.status, rangeIndex: reading.rangeIndex };
}

function requireCell(channel: SimulatedChannel, on: boolean): void {
  if (channel.cellOn !== on) throw new ScriptFault('wrongCellState', on ? 'the cell is off' : 'the cell is on');
}

/** Potentiostatic loops refuse the galvanostat's mode, galvanostatic ones need it. */
function requireMode(channel: SimulatedChannel, galvanostat: boolean): void {
  if ((channel.mode === GALVANOSTAT_MODE) !== galvanostat) throw new ScriptFault('wrongMode', `pgstat mode ${channel.mode} cannot run this loop`);
}

/** Points every `intervalS` for `runS`: the k-th at t0 + k interval (k = 1...). */
function* timed(context: LoopContext, intervalS: number, runS: number, read: () => PackageVariable[]): Iterable<LoopPoint> {
  const count = intervalS > 0 ? Math.floor(runS / intervalS + 1e-9) : 0;
  for (let k = 1; k <= count; k++) yield { atMs: context.startMs + k * intervalS * 1000, read };
}

/** The vertices of a CV of `scans` scans: begin, vertex 1, vertex 2, back to begin, and again. */
function scanVertices(begin: number, vertex1: number, vertex2: number, scans: number): number[] {
  const vertices = [begin];
  for (let s = 0; s < scans; s++) vertices.push(vertex1, vertex2, begin);
  return vertices;
}

/** The staircase through `vertices` in steps of `stepV`, each vertex reached exactly; the first vertex included. */
function* staircasePotentials(vertices: readonly number[], stepV: number): Iterable<number> {
  yield vertices[0]!;
  for (let v = 1; v < vertices.length; v++) {
    const from = vertices[v - 1]!;
    const to = vertices[v]!;
    const steps = Math.round(Math.abs(to - from) / stepV);
    for (let j = 1; j <= steps; j++) yield j === steps ? to : from + Math.sign(to - from) * j * stepV;
  }
}

/** A potential staircase: each step applied at its start, read `stepS` later. */
function* staircase(context: LoopContext, potentials: Iterable<number>, stepS: number): Iterable<LoopPoint> {
  const { channel } = context;
  let k = 0;
  for (const potentialV of potentials) {
    k++;
    yield {
      apply: () => (channel.appliedPotentialV = potentialV),
      atMs: context.startMs + k * stepS * 1000,
      read: () => [{ type: 'da', value: potentialV }, current('ba', channel.readCurrent())],
    };
  }
}

/**
 * EIS points, log-spaced from start to end; each lasts a few periods, at
 * least the minimum. The DC bias is absolute (vs the reference electrode), as
 * `meas_loop_eis` takes it: PalmSens' examples that want a bias relative to
 * the OCP measure it first (`meas_loop_ocp`) and add it with `add_var`. A 0 V
 * bias on a charged cell therefore draws what the current range lets
 * through, and every point of it is flagged overload (CurrentRanging), as the
 * instrument's own range limits the current.
 */
function impedanceSweep(galvanostatic: boolean, context: LoopContext): Iterable<LoopPoint> {
  const { channel, value } = context;
  requireCell(channel, true);
  // EIS runs in the high-speed mode; GEIS there too (this project's driver) or in the galvanostat's mode, as PalmSens' GEIS example runs it.
  const modes = galvanostatic ? [HIGH_SPEED_MODE, GALVANOSTAT_MODE] : [HIGH_SPEED_MODE];
  if (!modes.includes(channel.mode)) throw new ScriptFault('wrongMode', `pgstat mode ${channel.mode} cannot run ${galvanostatic ? 'GEIS' : 'EIS'}`);
  const [amplitude, startHz, endHz, count, dc] = [0, 1, 2, 3, 4].map(value) as [number, number, number, number, number];
  if (!(amplitude > 0 && startHz > 0 && endHz > 0 && Number.isInteger(count) && count >= 1)) {
    throw new ScriptFault('valueOutOfRange', 'EIS amplitude and frequencies must be positive, the point count a positive integer');
  }
  context.drive(() => {
    if (galvanostatic) channel.appliedCurrentA = dc;
    else channel.appliedPotentialV = dc;
    channel.holdsCurrent = galvanostatic;
  });
  return impedancePoints(context, galvanostatic, amplitude, startHz, endHz, count);
}

function* impedancePoints(context: LoopContext, galvanostatic: boolean, amplitude: number, startHz: number, endHz: number, count: number): Iterable<LoopPoint> {
  const { channel } = context;
  let atMs = context.startMs;
  for (let k = 0; k < count; k++) {
    const frequencyHz = count === 1 ? startHz : startHz * (endHz / startHz) ** (k / (count - 1));
    atMs += Math.max(context.eisMinPointS, context.eisPeriodsPerPoint / frequencyHz) * 1000;
    yield {
      atMs,
      read: () => {
        const z = channel.readImpedance(frequencyHz, galvanostatic ? { amplitudeA: amplitude } : { amplitudeV: amplitude });
        const amplitudeA = galvanostatic ? amplitude : amplitude / Math.hypot(z.re, z.im);
        const reading = channel.excitationReading(amplitudeA);
        return [
          { type: 'dc', value: frequencyHz },
          { type: 'cc', value: z.re, status: reading.status, rangeIndex: reading.rangeIndex },
          { type: 'cd', value: z.im },
        ];
      },
    };
  }
}
