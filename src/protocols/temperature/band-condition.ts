import { BehaviorSubject, type Subscription } from 'rxjs';
import { nsToS } from '../../core/clock.js';
import { errorMessage } from '../../core/errors.js';
import type { Suspender, SuspenderState } from '../../engine/suspensions.js';
import { isInstrumentError } from '../../instruments/instrument-error.js';
import type { TemperatureInstrument } from '../../kinds/temperature/instrument.js';
import type { RunContext } from '../protocol.js';
import { SettlingDetector } from './settling.js';
import type { TemperatureProgramPlan } from './temperature-parameters.js';
import { pollTemperature, settledFrom, type PolledTemperature, type SettledTemperature } from './temperature-steps.js';

/** A time the temperature step was disturbed, and when it had settled again. */
export interface BandTrip {
  readonly trippedNs: bigint;
  /** The reading that left the band (NaN on sensor break, or after the link came back). */
  readonly trippedK: number;
  readonly reason: string;
  /** When the temperature had settled again; null while it has not. */
  resumedNs: bigint | null;
}

/**
 * The VT suspender as a condition of the run (src/engine/suspensions.ts):
 * while a settled step measures, the controller is polled every `pollS` (each
 * reading an event of its temperature stream). A reading outside the suspend
 * band (or a sensor break) trips it, and so does the controller's link coming
 * back (a reconnected controller was put to its safe setpoint before the run
 * sent its own again): the step must settle again. It clears once the full
 * settling criterion holds again, so the run resumes only at a settled
 * temperature; a step that does not settle again within the settling timeout
 * fails the run (SUSPENDED_TOO_LONG). With policy `repeat` a trip interrupts
 * the measurement; with `mark` it runs to its end and is marked. Polls the
 * link fails are skipped (the link's own condition suspends the run); any
 * other error fails the run.
 */
export class TemperatureBandCondition {
  readonly suspender: Suspender;
  private readonly state = new BehaviorSubject<SuspenderState>({ tripped: false, reason: '' });
  private readonly stopped = new AbortController();
  private readonly linkWatch: Subscription;
  private detector: SettlingDetector | null = null;
  private resettleStartS = 0;
  private during: number[] = [];
  private polling: Promise<void> | null = null;
  /** The settling the latest measurement followed: the first, or the last re-settling. */
  private settledNow: SettledTemperature;
  readonly trips: BandTrip[] = [];

  constructor(
    private readonly ctx: RunContext,
    private readonly controller: TemperatureInstrument,
    private readonly plan: TemperatureProgramPlan,
    settled: SettledTemperature,
  ) {
    this.settledNow = settled;
    this.suspender = {
      name: `${controller.id} temperature band`,
      state$: this.state.asObservable(),
      interrupts: plan.suspend.policy === 'repeat',
      // Clearing already means a full settling hold: no settle time on top.
      settleS: 0,
      maxSuspensionS: plan.settle.timeoutS,
    };
    let linkDown = false;
    this.linkWatch = controller.connection$.subscribe((c) => {
      if (c.state !== 'connected') linkDown = true;
      else if (linkDown) {
        linkDown = false;
        this.trip(Number.NaN, ctx.clock.nowNs(), `the link to ${controller.id} came back: settling again at ${settled.setpointK} K`);
      }
    });
  }

  get setpointK(): number {
    return this.settledNow.setpointK;
  }

  /** The settling before the latest measurement. */
  get settled(): SettledTemperature {
    return this.settledNow;
  }

  /** In-band readings since the latest measurement began, up to a trip. */
  get duringK(): readonly number[] {
    return this.during;
  }

  start(): void {
    this.polling ??= this.poll();
  }

  /** A measurement begins: its readings are counted from now. */
  beginMeasurement(): void {
    this.during = [];
  }

  async stop(): Promise<void> {
    this.stopped.abort();
    this.linkWatch.unsubscribe();
    await this.polling;
    this.state.complete();
  }

  private async poll(): Promise<void> {
    const { ctx, controller } = this;
    for (;;) {
      try {
        await ctx.clock.sleep(this.plan.pollS * 1000, this.stopped.signal);
      } catch {
        return;
      }
      let sample: PolledTemperature;
      try {
        sample = await pollTemperature(ctx, controller);
      } catch (e) {
        if (isInstrumentError(e)) continue;
        this.state.next({ tripped: true, reason: `reading ${controller.id} failed: ${errorMessage(e)}`, error: e });
        return;
      }
      this.take(sample);
    }
  }

  private take(sample: PolledTemperature): void {
    const { suspend } = this.plan;
    if (!this.detector) {
      if (Math.abs(sample.temperatureK - this.setpointK) <= suspend.bandK) {
        this.during.push(sample.temperatureK);
        return;
      }
      const reading = Number.isFinite(sample.temperatureK) ? `${sample.temperatureK.toFixed(2)} K` : 'sensor break';
      this.trip(sample.temperatureK, sample.timestampNs, `${reading} is outside ${this.setpointK} ± ${suspend.bandK} K`);
      return;
    }
    const verdict = this.detector.push(sample);
    if (!verdict.settled) return;
    this.settledNow = settledFrom(this.detector, sample, verdict, this.resettleStartS);
    this.detector = null;
    this.trips.at(-1)!.resumedNs = sample.timestampNs;
    this.state.next({ tripped: false, reason: `settled again at ${this.settledNow.hold.meanK.toFixed(2)} K (sd ${this.settledNow.hold.sdK.toFixed(3)} K)` });
  }

  /** The step must settle again: a fresh settling detector from this reading on. */
  private trip(temperatureK: number, atNs: bigint, reason: string): void {
    this.detector = new SettlingDetector(this.setpointK, this.plan.settle);
    this.resettleStartS = nsToS(atNs);
    this.trips.push({ trippedNs: atNs, trippedK: temperatureK, reason, resumedNs: null });
    this.state.next({ tripped: true, reason });
  }
}
