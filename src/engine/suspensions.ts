import { Subject, type Observable, type Subscription } from 'rxjs';
import type { Clock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { isInstrumentError } from '../instruments/instrument-error.js';
import { EngineError } from './errors.js';

/** A condition's state: tripped (the run must not go on) or clear, with why. */
export interface SuspenderState {
  readonly tripped: boolean;
  readonly reason: string;
  /** The condition can no longer be judged (its instrument answers with an error that is no link fault): the run fails with this. */
  readonly error?: unknown;
}

/**
 * A condition installed on a run (after bluesky's suspenders): an
 * instrument's link lost, a temperature out of its band, next the neutron
 * monitor rate. While it is tripped the run is suspended; it resumes once
 * every condition has been clear for its settle time, and fails once a
 * suspension lasts longer than the condition's maximum.
 */
export interface Suspender {
  readonly name: string;
  /** The current state on subscription, then every change. */
  readonly state$: Observable<SuspenderState>;
  /** A trip interrupts the running step (its signal aborts); otherwise the step runs to its end and its result says it was disturbed. */
  readonly interrupts: boolean;
  /** Lab seconds the condition must stay clear before the run resumes. */
  readonly settleS: number;
  /** Lab seconds after which a suspension fails the run. */
  readonly maxSuspensionS: number;
  /** The instrument whose link this condition watches, for its restore actions (`RunContext.onReconnect`). */
  readonly instrument?: string;
  /**
   * Only steps run with this scope are held by it (e.g. `counting`: a neutron
   * monitor holds the spectra, not the electrochemistry running beside them);
   * without one it holds the whole run.
   */
  readonly scope?: string;
}

/** A condition that tripped while a step ran (or before it could start). */
export interface Interruption {
  readonly condition: string;
  readonly reason: string;
  readonly atNs: bigint;
  /** When the run resumed; null when it had not (a pause, or the run failed). */
  readonly resumedNs: bigint | null;
}

/**
 * How a step ended: completed (disturbed or not, see `interruptions`), or
 * interrupted (its signal aborted by a condition or a pause, or its
 * instrument's link failed). Returned once the run has resumed, except after
 * a pause: `paused` says the caller waits at `checkpoint()`.
 */
export type StepResult<T> =
  | { readonly completed: true; readonly value: T; readonly interruptions: readonly Interruption[] }
  | {
      readonly completed: false;
      readonly paused: boolean;
      readonly interruptions: readonly Interruption[];
      /** What the work returned although it was interrupted (a spectrum cut short keeps what it counted); absent when it threw. */
      readonly partial?: T;
    };

export interface StepOptions {
  /** A pause request interrupts the step at once (a relaxation rest); otherwise a pause waits for the next checkpoint. */
  readonly pausable?: boolean;
  /** The scope of the step: conditions of that scope hold it besides the run's own (see `Suspender.scope`). */
  readonly scope?: string;
}

/** The reason a step's signal aborted for: a condition or a pause, not the run's abort. */
export class StepInterrupted extends Error {
  constructor(
    readonly condition: string,
    readonly reason: string,
  ) {
    super(`${condition}: ${reason}`);
    this.name = 'StepInterrupted';
  }
}

interface Installed {
  readonly suspender: Suspender;
  state: SuspenderState;
  /** The lab time of its last trip. */
  trippedNs: bigint | null;
  readonly subscription: Subscription;
}

interface RunningStep {
  readonly label: string;
  readonly scope: string | undefined;
  readonly controller: AbortController;
  readonly interruptions: Interruption[];
  readonly pausable: boolean;
}

/** What a run's suspensions record: events of the run's `run.interruptions` stream, and progress for the live view. */
export interface SuspensionReport {
  record(state: 'tripped' | 'cleared' | 'suspended' | 'resumed' | 'interrupted' | 'failed', condition: string, reason: string, step: string): void;
  progress(phase: 'suspended' | 'resumed', message: string): void;
}

/**
 * The suspenders of one run and the steps that run now (a protocol may run
 * steps side by side: a spectrum beside a plating): trips interrupt the steps
 * they apply to, `waitWhileSuspended` holds the run until every condition has been
 * clear for its settle time (running the protocol's restore actions for
 * instruments that came back first), and a suspension longer than its
 * maximum fails the run (SUSPENDED_TOO_LONG).
 */
export class RunSuspensions {
  private readonly installed = new Set<Installed>();
  private readonly changes = new Subject<void>();
  private readonly restores = new Map<string, Set<() => Promise<void>>>();
  private readonly running = new Set<RunningStep>();
  /** The suspension announced and not yet resumed. */
  private suspendedSinceNs: bigint | null = null;
  /** The error of a condition that can no longer be judged: the run fails with it. */
  private fatal: { readonly error: unknown } | null = null;

  constructor(
    private readonly deps: { readonly runId: string; readonly clock: Clock; readonly logger: Logger; readonly signal: AbortSignal; readonly report: SuspensionReport },
  ) {}

  install(suspender: Suspender): () => void {
    const entry: Installed = { suspender, state: { tripped: false, reason: '' }, trippedNs: null, subscription: undefined as unknown as Subscription };
    (entry as { subscription: Subscription }).subscription = suspender.state$.subscribe((state) => this.change(entry, state));
    this.installed.add(entry);
    return () => {
      entry.subscription.unsubscribe();
      this.installed.delete(entry);
      this.changes.next();
    };
  }

  /** A restore action run when `instrument` comes back during a suspension (e.g. its setpoint sent again), before the run resumes. */
  onReconnect(instrument: string, restore: () => Promise<void>): () => void {
    const set = this.restores.get(instrument) ?? new Set();
    set.add(restore);
    this.restores.set(instrument, set);
    return () => set.delete(restore);
  }

  /** A condition of the whole run is tripped, or the run has not resumed since one was (or one failed): `waitWhileSuspended` would wait. */
  get suspended(): boolean {
    return this.fatal !== null || this.suspendedSinceNs !== null || this.anyTripped(undefined);
  }

  /** Interrupts the pausable steps now (a pause request). */
  pauseRequested(): void {
    for (const step of this.running) if (step.pausable) step.controller.abort(new StepInterrupted('pause', 'paused by operator'));
  }

  async step<T>(label: string, work: (signal: AbortSignal) => Promise<T>, options: StepOptions = {}): Promise<StepResult<T>> {
    const { scope } = options;
    await this.waitWhileSuspended(label, scope);
    // An abort before the step began: it must not start (its listener below would never fire).
    if (this.deps.signal.aborted) throw this.deps.signal.reason;
    const step: RunningStep = { label, scope, controller: new AbortController(), interruptions: [], pausable: options.pausable ?? false };
    const forwardAbort = () => step.controller.abort(this.deps.signal.reason);
    this.deps.signal.addEventListener('abort', forwardAbort, { once: true });
    this.running.add(step);
    for (const entry of this.installed) if (entry.state.tripped && applies(entry, scope)) this.interrupt(step, entry);
    let outcome: { value: T } | { error: unknown };
    try {
      outcome = { value: await work(step.controller.signal) };
    } catch (error) {
      outcome = { error };
    } finally {
      this.running.delete(step);
      this.deps.signal.removeEventListener('abort', forwardAbort);
    }
    if (this.deps.signal.aborted) throw this.deps.signal.reason;
    const reason: unknown = step.controller.signal.reason;
    const interruptedBy = step.controller.signal.aborted && reason instanceof StepInterrupted ? reason : null;
    if ('error' in outcome && !interruptedBy && !isInstrumentError(outcome.error)) throw outcome.error;
    if ('error' in outcome && !interruptedBy && step.interruptions.length === 0) {
      // The link failed under the request before (or without) its condition tripping.
      step.interruptions.push({ condition: 'instrument link', reason: errorMessage(outcome.error), atNs: this.deps.clock.nowNs(), resumedNs: null });
    }
    const interrupted = interruptedBy !== null || 'error' in outcome;
    if (interrupted) this.deps.report.record('interrupted', interruptedBy?.condition ?? 'instrument link', interruptedBy?.reason ?? errorMessage((outcome as { error: unknown }).error), label);
    const partial = 'value' in outcome ? { partial: outcome.value } : {};
    if (interruptedBy?.condition === 'pause') return { completed: false, paused: true, interruptions: step.interruptions, ...partial };
    const resumedNs = await this.waitWhileSuspended(label, scope);
    const interruptions = step.interruptions.map((i) => ({ ...i, resumedNs: resumedNs ?? this.deps.clock.nowNs() }));
    return interrupted ? { completed: false, paused: false, interruptions, ...partial } : { completed: true, value: (outcome as { value: T }).value, interruptions };
  }

  /**
   * Holds the run (or, with a scope, the steps of that scope) while a
   * condition is tripped: until all are clear (the restore actions of an
   * instrument run as soon as its link is back), then the longest settle
   * time of the conditions that tripped with none tripping again. Resolves
   * with the lab time of the resumption (null when nothing was tripped);
   * throws SUSPENDED_TOO_LONG past the maximum, or the run's abort.
   */
  async waitWhileSuspended(label: string, scope?: string): Promise<bigint | null> {
    this.throwIfFatal();
    if (!this.anyTripped(scope) && this.suspendedSinceNs === null) return null;
    const { clock, report } = this.deps;
    // A condition of the whole run announces the run suspended; one of a scope holds its steps only.
    const wholeRun = this.suspendedSinceNs !== null || this.anyTripped(undefined);
    const sinceNs = wholeRun ? this.announceSuspension(label) : clock.nowNs();
    if (!wholeRun) report.record('suspended', this.trippedNames(scope), this.describeTripped(scope), label);
    const involved = new Set<Installed>();
    /** The trip each instrument's restore actions answered. */
    const restoredAfter = new Map<Installed, bigint | null>();
    for (;;) {
      for (const e of this.installed) if (e.state.tripped && applies(e, scope)) involved.add(e);
      await this.untilAllClear(label, scope, involved, restoredAfter);
      const settleS = maxOf([...involved].map((e) => e.suspender.settleS));
      if (await this.clearFor(settleS, scope)) break;
    }
    const resumedNs = clock.nowNs();
    const names = [...involved].map((e) => e.suspender.name).join(', ');
    const after = `after ${Number(resumedNs - sinceNs) / 1e9} s`;
    if (!wholeRun) {
      report.record('resumed', names, after, label);
    } else if (this.suspendedSinceNs !== null) {
      // Steps side by side wait for the same conditions: the first to resume reports it.
      this.suspendedSinceNs = null;
      report.record('resumed', names, after, label);
      report.progress('resumed', `resumed after ${formatSeconds(Number(resumedNs - sinceNs) / 1e9)} suspended`);
    }
    return resumedNs;
  }

  /** Unsubscribes every condition (the run has ended). */
  dispose(): void {
    for (const entry of this.installed) entry.subscription.unsubscribe();
    this.installed.clear();
    this.changes.complete();
  }

  /**
   * The run is suspended from the first trip on (a step a condition does not
   * interrupt runs to its end, but no step starts): announced once, as an
   * event of `run.interruptions` and a `suspended` progress document.
   */
  private announceSuspension(label: string): bigint {
    if (this.suspendedSinceNs !== null) return this.suspendedSinceNs;
    const sinceNs = (this.suspendedSinceNs = this.deps.clock.nowNs());
    const why = this.describeTripped(undefined);
    this.deps.report.record('suspended', this.trippedNames(undefined), why, label);
    this.deps.report.progress('suspended', `suspended (${why})`);
    return sinceNs;
  }

  /** The tripped conditions that hold steps of `scope` (undefined: the whole run's). */
  private tripped(scope: string | undefined): Installed[] {
    return [...this.installed].filter((e) => e.state.tripped && applies(e, scope));
  }

  private trippedNames(scope: string | undefined): string {
    return this.tripped(scope)
      .map((e) => e.suspender.name)
      .join(', ');
  }

  private describeTripped(scope: string | undefined): string {
    return this.tripped(scope)
      .map((e) => `${e.suspender.name}: ${e.state.reason}`)
      .join('; ');
  }

  private throwIfFatal(): void {
    if (this.fatal) throw this.fatal.error;
  }

  private anyTripped(scope: string | undefined): boolean {
    for (const e of this.installed) if (e.state.tripped && applies(e, scope)) return true;
    return false;
  }

  private runningLabels(): string {
    return [...this.running].map((step) => step.label).join(', ');
  }

  private change(entry: Installed, state: SuspenderState): void {
    const was = entry.state.tripped;
    entry.state = state;
    if (state.error !== undefined && this.fatal === null) {
      this.fatal = { error: state.error };
      this.deps.report.record('failed', entry.suspender.name, state.reason, this.runningLabels());
      for (const step of this.running) step.controller.abort(state.error);
      this.changes.next();
      return;
    }
    if (state.tripped && !was) {
      entry.trippedNs = this.deps.clock.nowNs();
      this.deps.report.record('tripped', entry.suspender.name, state.reason, this.runningLabels());
      this.deps.logger.warn({ runId: this.deps.runId, condition: entry.suspender.name, reason: state.reason }, 'suspender tripped');
      if (entry.suspender.scope === undefined) this.announceSuspension(this.runningLabels());
      for (const step of this.running) if (applies(entry, step.scope)) this.interrupt(step, entry);
    } else if (!state.tripped && was) {
      this.deps.report.record('cleared', entry.suspender.name, state.reason, this.runningLabels());
    }
    this.changes.next();
  }

  /** Notes the condition on the running step, and aborts it when the condition interrupts. */
  private interrupt(step: RunningStep, entry: Installed): void {
    step.interruptions.push({ condition: entry.suspender.name, reason: entry.state.reason, atNs: entry.trippedNs ?? this.deps.clock.nowNs(), resumedNs: null });
    if (entry.suspender.interrupts && !step.controller.signal.aborted) step.controller.abort(new StepInterrupted(entry.suspender.name, entry.state.reason));
  }

  /**
   * Resolves once no condition is tripped, running the restore actions of
   * each instrument whose link is back (again after every new trip). A
   * condition tripped for longer than its maximum fails the run
   * (SUSPENDED_TOO_LONG); the run's abort ends the wait.
   */
  private async untilAllClear(label: string, scope: string | undefined, involved: Set<Installed>, restoredAfter: Map<Installed, bigint | null>): Promise<void> {
    const { clock, signal } = this.deps;
    for (;;) {
      for (const e of involved) {
        if (!e.suspender.instrument || e.state.tripped || restoredAfter.get(e) === e.trippedNs) continue;
        restoredAfter.set(e, e.trippedNs);
        await this.restore(e.suspender.instrument);
      }
      if (!this.anyTripped(scope)) return;
      let deadlineNs: bigint | null = null;
      for (const e of this.installed) {
        if (!e.state.tripped || !applies(e, scope)) continue;
        involved.add(e);
        const until = (e.trippedNs ?? clock.nowNs()) + BigInt(Math.round(e.suspender.maxSuspensionS * 1e9));
        if (deadlineNs === null || until < deadlineNs) deadlineNs = until;
      }
      const leftMs = Number(deadlineNs! - clock.nowNs()) / 1e6;
      if (leftMs <= 0) {
        const reason = this.describeTripped(scope);
        this.deps.report.record('failed', 'suspension', reason, label);
        throw new EngineError(`run ${this.deps.runId} suspended longer than allowed: ${reason}`, 'SUSPENDED_TOO_LONG', { runId: this.deps.runId });
      }
      await this.nextChange(leftMs);
      if (signal.aborted) throw signal.reason;
      this.throwIfFatal();
    }
  }

  /** True when no condition trips within `settleS` of lab time. */
  private async clearFor(settleS: number, scope: string | undefined): Promise<boolean> {
    if (settleS <= 0) return !this.anyTripped(scope);
    const until = this.deps.clock.nowNs() + BigInt(Math.round(settleS * 1e9));
    while (!this.anyTripped(scope)) {
      const leftMs = Number(until - this.deps.clock.nowNs()) / 1e6;
      if (leftMs <= 0) return true;
      await this.nextChange(leftMs);
      if (this.deps.signal.aborted) throw this.deps.signal.reason;
      this.throwIfFatal();
    }
    return false;
  }

  /** Resolves at the next change of a condition, or after `ms` of lab time, or at the run's abort. */
  private nextChange(ms: number): Promise<void> {
    const { signal, clock } = this.deps;
    return new Promise<void>((resolve) => {
      const timeout = new AbortController();
      let subscription: Subscription | undefined;
      const done = () => {
        subscription?.unsubscribe();
        signal.removeEventListener('abort', done);
        timeout.abort();
        resolve();
      };
      subscription = this.changes.subscribe({ next: done, complete: done });
      signal.addEventListener('abort', done, { once: true });
      clock.sleep(ms, timeout.signal).then(done, () => undefined);
    });
  }

  private async restore(instrument: string): Promise<void> {
    for (const action of this.restores.get(instrument) ?? []) {
      try {
        await action();
      } catch (e) {
        // The link failed again: the condition trips again and the wait goes on.
        if (!isInstrumentError(e)) throw e;
      }
    }
  }
}

/** Whether a condition holds a step of `scope`: a condition of the whole run holds every step. */
function applies(entry: Installed, scope: string | undefined): boolean {
  return entry.suspender.scope === undefined || entry.suspender.scope === scope;
}

function maxOf(values: number[]): number {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  return max;
}

function formatSeconds(s: number): string {
  return s >= 3600 ? `${(s / 3600).toFixed(2)} h` : s >= 60 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(1)} s`;
}
