import { nsToS } from '../../core/clock.js';
import { formatQuantity, parseCurrent } from '../../core/units.js';
import { linearRegression } from '../../analysis/numeric/linear-regression.js';
import { EngineError } from '../../engine/errors.js';
import type { PotentiostatSample, PotentiostatStep } from '../../kinds/potentiostat/device.js';
import { PotentiostatInstrument } from '../../kinds/potentiostat/instrument.js';
import { PotentiostatRecorder } from '../../kinds/potentiostat/streams.js';
import { potentiostatBounds } from '../instrument-bounds.js';
import type { InstrumentLookup, PreparedProtocol, ProtocolDefinition, RunContext } from '../protocol.js';
import { badParameter, checkRunDuration, checkSamplesPerStep, durationAt, intervalAt, positiveAt, quantityAt } from '../temperature/parameter-reader.js';
import { GittParametersSchema, type GittParametersInput, type GittPlan, type GittRest } from './gitt-parameters.js';

/** Phases published as progress documents; the live GITT fit keys on them. */
export const GITT_PHASES = { initialRest: 'initial-rest', pulse: 'pulse', pulseInterrupted: 'pulse-interrupted', rest: 'rest' } as const;

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

/**
 * Turns the operator's parameters into SI units and checks them against the
 * instrument's hard limits, its shortest sampling interval, and the bounds
 * of every protocol (PROTOCOL_BOUNDS: step length, samples per step, run length).
 */
export function planGitt(input: GittParametersInput, lab: InstrumentLookup): GittPlan {
  const instrument = lab.get(input.instrument);
  if (!(instrument instanceof PotentiostatInstrument)) {
    throw new EngineError(`instrument ${input.instrument} is not a potentiostat`, 'INVALID_PARAMETERS', { instrument: input.instrument });
  }
  const sample = { ...(instrument.sample ?? { name: instrument.id }), ...(input.sample ?? {}) };
  // The sample is where the last run on it left it, unless the parameters say otherwise.
  const carried = input.sample?.initialX === undefined ? lab.lastComposition?.(instrument.id, sample.name ?? instrument.id) : undefined;
  if (carried) sample.initialX = carried.x;
  const capacityAh = sample.theoreticalCapacityMah !== undefined ? sample.theoreticalCapacityMah / 1000 : undefined;
  let currentA: number;
  try {
    currentA = parseCurrent(input.current, capacityAh);
  } catch (e) {
    throw badParameter('current', (e as Error).message);
  }
  if (currentA === 0) throw badParameter('current', 'the pulse current must not be zero');
  const pulseS = durationAt('pulse', input.pulse);

  let rest: GittRest;
  if ('duration' in input.rest) {
    rest = { kind: 'fixed', durationS: durationAt('rest/duration', input.rest.duration) };
  } else {
    const windowS = durationAt('rest/window', input.rest.window ?? '5 min');
    const maxDurationS = durationAt('rest/maxDuration', input.rest.maxDuration);
    const minDurationS = durationAt('rest/minDuration', input.rest.minDuration ?? windowS);
    const maxDvdtVPerS = positiveAt('rest/maxDvdt', input.rest.maxDvdt, 'potential-rate');
    if (!(maxDurationS >= minDurationS) || !(minDurationS >= windowS)) throw badParameter('rest', 'needs 0 < window <= minDuration <= maxDuration');
    rest = { kind: 'relaxation', maxDvdtVPerS, windowS, minDurationS, maxDurationS };
  }

  const { minV, maxV } = instrument.limits;
  const cutoff = {
    minV: input.cutoff?.minV !== undefined ? quantityAt('cutoff/minV', input.cutoff.minV, 'potential') : null,
    maxV: input.cutoff?.maxV !== undefined ? quantityAt('cutoff/maxV', input.cutoff.maxV, 'potential') : null,
  };
  for (const [key, v] of Object.entries(cutoff)) {
    if (v !== null && (v < minV || v > maxV)) throw badParameter(`cutoff/${key}`, `${v} V lies outside the instrument's hard limits ${minV}..${maxV} V`);
  }
  if (input.pulses === undefined && cutoff.minV === null && cutoff.maxV === null) {
    throw badParameter('pulses', 'give a number of pulses, a voltage cut-off, or both');
  }
  const { minSampleIntervalS } = potentiostatBounds(instrument);
  const sampleIntervalS = intervalAt('sampleInterval', input.sampleInterval ?? '1 s', minSampleIntervalS, instrument.id);
  const restSampleIntervalS = intervalAt('restSampleInterval', input.restSampleInterval ?? '10 s', minSampleIntervalS, instrument.id);
  const initialRestS = durationAt('initialRest', input.initialRest ?? '10 min');
  if (sampleIntervalS > pulseS) throw badParameter('sampleInterval', 'must be no longer than the pulse');
  if (!(initialRestS >= restSampleIntervalS)) throw badParameter('initialRest', 'must last at least one rest sampling interval');
  const longestRestS = rest.kind === 'fixed' ? rest.durationS : rest.maxDurationS;
  checkSamplesPerStep('sampleInterval', sampleIntervalS, pulseS, 'a pulse');
  checkSamplesPerStep('restSampleInterval', restSampleIntervalS, Math.max(longestRestS, initialRestS), 'a rest');
  if (input.pulses !== undefined) {
    checkRunDuration('pulses', initialRestS + input.pulses * (pulseS + longestRestS), `${input.pulses} pulses with their rests`);
  }
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
    ...(carried && { initialXFrom: { runId: carried.runId, pulse: carried.pulse } }),
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
  await restStep(ctx, recorder, { kind: 'fixed', durationS: plan.initialRestS }, plan.restSampleIntervalS, 'initial rest');

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
    let lastV = Number.NaN;
    const pulse = await ctx.step(`pulse ${k}`, (signal) => {
      const record = recorder.dcSamples(step, ctx.clock.nowNs());
      return pstat.runStep(
        step,
        (s) => {
          record(s);
          if (s.potentialV !== undefined) lastV = s.potentialV;
        },
        signal,
      );
    });
    if (!pulse.completed) {
      // The charge an interrupted pulse passed is no pulse of length tau: it is marked invalid, its rest follows.
      const why = pulse.interruptions.map((i) => `${i.condition}: ${i.reason}`).join('; ');
      ctx.progress(GITT_PHASES.pulseInterrupted, k, total, null, `pulse ${k} interrupted (${why}): marked invalid, its rest follows`);
    }
    const cutDuringPulse = pulse.completed && (pulse.value.ending === 'cut-off' || beyondCutoff(plan, lastV));

    // The rest always follows, also after a cut-off: Es of the last pulse needs it.
    await ctx.checkpoint();
    ctx.progress(GITT_PHASES.rest, k, total, eta(total === null ? 0 : total - k, 1), `rest after pulse ${k}`);
    const restStartS = nsToS(ctx.clock.nowNs());
    await restStep(ctx, recorder, plan.rest, plan.restSampleIntervalS, `rest after pulse ${k}`);
    restDurationsS.push(nsToS(ctx.clock.nowNs()) - restStartS);
    if (cutDuringPulse) {
      ctx.progress('done', k, total, 0, `voltage cut-off reached in pulse ${k}`);
      return { reason: `voltage cut-off reached in pulse ${k}` };
    }
  }
  ctx.progress('done', total ?? 0, total, 0, 'all pulses done');
  return { reason: 'completed' };
}

