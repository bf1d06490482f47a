import { Circuit } from '../../analysis/eis/circuit.js';
import { isEisError } from '../../analysis/eis/errors.js';
import type { SampleConfig } from '../../config/sample.js';
import { formatQuantity } from '../../core/units.js';
import { EngineError } from '../../engine/errors.js';
import type { PotentiostatStep } from '../../kinds/potentiostat/device.js';
import { PotentiostatInstrument } from '../../kinds/potentiostat/instrument.js';
import { PotentiostatRecorder } from '../../kinds/potentiostat/streams.js';
import { PROTOCOL_BOUNDS } from '../defaults.js';
import { potentiostatBounds } from '../instrument-bounds.js';
import type { InstrumentLookup, PreparedProtocol, ProtocolDefinition, RunContext } from '../protocol.js';
import { badParameter, checkRunDuration, checkSamplesPerStep, durationAt, frequencyAt, positiveAt, quantityAt } from '../temperature/parameter-reader.js';
import { DEFAULT_EIS_CIRCUIT, DEFAULT_EIS_WEIGHTING, EisParametersSchema, type EisExcitation, type EisParametersInput, type EisPlan, type EisSweepInput } from './eis-parameters.js';

/** Phases published as progress documents; the live EIS fit fits a sweep at `eis-sweep-done`. */
export const EIS_PHASES = { sweep: 'eis-sweep', sweepDone: 'eis-sweep-done', sweepAborted: 'eis-sweep-aborted' } as const;

/** Sampling interval of the open-circuit rest before a sweep. */
const REST_INTERVAL_S = 1;
/**
 * Attempts at a sweep a lost link interrupts: a flapping link gets two
 * repeats; beyond that the run fails with its reason rather than loop.
 */
export const EIS_SWEEP_ATTEMPTS = 3;

export const eisProtocol: ProtocolDefinition = {
  name: 'eis',
  version: 1,
  summary: 'Electrochemical impedance spectroscopy: potentiostatic or galvanostatic sweeps, each streamed live and fitted to an equivalent circuit',
  parametersSchema: EisParametersSchema,
  prepare(parameters: unknown, lab: InstrumentLookup): PreparedProtocol {
    const input = parameters as EisParametersInput;
    const instrument = potentiostat(lab, input.instrument);
    const plan = planEisSweep(input, instrument, input.sample);
    const repeats = input.repeats ?? 1;
    checkRunDuration('repeats', repeats * (plan.restS + sweepDurationLowerBoundS(plan)), `${repeats} sweeps`);
    return {
      instruments: [plan.instrument],
      parameters: { ...plan, repeats },
      run: (ctx) => runEis(ctx, plan, repeats),
    };
  },
};

export function potentiostat(lab: InstrumentLookup, id: string): PotentiostatInstrument {
  const instrument = lab.get(id);
  if (!(instrument instanceof PotentiostatInstrument)) {
    throw new EngineError(`instrument ${id} is not a potentiostat`, 'INVALID_PARAMETERS', { instrument: id });
  }
  return instrument;
}

/**
 * A sweep in SI units, checked against the potentiostat's hard limits (an
 * absolute bias or a galvanostatic sweep; a bias vs OCP is checked when the
 * OCP is known, here with the most favourable OCP of the window), its
 * frequency range and shortest sampling interval, and the bounds of every
 * protocol (a sweep of at least one period per point no longer than a step),
 * and with its circuit parsed, so a typo in the circuit fails before the run
 * starts. Whether the instrument has GEIS at all is the driver's to say when
 * the sweep is sent. `pathPrefix` names where the sweep sits in the
 * parameters (`eis/`).
 */
