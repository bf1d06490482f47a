import type { TemperatureInstrument } from '../../kinds/temperature/instrument.js';
import type { RunContext } from '../protocol.js';
import { TemperatureBandCondition, type BandTrip } from './band-condition.js';
import type { TemperatureProgramPlan } from './temperature-parameters.js';
import type { SettledTemperature } from './temperature-steps.js';

export interface SettledMeasurement<T> {
  /** The measurement's result; null when every attempt was interrupted. */
  readonly result: T | null;
  readonly attempts: number;
  /** Every time the step was disturbed (the temperature left its band, the controller's link came back). */
  readonly trips: readonly BandTrip[];
  /**
   * The temperature left its band during the measurement whose result is
   * returned (policy `mark`), or the repeats ran out (result null): the point
   * is not a settled one.
   */
  readonly marked: boolean;
  /** The settling (the first, or the one after the last trip) before the attempt that counted. */
  readonly settled: SettledTemperature;
  /** Temperatures polled during the attempt that counted (all within the suspend band unless marked). */
  readonly duringK: readonly number[];
}

/**
 * Runs a measurement at a settled setpoint as a step of the run, with the
 * temperature band installed as a condition of the run (after bluesky's
 * suspenders; see TemperatureBandCondition). A step the band or a lost link
 * interrupts is repeated once the run has resumed (settled again), at most
 * `maxRepeats` times, then the step is marked without a result; with policy
 * `mark` a measurement the band did not interrupt comes back marked.
 */
export async function measureSettled<T>(
  ctx: RunContext,
  controller: TemperatureInstrument,
  plan: TemperatureProgramPlan,
  settled: SettledTemperature,
  measure: (signal: AbortSignal, attempt: number) => Promise<T>,
): Promise<SettledMeasurement<T>> {
  const band = new TemperatureBandCondition(ctx, controller, plan, settled);
  const uninstall = ctx.installSuspender(band.suspender);
  band.start();
  try {
    for (let attempts = 1; ; attempts++) {
      band.beginMeasurement();
      const step = await ctx.step(`measurement at ${settled.setpointK} K`, (signal) => measure(signal, attempts));
      const outcome = { attempts, trips: band.trips, settled: band.settled, duringK: band.duringK };
      if (step.completed) return { ...outcome, result: step.value, marked: step.interruptions.some((i) => i.condition === band.suspender.name) };
      if (attempts > plan.suspend.maxRepeats) return { ...outcome, result: null, marked: true };
      ctx.logger.info({ runId: ctx.runId, setpointK: settled.setpointK, attempt: attempts }, 'measurement interrupted: repeating it at the settled temperature');
    }
  } finally {
    uninstall();
    await band.stop();
  }
}
