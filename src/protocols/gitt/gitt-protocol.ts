import { nsToS } from '../../core/clock.js';
import { formatQuantity, parseCurrent, parseQuantity } from '../../core/units.js';
import { linearRegression } from '../../analysis/numeric/linear-regression.js';
import { EngineError } from '../../engine/errors.js';
import type { PotentiostatSample, PotentiostatStep } from '../../kinds/potentiostat/device.js';
import { PotentiostatInstrument } from '../../kinds/potentiostat/instrument.js';
import { PotentiostatRecorder } from '../../kinds/potentiostat/streams.js';
import type { InstrumentLookup, PreparedProtocol, ProtocolDefinition, RunContext } from '../protocol.js';
import { GittParametersSchema, type GittParametersInput, type GittPlan, type GittRest } from './gitt-parameters.js';

/** Phases published as progress documents; the live GITT fit keys on them. */
export const GITT_PHASES = { initialRest: 'initial-rest', pulse: 'pulse', rest: 'rest' } as const;

export const gittProtocol: ProtocolDefinition = {
  name: 'gitt',
  version: 1,
  summary: 'Galvanostatic intermittent titration: constant-current pulses, each followed by an open-circuit rest',
  parametersSchema: GittParametersSchema,
  prepare(parameters: unknown, lab: InstrumentLookup): PreparedProtocol {
    const plan = planGitt(parameters as GittParametersInput, lab);
    return {
      instruments: [plan.instrument],
      parameters: { ...plan },
      run: (ctx) => runGitt(ctx, plan),
    };
  },
};

/** Turns the operator's parameters into SI units and checks them against the instrument's hard limits. */
export function planGitt(input: GittParametersInput, lab: InstrumentLookup): GittPlan {
  const instrument = lab.get(input.instrument);
  if (!(instrument instanceof PotentiostatInstrument)) {
    throw new EngineError(`instrument ${input.instrument} is not a potentiostat`, 'INVALID_PARAMETERS', { instrument: input.instrument });
  }
  const sample = { ...(instrument.sample ?? { name: instrument.id }), ...(input.sample ?? {}) };
  const capacityAh = sample.theoreticalCapacityMah !== undefined ? sample.theoreticalCapacityMah / 1000 : undefined;
  const bad = (path: string, message: string) => new EngineError(`parameters/${path}: ${message}`, 'INVALID_PARAMETERS', { path });
  const quantity = (path: string, value: number | string, dim: Parameters<typeof parseQuantity>[1]) => {
    try {
      return parseQuantity(value, dim);
    } catch (e) {
      throw bad(path, (e as Error).message);
    }
  };
  let currentA: number;
  try {
    currentA = parseCurrent(input.current, capacityAh);
  } catch (e) {
    throw bad('current', (e as Error).message);
  }
  if (currentA === 0) throw bad('current', 'the pulse current must not be zero');
  const pulseS = quantity('pulse', input.pulse, 'time');
  if (!(pulseS > 0)) throw bad('pulse', 'must be positive');

  let rest: GittRest;
  if ('duration' in input.rest) {
    rest = { kind: 'fixed', durationS: quantity('rest/duration', input.rest.duration, 'time') };
    if (!(rest.durationS > 0)) throw bad('rest/duration', 'must be positive');
  } else {
    const windowS = quantity('rest/window', input.rest.window ?? '5 min', 'time');
    const maxDurationS = quantity('rest/maxDuration', input.rest.maxDuration, 'time');
    const minDurationS = quantity('rest/minDuration', input.rest.minDuration ?? windowS, 'time');
    const maxDvdtVPerS = quantity('rest/maxDvdt', input.rest.maxDvdt, 'potential-rate');
    if (!(maxDvdtVPerS > 0)) throw bad('rest/maxDvdt', 'must be positive');
    if (!(windowS > 0) || !(maxDurationS >= minDurationS) || !(minDurationS >= windowS)) {
      throw bad('rest', 'needs 0 < window <= minDuration <= maxDuration');
    }
    rest = { kind: 'relaxation', maxDvdtVPerS, windowS, minDurationS, maxDurationS };
  }

  const { minV, maxV } = instrument.limits;
  const cutoff = {
    minV: input.cutoff?.minV !== undefined ? quantity('cutoff/minV', input.cutoff.minV, 'potential') : null,
    maxV: input.cutoff?.maxV !== undefined ? quantity('cutoff/maxV', input.cutoff.maxV, 'potential') : null,
  };
  for (const [key, v] of Object.entries(cutoff)) {
    if (v !== null && (v < minV || v > maxV)) throw bad(`cutoff/${key}`, `${v} V lies outside the instrument's hard limits ${minV}..${maxV} V`);
  }
  if (input.pulses === undefined && cutoff.minV === null && cutoff.maxV === null) {
    throw bad('pulses', 'give a number of pulses, a voltage cut-off, or both');
  }
  const sampleIntervalS = quantity('sampleInterval', input.sampleInterval ?? '1 s', 'time');
  const restSampleIntervalS = quantity('restSampleInterval', input.restSampleInterval ?? '10 s', 'time');
  const initialRestS = quantity('initialRest', input.initialRest ?? '10 min', 'time');
  if (!(sampleIntervalS > 0) || sampleIntervalS > pulseS) throw bad('sampleInterval', 'must be positive and no longer than the pulse');
  if (!(restSampleIntervalS > 0)) throw bad('restSampleInterval', 'must be positive');
  if (!(initialRestS >= restSampleIntervalS)) throw bad('initialRest', 'must last at least one rest sampling interval');
  const plan: GittPlan = {
    instrument: instrument.id,
    currentA,
    pulseS,
    rest,
    pulses: input.pulses ?? null,
    cutoff,
    sampleIntervalS,
    restSampleIntervalS,
    initialRestS,
    sample,
  };
  instrument.checkStep(pulseStep(plan));
  return plan;
}