export function planEisSweep(input: EisSweepInput, instrument: PotentiostatInstrument, sampleOverrides?: Partial<SampleConfig>, pathPrefix = ''): EisPlan {
  const at = (path: string) => `${pathPrefix}${path}`;
  const bounds = potentiostatBounds(instrument);
  const startHz = frequencyAt(at('startFrequency'), input.startFrequency, bounds.eisFrequency, instrument.id);
  const endHz = frequencyAt(at('endFrequency'), input.endFrequency, bounds.eisFrequency, instrument.id);
  if (startHz === endHz) throw badParameter(at('endFrequency'), 'must differ from startFrequency');
  if (input.points !== undefined && input.pointsPerDecade !== undefined) throw badParameter(at('points'), 'give points or pointsPerDecade, not both');
  const decades = Math.abs(Math.log10(startHz / endHz));
  const points = input.points ?? Math.max(3, Math.round(decades * (input.pointsPerDecade ?? 10)) + 1);
  const excitation = eisExcitation(input, at);
  const ocpS = durationAt(at('ocpDuration'), input.ocpDuration ?? '10 s');
  const waitS = durationAt(at('waitBefore'), input.waitBefore ?? 0, { allowZero: true });
  const restS = biasedVsOcp(excitation) ? Math.max(waitS, ocpS) : waitS;
  const restPath = at(restS === waitS ? 'waitBefore' : 'ocpDuration');
  if (restS > 0 && restS < bounds.minSampleIntervalS) {
    throw badParameter(restPath, `the open-circuit rest before the sweep must last at least one sampling interval, ${formatQuantity(bounds.minSampleIntervalS, 's')}`);
  }
  checkSamplesPerStep(restPath, Math.min(REST_INTERVAL_S, restS), restS, 'the open-circuit rest');
  const lowest = startHz < endHz ? 'startFrequency' : 'endFrequency';
  const sweepS = sweepDurationLowerBoundS({ startHz, endHz, points });
  if (sweepS > PROTOCOL_BOUNDS.maxStepS) {
    throw badParameter(at(lowest), `a sweep of ${points} points down to ${formatQuantity(Math.min(startHz, endHz), 'Hz')} lasts at least ${formatQuantity(sweepS, 's')} (one period per point), longer than the longest step, ${formatQuantity(PROTOCOL_BOUNDS.maxStepS, 's')}`);
  }
  const circuit = input.circuit ?? DEFAULT_EIS_CIRCUIT;
  try {
    Circuit.parse(circuit);
  } catch (e) {
    if (isEisError(e)) throw badParameter(at('circuit'), e.message);
    throw e;
  }
  const plan: EisPlan = {
    kind: 'eis-sweep',
    instrument: instrument.id,
    ...excitation,
    startHz,
    endHz,
    points,
    restS,
    ocpS: Math.min(ocpS, restS),
    restIntervalS: Math.min(REST_INTERVAL_S, restS),
    analysis: { circuit, weighting: input.weighting ?? DEFAULT_EIS_WEIGHTING, excludeInductive: input.excludeInductive ?? false },
    sample: instrument.sample || sampleOverrides ? { name: instrument.id, ...instrument.sample, ...sampleOverrides } : null,
  };
  // A bias vs OCP is checked again with the measured OCP; one no OCP can keep inside the limits is refused now.
  instrument.checkStep(sweepStep(plan, biasedVsOcp(plan) ? mostFavourableOcpV(plan, instrument.limits) : null));
  return plan;
}

/**
 * A lower bound of a sweep's duration: one period of each of its frequencies
 * (log-spaced from start to end, as the devices space them); devices measure
 * a few periods per point and settle between points.
 */
export function sweepDurationLowerBoundS(sweep: { readonly startHz: number; readonly endHz: number; readonly points: number }): number {
  let seconds = 0;
  for (let k = 0; k < sweep.points; k++) seconds += 1 / (sweep.startHz * (sweep.endHz / sweep.startHz) ** (k / (sweep.points - 1)));
  return seconds;
}

