import { BehaviorSubject } from 'rxjs';
import { errorMessage } from '../../core/errors.js';
import type { Suspender, SuspenderState } from '../../engine/suspensions.js';
import { isInstrumentError } from '../../instruments/instrument-error.js';
import type { McaAcquisition, McaInstrument, McaStatus } from '../../kinds/mca/instrument.js';
import type { McaRecorder } from '../../kinds/mca/streams.js';
import type { ExclusiveQueue } from '../../transport/exclusive-queue.js';
import type { RunContext } from '../protocol.js';
import type { NdpPlatingPlan } from './ndp-parameters.js';

/** The steps the neutron monitor holds: the spectra, not the electrochemistry beside them. */
export const COUNTING_SCOPE = 'counting';

type MonitorPlan = NdpPlatingPlan['monitor'];

/**
 * The neutron monitor (the MCA's general-purpose counter) as a condition of
 * the counting (after bluesky's suspenders; SCIENCE.md 5: a drop of the
 * reactor power must pause or flag counting, never bias it silently).
 *
 * While a spectrum counts, the monitor rate between status reads is judged;
 * below `minFraction` of nominal the condition trips: the spectrum is cut
 * short (stored, flagged `monitor_low`), and no spectrum starts while it
 * holds. Meanwhile short probe spectra (`probeS`, also flagged and stored:
 * the interval is marked, not lost) watch the monitor; once one shows it back
 * the condition clears, and probing goes on through the settle time, so a
 * relapse then trips it again. The electrochemistry is not held. A monitor
 * low for longer than `maxOutageS` fails the run (SUSPENDED_TOO_LONG).
 */
export class NeutronMonitorCondition {
  readonly suspender: Suspender;
  private readonly state = new BehaviorSubject<SuspenderState>({ tripped: false, reason: 'monitor at nominal' });
  private readonly stopped = new AbortController();
  private lastStatus: McaStatus | null = null;
  private probing: Promise<void> | null = null;

  constructor(
    private readonly deps: {
      readonly ctx: RunContext;
      readonly mca: McaInstrument;
      readonly recorder: McaRecorder;
      /** The MCA does one acquisition at a time: counting and probing share it. */
      readonly queue: ExclusiveQueue;
      readonly plan: MonitorPlan;
    },
  ) {
    const { mca, plan } = deps;
    this.suspender = {
      name: `${mca.id} neutron monitor`,
      state$: this.state.asObservable(),
      interrupts: true,
      settleS: plan.settleS,
      maxSuspensionS: plan.maxOutageS,
      scope: COUNTING_SCOPE,
    };
  }

  get minRatePerS(): number {
    return this.deps.plan.nominalRatePerS * this.deps.plan.minFraction;
  }

  get tripped(): boolean {
    return this.state.value.tripped;
  }

  /** A status read while a spectrum counts: the rate since the previous read of the same acquisition is judged. */
  observe(status: McaStatus): void {
    const last = this.lastStatus;
    this.lastStatus = status;
    // A clear between the two reads (a new acquisition): no interval to judge.
    if (!last || !(status.realTimeS > last.realTimeS) || status.monitorCounts < last.monitorCounts) return;
    this.judge((status.monitorCounts - last.monitorCounts) / (status.realTimeS - last.realTimeS));
  }

  /**
   * Whether a finished spectrum counted under a low beam: its mean monitor
   * rate, or the rate since the last status read of it (a drop in its last
   * moments), below the threshold; trips the condition if so.
   */
  judgeSpectrum(acquisition: McaAcquisition): boolean {
    const { status } = acquisition;
    const last = this.lastStatus;
    this.lastStatus = null;
    const tail = last && status.realTimeS > last.realTimeS && status.monitorCounts >= last.monitorCounts ? (status.monitorCounts - last.monitorCounts) / (status.realTimeS - last.realTimeS) : Infinity;
    const rate = Math.min(monitorRatePerS(acquisition), tail);
    this.judge(rate);
    return !(rate >= this.minRatePerS);
  }

  /** Stops probing (the run's counting is over). */
  async stop(): Promise<void> {
    this.stopped.abort();
    await this.probing;
    this.state.complete();
  }

  private judge(ratePerS: number): void {
    if (this.tripped || ratePerS >= this.minRatePerS) return;
    this.state.next({ tripped: true, reason: `monitor ${ratePerS.toFixed(1)} /s, below ${this.minRatePerS.toFixed(1)} /s (${this.deps.plan.minFraction} of nominal)` });
    this.probing ??= this.probe().finally(() => {
      this.probing = null;
    });
  }

  /** Short spectra, flagged, until the monitor is back and has stayed back through the settle time. */
  private async probe(): Promise<void> {
    const { ctx, mca, recorder, queue, plan } = this.deps;
    let backSinceNs: bigint | null = null;
    const settleNs = BigInt(Math.round(plan.settleS * 1e9));
    while (!this.stopped.signal.aborted && (this.tripped || backSinceNs === null || ctx.clock.nowNs() - backSinceNs < settleNs)) {
      let acquisition: McaAcquisition;
      try {
        acquisition = await queue.run(() => mca.acquire({ realTimeS: plan.probeS }, this.stopped.signal), { signal: this.stopped.signal });
      } catch (e) {
        if (this.stopped.signal.aborted) return;
        if (!isInstrumentError(e)) {
          this.state.next({ tripped: true, reason: `probing the monitor failed: ${errorMessage(e)}`, error: e });
          return;
        }
        // The link is down: its own condition holds the run; try again once it may be back.
        await ctx.clock.sleep(plan.probeS * 1000, this.stopped.signal).catch(() => undefined);
        continue;
      }
      recorder.record(acquisition, { monitorLow: true });
      const rate = monitorRatePerS(acquisition);
      if (rate >= this.minRatePerS) {
        backSinceNs ??= ctx.clock.nowNs();
        if (this.tripped) this.state.next({ tripped: false, reason: `monitor back at ${rate.toFixed(1)} /s` });
      } else {
        backSinceNs = null;
        if (!this.tripped) this.state.next({ tripped: true, reason: `monitor ${rate.toFixed(1)} /s again, below ${this.minRatePerS.toFixed(1)} /s` });
      }
    }
  }
}

/** Monitor counts per second of the MCA's real time; 0 for an acquisition that counted no time. */
export function monitorRatePerS(acquisition: McaAcquisition): number {
  const { monitorCounts, realTimeS } = acquisition.status;
  return realTimeS > 0 ? monitorCounts / realTimeS : 0;
}