function pulseStep(plan: GittPlan): PotentiostatStep {
  return {
    kind: 'constant-current',
    currentA: plan.currentA,
    durationS: plan.pulseS,
    intervalS: plan.sampleIntervalS,
    limits: { ...(plan.cutoff.minV !== null && { minV: plan.cutoff.minV }), ...(plan.cutoff.maxV !== null && { maxV: plan.cutoff.maxV }) },
  };
}

function beyondCutoff(plan: GittPlan, v: number): boolean {
  return (plan.cutoff.minV !== null && v <= plan.cutoff.minV) || (plan.cutoff.maxV !== null && v >= plan.cutoff.maxV);
}

async function runGitt(ctx: RunContext, plan: GittPlan): Promise<{ reason: string }> {
  const pstat = ctx.instrument<PotentiostatInstrument>(plan.instrument);
  const recorder = new PotentiostatRecorder(ctx, pstat);
  // ETA from the plan: a relaxation rest is taken as long as the rests so far (at first, its maximum).
  const restDurationsS: number[] = [];
  const restS = () =>
    plan.rest.kind === 'fixed' ? plan.rest.durationS : restDurationsS.length > 0 ? restDurationsS.reduce((a, b) => a + b) / restDurationsS.length : plan.rest.maxDurationS;
  const total = plan.pulses;
  /** Lab seconds left when `pulsesLeft` whole cycles and `restLeft` rests of the current cycle remain. */
  const eta = (pulsesLeft: number, restsLeft: number) => (total === null ? null : pulsesLeft * (plan.pulseS + restS()) + restsLeft * restS());

  await ctx.checkpoint();
  ctx.progress(GITT_PHASES.initialRest, 0, total, total === null ? null : plan.initialRestS + (eta(total, 0) ?? 0), `open-circuit rest ${formatQuantity(plan.initialRestS, 's')} before the first pulse`);
  await restStep(ctx, recorder, { kind: 'fixed', durationS: plan.initialRestS }, plan.restSampleIntervalS);

  for (let k = 1; total === null || k <= total; k++) {
    await ctx.checkpoint();
    ctx.progress(
      GITT_PHASES.pulse,
      k,
      total,
      eta(total === null ? 0 : total - k + 1, 0),
      `pulse ${k}${total ? ` of ${total}` : ''}: ${formatQuantity(plan.currentA, 'A')} for ${formatQuantity(plan.pulseS, 's')}`,
    );
    const step = pulseStep(plan);
    const record = recorder.dcSamples(step, ctx.clock.nowNs());
    let lastV = Number.NaN;
    const outcome = await pstat.runStep(
      step,
      (s) => {
        record(s);
        if (s.potentialV !== undefined) lastV = s.potentialV;
      },
      ctx.signal,
    );
    const cutDuringPulse = outcome.ending === 'cut-off' || beyondCutoff(plan, lastV);

    // The rest always follows, also after a cut-off: Es of the last pulse needs it.
    await ctx.checkpoint();
    ctx.progress(GITT_PHASES.rest, k, total, eta(total === null ? 0 : total - k, 1), `rest after pulse ${k}`);
    const restStartS = nsToS(ctx.clock.nowNs());
    await restStep(ctx, recorder, plan.rest, plan.restSampleIntervalS);
    restDurationsS.push(nsToS(ctx.clock.nowNs()) - restStartS);
    if (cutDuringPulse) {
      ctx.progress('done', k, total, 0, `voltage cut-off reached in pulse ${k}`);
      return { reason: `voltage cut-off reached in pulse ${k}` };
    }
  }
  ctx.progress('done', total ?? 0, total, 0, 'all pulses done');
  return { reason: 'completed' };
}

/** An open-circuit rest: fixed, or until |dV/dt| over the window falls below the threshold. */
async function restStep(ctx: RunContext, recorder: PotentiostatRecorder, rest: GittRest, intervalS: number): Promise<void> {
  const pstat = recorder.instrument;
  const step: PotentiostatStep = { kind: 'ocp', durationS: rest.kind === 'fixed' ? rest.durationS : rest.maxDurationS, intervalS };
  const emit = recorder.dcSamples(step, ctx.clock.nowNs());
  if (rest.kind === 'fixed') {
    await pstat.runStep(step, emit, ctx.signal);
    return;
  }
  const relaxed = new AbortController();
  const onRunAbort = () => relaxed.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', onRunAbort, { once: true });
  const times: number[] = [];
  const volts: number[] = [];
  try {
    await pstat.runStep(
      step,
      (s: PotentiostatSample) => {
        emit(s);
        if (s.potentialV === undefined) return;
        times.push(s.elapsedS);
        volts.push(s.potentialV);
        while (times.length > 0 && times[0]! < s.elapsedS - rest.windowS) {
          times.shift();
          volts.shift();
        }
        if (s.elapsedS >= rest.minDurationS && times.length >= 3 && !relaxed.signal.aborted) {
          // Relaxed only when |dV/dt| is below the threshold with about 95% confidence: a slope
          // estimate dominated by noise would otherwise cross the threshold by chance and end
          // the rest early (and bias Es); such a rest runs to its maximum instead.
          const fit = linearRegression(times, volts);
          if (Math.abs(fit.slope) + 2 * fit.slopeStderr < rest.maxDvdtVPerS) relaxed.abort('relaxed');
        }
      },
      relaxed.signal,
    );
  } finally {
    ctx.signal.removeEventListener('abort', onRunAbort);
  }
  // Ending the rest early on relaxation is success; an abort of the run is not.
  if (ctx.signal.aborted) await ctx.checkpoint();
}