/** PEIS (default): amplitude and bias are potentials. GEIS: amplitude and `dcCurrent` are currents. */
function eisExcitation(input: EisSweepInput, at: (path: string) => string): EisExcitation {
  if (input.mode === 'galvanostatic') {
    if (input.bias !== undefined) throw badParameter(at('bias'), 'a galvanostatic sweep has no potential bias: give dcCurrent');
    return {
      mode: 'galvanostatic',
      amplitudeA: positiveAt(at('amplitude'), input.amplitude, 'current'),
      dcA: quantityAt(at('dcCurrent'), input.dcCurrent ?? 0, 'current'),
    };
  }
  if (input.dcCurrent !== undefined) throw badParameter(at('dcCurrent'), 'only a galvanostatic sweep has a DC current: give bias');
  return {
    mode: 'potentiostatic',
    amplitudeV: positiveAt(at('amplitude'), input.amplitude, 'potential'),
    bias: { dcV: quantityAt(at('bias/dc'), input.bias?.dc ?? 0, 'potential'), vs: input.bias?.vs ?? 'ocp' },
  };
}

/**
 * The OCP (inside the voltage window, as a cell's is) that best keeps a bias
 * vs OCP inside the hard limits: the one centring OCP + bias in the window.
 * If the sweep leaves the limits even there, it leaves them whatever the OCP.
 */
function mostFavourableOcpV(plan: EisPlan, limits: { readonly minV: number; readonly maxV: number }): number {
  const dcV = plan.mode === 'potentiostatic' ? plan.bias.dcV : 0;
  return Math.min(limits.maxV, Math.max(limits.minV, (limits.minV + limits.maxV) / 2 - dcV));
}

function biasedVsOcp(excitation: EisExcitation): boolean {
  return excitation.mode === 'potentiostatic' && excitation.bias.vs === 'ocp';
}

/** The sweep's step; `ocpV` is the measured OCP a bias vs OCP is added to (null when there is none). */
function sweepStep(plan: EisPlan, ocpV: number | null): Extract<PotentiostatStep, { kind: 'eis' }> {
  const { startHz, endHz, points } = plan;
  if (plan.mode === 'galvanostatic') return { kind: 'eis', mode: 'galvanostatic', startHz, endHz, points, amplitudeA: plan.amplitudeA, dcA: plan.dcA };
  return { kind: 'eis', startHz, endHz, points, amplitudeV: plan.amplitudeV, dcV: (ocpV ?? 0) + plan.bias.dcV };
}

export interface EisSweepOutcome {
  readonly points: number;
  /** The DC potential a potentiostatic sweep ran at; null for a galvanostatic one. */
  readonly dcV: number | null;
  /** The DC current a galvanostatic sweep ran at; null for a potentiostatic one. */
  readonly dcA: number | null;
  /** The open-circuit potential measured before it, when measured. */
  readonly ocpV: number | null;
}

/**
 * One sweep as a step of any protocol, repeated (up to EIS_SWEEP_ATTEMPTS)
 * when a lost link interrupts it: the run waits until the link is back, and
 * the sweep starts over with its rest. The interrupted attempt's points stay
 * in the store with their `attempt` number; only the completed attempt is
 * fitted.
 */
export async function runEisSweep(ctx: RunContext, recorder: PotentiostatRecorder, plan: EisPlan, sweepIndex: number, of: number | null = null): Promise<EisSweepOutcome> {
  for (let attempt = 1; ; attempt++) {
    const outcome = await ctx.step(`EIS sweep ${sweepIndex}`, (signal) => eisSweepAttempt(ctx, recorder, plan, { sweepIndex, of, attempt }, signal));
    if (outcome.completed) return outcome.value;
    const why = outcome.interruptions.map((i) => `${i.condition}: ${i.reason}`).join('; ');
    if (attempt >= EIS_SWEEP_ATTEMPTS) {
      throw new EngineError(`EIS sweep ${sweepIndex} was interrupted ${attempt} times (last: ${why})`, 'INSTRUMENT_UNAVAILABLE', { instrument: plan.instrument, sweep: sweepIndex });
    }
    ctx.logger.warn({ runId: ctx.runId, sweep: sweepIndex, attempt, why }, 'EIS sweep interrupted: repeating it');
  }
}

/** Which sweep an attempt is: its index in the run, of how many, and which attempt at it. */
export interface SweepPosition {
  readonly sweepIndex: number;
  readonly of: number | null;
  readonly attempt: number;
}

