import { nsToS } from '../../core/clock.js';
import type { TemperatureInstrument } from '../../kinds/temperature/instrument.js';
import { emitReading, temperatureStreamSpec } from '../../kinds/temperature/streams.js';
import type { RunContext } from '../protocol.js';
import { TemperatureProgramError } from './errors.js';
import { SettlingDetector, type SettlingVerdict, type TemperatureStats } from './settling.js';
import type { TemperatureProgramPlan } from './temperature-parameters.js';

/** Phases published as progress documents while a temperature program runs (the engine adds `suspended` and `resumed`). */
export const TEMPERATURE_PHASES = {
  ramp: 'ramp',
  settled: 'settled',
} as const;

/** Where a step sits in its series, for progress documents. */
export interface StepPosition {
  readonly step: number;
  readonly of: number;
}

export interface SettledTemperature {
  readonly setpointK: number;
  /** Lab time of the reading that met the criterion. */
  readonly triggeredNs: bigint;
  /** The measured temperature of that reading. */
  readonly triggerK: number;
  /** Slope of T over the hold window at the trigger. */
  readonly rateKPerS: number;
  /** The in-band samples of the hold window that met the criterion. */
  readonly hold: TemperatureStats;
  readonly holdSamplesK: readonly number[];
  /** Lab seconds from the start of waiting to the trigger. */
  readonly waitedS: number;
}

export interface PolledTemperature {
  readonly timestampNs: bigint;
  /** The same lab time in seconds. */
  readonly timeS: number;
  /** NaN on sensor break. */
  readonly temperatureK: number;
}

/**
 * One reading of the controller, published as an event of its temperature
 * stream. A sensor break reads NaN (flagged `sensor_break`): the caller sees
 * NaN, which lies outside any band.
 */
export async function pollTemperature(ctx: RunContext, controller: TemperatureInstrument): Promise<PolledTemperature> {
  const reading = await controller.read();
  const timestampNs = ctx.clock.nowNs();
  emitReading(ctx.stream(temperatureStreamSpec(controller)), reading, timestampNs);
  return { timestampNs, timeS: nsToS(timestampNs), temperatureK: reading.temperatureK };
}

/**
 * Settling at a setpoint as a step of the run: when a lost link interrupts
 * it, it starts over with its ramp once the link is back (the controller was
 * put to its safe setpoint meanwhile), at most `maxRepeats` times.
 */
export async function settleStep(ctx: RunContext, controller: TemperatureInstrument, plan: TemperatureProgramPlan, setpointK: number, position: StepPosition): Promise<SettledTemperature> {
  for (let attempt = 1; ; attempt++) {
    const step = await ctx.step(`settle at ${setpointK} K`, (signal) => settleAt(ctx, controller, plan, setpointK, position, signal));
    if (step.completed) return step.value;
    if (attempt > plan.suspend.maxRepeats) {
      const why = step.interruptions.map((i) => `${i.condition}: ${i.reason}`).join('; ');
      throw new TemperatureProgramError(`${controller.id}: settling at ${setpointK} K was interrupted ${attempt} times (last: ${why})`, 'SETTLE_INTERRUPTED', {
        controller: controller.id,
        setpointK,
      });
    }
  }
}

/**
 * Ramps to the setpoint (limits checked before anything is sent) and waits
 * until it has settled; `signal` (the step's) ends the wait.
 */
async function settleAt(
  ctx: RunContext,
  controller: TemperatureInstrument,
  plan: TemperatureProgramPlan,
  setpointK: number,
  position: StepPosition,
  signal: AbortSignal,
): Promise<SettledTemperature> {
  ctx.progress(TEMPERATURE_PHASES.ramp, position.step, position.of, null, `step ${position.step}: to ${setpointK} K at ${plan.rampKPerMin} K/min`);
  await controller.goTo(setpointK, plan.rampKPerMin);
  const settled = await awaitSettled(ctx, controller, plan, setpointK, signal);
  ctx.progress(
    TEMPERATURE_PHASES.settled,
    position.step,
    position.of,
    null,
    `step ${position.step}: settled at ${settled.hold.meanK.toFixed(2)} K (sd ${settled.hold.sdK.toFixed(3)} K) after ${(settled.waitedS / 60).toFixed(1)} min`,
  );
  return settled;
}

/** The settling a detector's verdict on `sample` says has happened, `startS` after the wait began. */
export function settledFrom(detector: SettlingDetector, sample: PolledTemperature, verdict: SettlingVerdict, startS: number): SettledTemperature {
  return {
    setpointK: detector.setpointK,
    triggeredNs: sample.timestampNs,
    triggerK: sample.temperatureK,
    rateKPerS: verdict.rateKPerS!,
    hold: verdict.window!,
    holdSamplesK: detector.windowK,
    waitedS: sample.timeS - startS,
  };
}

/**
 * Polls the controller until the settling criterion holds (see
 * SettlingDetector); fails with SETTLE_TIMEOUT after the step's timeout.
 */
async function awaitSettled(ctx: RunContext, controller: TemperatureInstrument, plan: TemperatureProgramPlan, setpointK: number, signal: AbortSignal): Promise<SettledTemperature> {
  const detector = new SettlingDetector(setpointK, plan.settle);
  const startS = nsToS(ctx.clock.nowNs());
  for (;;) {
    const sample = await pollTemperature(ctx, controller);
    const verdict = detector.push(sample);
    if (verdict.settled) return settledFrom(detector, sample, verdict, startS);
    if (sample.timeS - startS >= plan.settle.timeoutS) {
      throw new TemperatureProgramError(
        `${controller.id}: ${setpointK} K did not settle within ${plan.settle.timeoutS} s (last reading ${sample.temperatureK.toFixed(2)} K)`,
        'SETTLE_TIMEOUT',
        { controller: controller.id, setpointK, lastK: sample.temperatureK },
      );
    }
    await ctx.clock.sleep(plan.pollS * 1000, signal);
  }
}