/**
 * An open-circuit rest: fixed, or until |dV/dt| over the window falls below
 * the threshold. A pause request stops it within one sample (the cell stays
 * at open circuit) and it goes on after resume with its criterion; an
 * interruption (a lost link) the same once the run has resumed. Its length
 * counts the time measured, pauses and suspensions left out; the relaxation
 * criterion works on lab time since the rest began.
 */
async function restStep(ctx: RunContext, recorder: PotentiostatRecorder, rest: GittRest, intervalS: number, label: string): Promise<void> {
  const pstat = recorder.instrument;
  const maxS = rest.kind === 'fixed' ? rest.durationS : rest.maxDurationS;
  const restStartNs = ctx.clock.nowNs();
  const times: number[] = [];
  const volts: number[] = [];
  let restedS = 0;
  let relaxed = false;
  while (!relaxed && maxS - restedS >= intervalS) {
    const step: PotentiostatStep = { kind: 'ocp', durationS: maxS - restedS, intervalS };
    const partStartNs = ctx.clock.nowNs();
    const offsetS = Number(partStartNs - restStartNs) / 1e9;
    const restedBeforeS = restedS;
    let lastElapsedS = 0;
    const part = await ctx.step(
      label,
      async (signal) => {
        const local = new AbortController();
        const forward = () => local.abort(signal.reason);
        signal.addEventListener('abort', forward, { once: true });
        const emit = recorder.dcSamples(step, partStartNs);
        try {
          await pstat.runStep(
            step,
            (s: PotentiostatSample) => {
              emit(s);
              lastElapsedS = s.elapsedS;
              if (rest.kind === 'fixed' || s.potentialV === undefined || relaxed) return;
              const t = offsetS + s.elapsedS;
              times.push(t);
              volts.push(s.potentialV);
              while (times.length > 0 && times[0]! < t - rest.windowS) {
                times.shift();
                volts.shift();
              }
              if (restedBeforeS + s.elapsedS >= rest.minDurationS && times.length >= 3) {
                // Relaxed only when |dV/dt| is below the threshold with about 95% confidence: a slope
                // estimate dominated by noise would otherwise cross the threshold by chance and end
                // the rest early (and bias Es); such a rest runs to its maximum instead.
                const fit = linearRegression(times, volts);
                if (Math.abs(fit.slope) + 2 * fit.slopeStderr < rest.maxDvdtVPerS) {
                  relaxed = true;
                  local.abort('relaxed');
                }
              }
            },
            local.signal,
          );
        } finally {
          signal.removeEventListener('abort', forward);
        }
      },
      { pausable: true },
    );
    if (part.completed) return;
    restedS += lastElapsedS;
    // A pause waits here for the resume; after an interruption the run has resumed already.
    if (part.paused) await ctx.checkpoint();
  }
}