/**
 * One attempt at a sweep: the open-circuit rest (the OCP is measured there
 * when the bias is relative to it; its samples are events of the
 * instrument's DC stream), then the sweep, each frequency point an event of
 * its impedance stream (`frequency`, `z_re`, `z_im`, `sweep`, `attempt`).
 * Progress documents `eis-sweep` and `eis-sweep-done` (or
 * `eis-sweep-aborted`) carry the sweep index as their step: the live EIS fit
 * fits a sweep's points when it is done. The caller runs it as a step of
 * its run (`ctx.step`), whose signal it obeys.
 */
export async function eisSweepAttempt(ctx: RunContext, recorder: PotentiostatRecorder, plan: EisPlan, position: SweepPosition, signal: AbortSignal): Promise<EisSweepOutcome> {
  const { sweepIndex, of, attempt } = position;
  const instrument = recorder.instrument;
  let sweep: { points(): number } | null = null;
  const points = () => sweep?.points() ?? 0;
  ctx.progress(
    EIS_PHASES.sweep,
    sweepIndex,
    of,
    null,
    `EIS sweep ${sweepIndex}${attempt > 1 ? ` (attempt ${attempt} of ${EIS_SWEEP_ATTEMPTS})` : ''}: ${plan.startHz} Hz to ${plan.endHz} Hz, ${plan.points} points, ${plan.mode === 'galvanostatic' ? `${plan.amplitudeA * 1e6} uA` : `${plan.amplitudeV * 1000} mV`} amplitude`,
  );
  try {
    let ocpV: number | null = null;
    if (plan.restS > 0) {
      const rest: PotentiostatStep = { kind: 'ocp', durationS: plan.restS, intervalS: plan.restIntervalS };
      const record = recorder.dcSamples(rest, ctx.clock.nowNs());
      const recent: Array<{ elapsedS: number; potentialV: number }> = [];
      await instrument.runStep(
        rest,
        (s) => {
          record(s);
          if (s.potentialV !== undefined) recent.push({ elapsedS: s.elapsedS, potentialV: s.potentialV });
        },
        signal,
      );
      const window = recent.filter((s) => s.elapsedS >= plan.restS - plan.ocpS);
      if (window.length > 0) ocpV = window.reduce((sum, s) => sum + s.potentialV, 0) / window.length;
    }
    const vsOcp = biasedVsOcp(plan);
    if (vsOcp && ocpV === null) {
      throw new EngineError(`${instrument.id}: no open-circuit potential was measured before EIS sweep ${sweepIndex}`, 'INSTRUMENT_UNAVAILABLE', { instrument: instrument.id });
    }
    const step = sweepStep(plan, vsOcp ? ocpV : null);
    const recording = recorder.eisPoints(sweepIndex, attempt, ctx.clock.nowNs());
    sweep = recording;
    await instrument.runStep(step, recording.onSample, signal);
    const galvanostatic = step.mode === 'galvanostatic';
    ctx.progress(EIS_PHASES.sweepDone, sweepIndex, of, null, `EIS sweep ${sweepIndex}: ${points()} points at ${galvanostatic ? `${step.dcA} A` : `${step.dcV.toFixed(4)} V`} DC`);
    return { points: points(), dcV: galvanostatic ? null : step.dcV, dcA: galvanostatic ? step.dcA : null, ocpV };
  } catch (e) {
    ctx.progress(EIS_PHASES.sweepAborted, sweepIndex, of, null, `EIS sweep ${sweepIndex} interrupted after ${points()} points`);
    throw e;
  }
}

async function runEis(ctx: RunContext, plan: EisPlan, repeats: number): Promise<{ reason: string }> {
  const recorder = new PotentiostatRecorder(ctx, ctx.instrument<PotentiostatInstrument>(plan.instrument));
  for (let k = 1; k <= repeats; k++) {
    await ctx.checkpoint();
    await runEisSweep(ctx, recorder, plan, k, repeats);
  }
  ctx.progress('done', repeats, repeats, 0, `${repeats} sweep${repeats > 1 ? 's' : ''} done`);
  return { reason: 'completed' };
}
