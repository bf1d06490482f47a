import type { TemperatureInstrument } from '../../kinds/temperature/instrument.js';
import type { RunContext } from '../protocol.js';
import type { TemperatureProgramPlan } from './temperature-parameters.js';
import { awaitSettled, pollTemperature, TEMPERATURE_PHASES, type PolledTemperature, type SettledTemperature, type StepPosition } from './temperature-steps.js';

export interface Suspension {
  /** The reading that left the band (NaN on sensor break). */
  readonly trippedNs: bigint;
  readonly trippedK: number;
  /** When the temperature had settled again. */
  readonly resumedNs: bigint;
}

export interface SuspendedMeasurement<T> {
  /** The measurement's result; null when every attempt was interrupted. */
  readonly result: T | null;
  readonly attempts: number;
  readonly suspensions: readonly Suspension[];
  /**
   * The temperature left its band during the measurement whose result is
   * returned (policy `mark`), or the repeats ran out (result null): the point
   * is not a settled one.
   */
  readonly marked: boolean;
  /** The settling (the first, or the one after the last suspension) before the attempt that counted. */
  readonly settled: SettledTemperature;
  /** Temperatures polled during the attempt that counted (all within the suspend band unless marked). */
  readonly duringK: readonly number[];
}

interface Attempt<T> {
  readonly result: T | null;
  readonly trip: PolledTemperature | null;
  readonly duringK: number[];
}

/**
 * Runs a measurement at a settled setpoint while a suspender watches the
 * temperature (after bluesky's suspenders). When the temperature leaves the
 * suspend band (or the sensor breaks) the series is suspended: a `suspended`
 * progress document, then waiting until the temperature has settled again by
 * the full settling criterion, then `resumed`. With policy `repeat` the
 * measurement is interrupted at the trip and repeated after the resume (at
 * most `maxRepeats` times, then the step is marked without a result); with
 * `mark` it runs to its end and its result comes back marked.
 */
export async function measureUnderSuspender<T>(
  ctx: RunContext,
  controller: TemperatureInstrument,
  plan: TemperatureProgramPlan,
  settled: SettledTemperature,
  position: StepPosition,
  measure: (signal: AbortSignal) => Promise<T>,
): Promise<SuspendedMeasurement<T>> {
  const interrupt = plan.suspend.policy === 'repeat';
  const suspensions: Suspension[] = [];
  let current = settled;
  for (let attempts = 1; ; attempts++) {
    const announce = (trip: PolledTemperature) => {
      const reading = Number.isFinite(trip.temperatureK) ? `${trip.temperatureK.toFixed(2)} K` : 'sensor break';
      ctx.progress(
        TEMPERATURE_PHASES.suspended,
        position.step,
        position.of,
        null,
        `step ${position.step}: suspended, ${reading} is outside ${settled.setpointK} ± ${plan.suspend.bandK} K` +
          (interrupt ? '; the measurement is interrupted' : '; the measurement goes on and will be marked'),
      );
    };
    const attempt = await watchWhile(ctx, controller, plan, settled.setpointK, interrupt, announce, measure);
    if (!attempt.trip) return { result: attempt.result, attempts, suspensions, marked: false, settled: current, duringK: attempt.duringK };

    current = await awaitSettled(ctx, controller, plan, settled.setpointK);
    suspensions.push({ trippedNs: attempt.trip.timestampNs, trippedK: attempt.trip.temperatureK, resumedNs: current.triggeredNs });
    const repeat = interrupt && attempts <= plan.suspend.maxRepeats;
    ctx.progress(
      TEMPERATURE_PHASES.resumed,
      position.step,
      position.of,
      null,
      `step ${position.step}: resumed at ${current.hold.meanK.toFixed(2)} K; ` +
        (repeat ? `repeating the measurement (repeat ${attempts} of at most ${plan.suspend.maxRepeats})` : 'the measurement is marked'),
    );
    if (!repeat) return { result: interrupt ? null : attempt.result, attempts, suspensions, marked: true, settled: current, duringK: attempt.duringK };
  }
}

/** The measurement, with the temperature polled beside it until it ends (or trips the band: `onTrip` then). */
async function watchWhile<T>(
  ctx: RunContext,
  controller: TemperatureInstrument,
  plan: TemperatureProgramPlan,
  setpointK: number,
  interrupt: boolean,
  onTrip: (trip: PolledTemperature) => void,
  measure: (signal: AbortSignal) => Promise<T>,
): Promise<Attempt<T>> {
  const measurement = new AbortController();
  const watching = new AbortController();
  const onRunAbort = () => measurement.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', onRunAbort, { once: true });
  const duringK: number[] = [];
  let trip: PolledTemperature | null = null;
  const watch = (async () => {
    for (;;) {
      try {
        await ctx.clock.sleep(plan.pollS * 1000, watching.signal);
      } catch {
        return; // the measurement ended
      }
      const sample = await pollTemperature(ctx, controller);
      if (!(Math.abs(sample.temperatureK - setpointK) <= plan.suspend.bandK)) {
        trip = sample;
        onTrip(sample);
        if (interrupt) measurement.abort(new Error('suspended: the temperature left its band'));
        return;
      }
      duringK.push(sample.temperatureK);
    }
  })();
  // A controller that stops answering fails the run; the measurement must not go on unwatched.
  const watchFailure = watch.then(
    () => null,
    (error: unknown) => {
      measurement.abort(error);
      return { error };
    },
  );

  let result: T | null = null;
  let failure: { error: unknown } | null = null;
  try {
    result = await measure(measurement.signal);
  } catch (error) {
    failure = { error };
  } finally {
    watching.abort();
    ctx.signal.removeEventListener('abort', onRunAbort);
  }
  const watchError = await watchFailure;
  if (watchError) throw watchError.error;
  if (ctx.signal.aborted) throw ctx.signal.reason;
  if (failure && !(trip && interrupt)) throw failure.error;
  return { result: failure ? null : result, trip, duringK };
}
