import { randomUUID } from 'node:crypto';
import type { DocumentBus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { EventValue, ExitStatus, Progress, RunStop } from '../core/documents.js';
import { errorMessage, isOperandoError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { eventDataProblem, streamSpecProblem, type EventStream, type StreamSpec } from '../core/stream-spec.js';
import { interruptionStreamSpec, linkSuspender } from './run-conditions.js';
import { RunSuspensions } from './suspensions.js';
import type { Instrument } from '../instruments/instrument.js';
import type { InstrumentLookup, ProtocolDefinition, RunContext, SampleComposition } from '../protocols/protocol.js';
import { EngineError, isEngineError } from './errors.js';
import { checkMetadata } from './metadata.js';
import { parameterSchemaProblem } from './parameter-errors.js';

/** `suspended`: a condition of the run (a lost link, a temperature out of its band) holds it until cleared. */
export type RunState = 'running' | 'suspended' | 'pausing' | 'paused' | 'aborting' | 'finished';

/** What the API shows of a run the engine knows in this process. */
export interface RunInfo {
  readonly runId: string;
  readonly protocol: string;
  readonly state: RunState;
  readonly instruments: readonly string[];
  readonly startedNs: bigint;
  readonly progress: Progress | null;
  /** Events published so far, per stream (live: the counts grow while the run goes on). */
  readonly events: Readonly<Record<string, number>>;
  readonly stop: RunStop | null;
}

export interface StartRequest {
  readonly protocol: string;
  readonly parameters: unknown;
  readonly metadata?: Record<string, unknown>;
}

export interface RunEngineDeps {
  readonly bus: DocumentBus;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly instruments: InstrumentLookup & { all(): Instrument[] };
  readonly protocols: readonly ProtocolDefinition[];
  readonly newRunId?: () => string;
  /** Where samples were left (their composition x), for protocols that continue from there (GITT). */
  readonly compositions?: { get(instrument: string, sample: string): SampleComposition | undefined };
}

interface ActiveRun {
  info: RunInfo;
  /** Set once the run executes: interrupts a pausable step at a pause request. */
  suspensions: RunSuspensions | null;
  /** The counts behind `info.events`, updated in place at every event (no copy per event). */
  readonly eventCounts: Record<string, number>;
  readonly abort: AbortController;
  readonly done: Promise<RunStop>;
  pauseRequested: boolean;
  resumeWaiters: Array<() => void>;
}

/**
 * Executes protocols against instruments (after bluesky's RunEngine): one run
 * per instrument at a time, pause/resume at the protocol's checkpoints, abort
 * at any time; every run ends with its instruments in their safe state and a
 * run-stop document, whatever happened.
 */
export class RunEngine {
  private readonly runs = new Map<string, ActiveRun>();
  private readonly protocols: Map<string, ProtocolDefinition>;

  constructor(private readonly deps: RunEngineDeps) {
    this.protocols = new Map(deps.protocols.map((p) => [p.name, p]));
  }

  protocolList(): readonly ProtocolDefinition[] {
    return [...this.protocols.values()];
  }

  /** Validates, claims the instruments, publishes run-start and starts the run in the background. */
  start(request: StartRequest): RunInfo {
    const protocol = this.protocols.get(request.protocol);
    if (!protocol) {
      throw new EngineError(`unknown protocol "${request.protocol}" (known: ${[...this.protocols.keys()].join(', ')})`, 'UNKNOWN_PROTOCOL', {
        protocol: request.protocol,
      });
    }
    const schemaProblem = parameterSchemaProblem(protocol.parametersSchema, request.parameters);
    if (schemaProblem) {
      throw new EngineError(`parameters${schemaProblem.path || '/'}: ${schemaProblem.message}`, 'INVALID_PARAMETERS', { path: schemaProblem.path });
    }
    checkMetadata(request.metadata ?? {});
    const lab: InstrumentLookup = {
      get: (id) => this.deps.instruments.get(id),
      lastComposition: (instrument, sample) => this.deps.compositions?.get(instrument, sample),
    };
    const prepared = protocol.prepare(request.parameters, lab);
    const instruments = prepared.instruments.map((id) => this.deps.instruments.get(id));
    for (const inst of instruments) {
      const status = inst.status();
      if (status.runId) throw new EngineError(`instrument ${inst.id} is busy with run ${status.runId}`, 'INSTRUMENT_BUSY', { instrument: inst.id });
      if (status.connection !== 'connected') {
        throw new EngineError(`instrument ${inst.id} is ${status.connection}${status.lastError ? `: ${status.lastError}` : ''}`, 'INSTRUMENT_UNAVAILABLE', {
          instrument: inst.id,
        });
      }
    }

    const runId = (this.deps.newRunId ?? randomUUID)();
    const startedNs = this.deps.clock.nowNs();
    for (const inst of instruments) inst.claim(runId);
    this.deps.bus.publish({
      kind: 'run-start',
      runId,
      timestampNs: startedNs,
      protocol: `${protocol.name}@${protocol.version}`,
      parameters: prepared.parameters,
      metadata: request.metadata ?? {},
      instruments: Object.fromEntries(instruments.map((i) => [i.id, i.snapshot()])),
    });

    const abort = new AbortController();
    const eventCounts: Record<string, number> = {};
    const run: ActiveRun = {
      info: { runId, protocol: protocol.name, state: 'running', instruments: prepared.instruments, startedNs, progress: null, events: eventCounts, stop: null },
      eventCounts,
      suspensions: null,
      abort,
      pauseRequested: false,
      resumeWaiters: [],
      done: undefined as unknown as Promise<RunStop>,
    };
    this.runs.set(runId, run);
    (run as { done: Promise<RunStop> }).done = this.execute(run, prepared.run.bind(prepared), instruments);
    return run.info;
  }

  pause(runId: string): RunInfo {
    const run = this.active(runId);
    if (run.info.state !== 'running' && run.info.state !== 'suspended') throw new EngineError(`run ${runId} is ${run.info.state}, it cannot pause`, 'INVALID_STATE', { runId });
    run.pauseRequested = true;
    this.update(run, { state: 'pausing' });
    run.suspensions?.pauseRequested();
    return run.info;
  }

  resume(runId: string): RunInfo {
    const run = this.active(runId);
    if (run.info.state !== 'paused' && run.info.state !== 'pausing') {
      throw new EngineError(`run ${runId} is ${run.info.state}, it cannot resume`, 'INVALID_STATE', { runId });
    }
    run.pauseRequested = false;
    this.update(run, { state: run.suspensions?.suspended ? 'suspended' : 'running' });
    for (const wake of run.resumeWaiters.splice(0)) wake();
    return run.info;
  }

  abort(runId: string, reason = 'aborted by operator'): RunInfo {
    const run = this.active(runId);
    this.update(run, { state: 'aborting' });
    run.abort.abort(new EngineError(reason, 'ABORTED', { runId }));
    for (const wake of run.resumeWaiters.splice(0)) wake();
    return run.info;
  }

  get(runId: string): RunInfo | undefined {
    return this.runs.get(runId)?.info;
  }

  list(): RunInfo[] {
    return [...this.runs.values()].map((r) => r.info);
  }

  /** Resolves with the run-stop document when the run has ended and its instruments are safe. */
  whenDone(runId: string): Promise<RunStop> {
    const run = this.runs.get(runId);
    if (!run) return Promise.reject(new EngineError(`no run ${runId}`, 'RUN_NOT_FOUND', { runId }));
    return run.done;
  }

  /** Aborts every run (reason: shutdown) and waits until all are stopped and safe. */
  async shutdown(reason = 'service shutting down'): Promise<void> {
    const pending = [...this.runs.values()].filter((r) => r.info.state !== 'finished');
    for (const run of pending) this.abort(run.info.runId, reason);
    await Promise.allSettled(pending.map((r) => r.done));
  }

  private active(runId: string): ActiveRun {
    const run = this.runs.get(runId);
    if (!run) throw new EngineError(`no run ${runId}`, 'RUN_NOT_FOUND', { runId });
    if (run.info.state === 'finished') throw new EngineError(`run ${runId} has finished`, 'INVALID_STATE', { runId });
    return run;
  }

  private update(run: ActiveRun, patch: Partial<RunInfo>): void {
    run.info = { ...run.info, ...patch };
  }

  private async execute(run: ActiveRun, body: (ctx: RunContext) => Promise<{ reason: string }>, instruments: Instrument[]): Promise<RunStop> {
    const { bus, clock, logger } = this.deps;
    const { runId } = run.info;
    const streams = new Map<string, EventStream>();
    const stream = (spec: StreamSpec): EventStream => {
      const known = streams.get(spec.name);
      if (known) return known;
      const opened = this.openStream(run, spec);
      streams.set(spec.name, opened);
      return opened;
    };
    const suspensions = new RunSuspensions({
      runId,
      clock,
      logger,
      signal: run.abort.signal,
      report: {
        record: (state, condition, reason, step) => stream(interruptionStreamSpec).emit({ state, condition, reason, step }, clock.nowNs()),
        progress: (phase, message) => {
          if (phase === 'suspended' && run.info.state === 'running') this.update(run, { state: 'suspended' });
          if (phase === 'resumed' && run.info.state === 'suspended') this.update(run, { state: 'running' });
          ctx.progress(phase, run.info.progress?.step ?? 0, run.info.progress?.of ?? null, null, message);
        },
      },
    });
    run.suspensions = suspensions;
    for (const inst of instruments) suspensions.install(linkSuspender(inst));
    const ctx: RunContext = {
      runId,
      clock,
      logger,
      signal: run.abort.signal,
      instrument: <T extends Instrument>(id: string) => {
        if (!run.info.instruments.includes(id)) throw new EngineError(`run ${runId} does not hold instrument ${id}`, 'UNKNOWN_INSTRUMENT', { id });
        return this.deps.instruments.get(id) as T;
      },
      stream,
      step: (label, work, options) => suspensions.step(label, work, options),
      installSuspender: (suspender) => suspensions.install(suspender),
      onReconnect: (instrument, restore) => suspensions.onReconnect(instrument, restore),
      publishFit: (method, index, result) => {
        bus.publish({ kind: 'fit', runId, timestampNs: clock.nowNs(), method, index, result });
      },
      progress: (phase, step, of, etaS, message) => {
        const doc: Progress = { kind: 'progress', runId, timestampNs: clock.nowNs(), phase, step, of, etaS, message };
        this.update(run, { progress: doc });
        bus.publish(doc);
      },
      checkpoint: async () => {
        this.throwIfAborted(run);
        if (suspensions.suspended) await suspensions.waitWhileSuspended('checkpoint');
        if (!run.pauseRequested) return;
        // Paused between steps: instruments go to their safe state until resumed.
        await Promise.all(instruments.map((i) => i.safe()));
        this.update(run, { state: 'paused' });
        ctx.progress('paused', run.info.progress?.step ?? 0, run.info.progress?.of ?? null, null, 'paused by operator');
        while (run.pauseRequested && !run.abort.signal.aborted) {
          await new Promise<void>((resolve) => run.resumeWaiters.push(resolve));
        }
        this.throwIfAborted(run);
      },
    };

    let exitStatus: ExitStatus;
    let reason: string;
    try {
      ({ reason } = await body(ctx));
      exitStatus = run.abort.signal.aborted ? 'abort' : 'success';
      if (exitStatus === 'abort') reason = errorMessage(run.abort.signal.reason);
    } catch (e) {
      if (run.abort.signal.aborted) {
        exitStatus = 'abort';
        reason = errorMessage(run.abort.signal.reason);
      } else {
        exitStatus = 'fail';
        reason = errorMessage(e);
        logger.error({ runId, code: isOperandoError(e) ? e.code : undefined, err: reason }, 'run failed');
      }
    }
    suspensions.dispose();
    // Safety first: whatever happened, every instrument of the run goes to its safe state.
    await Promise.all(instruments.map((i) => i.safe()));
    for (const inst of instruments) inst.claim(null);
    const stop: RunStop = { kind: 'run-stop', runId, timestampNs: clock.nowNs(), exitStatus, reason, events: { ...run.eventCounts } };
    this.update(run, { state: 'finished', stop });
    bus.publish(stop);
    logger.info({ runId, exitStatus, reason, events: stop.events }, 'run stopped');
    return stop;
  }

  /**
   * A stream of the run: its descriptor goes out with the first event, then
   * each event with the next sequence number (1, 2, ...). A spec or an event
   * that does not hold together is a protocol bug: INVALID_EVENT, nothing
   * published.
   */
  private openStream(run: ActiveRun, spec: StreamSpec): EventStream {
    const { runId } = run.info;
    const problem = streamSpecProblem(spec);
    if (problem) throw new EngineError(`run ${runId}: ${problem}`, 'INVALID_EVENT', { runId, stream: spec.name });
    const { bus, clock } = this.deps;
    const descriptorId = randomUUID();
    let seq = 0;
    return {
      name: spec.name,
      emit: (data: Readonly<Record<string, EventValue>>, timestampNs: bigint, flags = 0) => {
        const invalid = eventDataProblem(spec, data);
        if (invalid) throw new EngineError(`run ${runId}: ${invalid}`, 'INVALID_EVENT', { runId, stream: spec.name });
        if (seq === 0) {
          const { name: stream, dataKeys, flags: flagBits, configuration, hints } = spec;
          bus.publish({ kind: 'descriptor', runId, descriptorId, stream, timestampNs: clock.nowNs(), dataKeys, flags: flagBits, configuration, hints });
        }
        seq++;
        bus.publish({ kind: 'event', runId, descriptorId, stream: spec.name, seq, timestampNs, data, flags });
        run.eventCounts[spec.name] = seq;
      },
    };
  }

  private throwIfAborted(run: ActiveRun): void {
    if (!run.abort.signal.aborted) return;
    const reason: unknown = run.abort.signal.reason;
    throw isEngineError(reason) ? reason : new EngineError(errorMessage(reason), 'ABORTED', { runId: run.info.runId });
  }
}
