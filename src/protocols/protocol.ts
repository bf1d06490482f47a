import type { TSchema } from '@sinclair/typebox';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { EventStream, StreamSpec } from '../core/stream-spec.js';
import type { StepOptions, StepResult, Suspender } from '../engine/suspensions.js';
import type { Instrument } from '../instruments/instrument.js';

/**
 * A protocol says what to do; the run engine executes it (pause, resume,
 * abort, safety). Parameters are validated by `parametersSchema` (also
 * published in the OpenAPI document), then by `prepare`, which checks units
 * and hard limits before anything reaches an instrument.
 */
export interface ProtocolDefinition {
  readonly name: string;
  readonly version: number;
  readonly summary: string;
  readonly parametersSchema: TSchema;
  prepare(parameters: unknown, lab: InstrumentLookup): PreparedProtocol;
}

export interface InstrumentLookup {
  get(id: string): Instrument;
  /**
   * The composition x a sample on an instrument was last left at (the last
   * GITT pulse on it, in this lab's store), so the next run starts from
   * there; undefined when none is known.
   */
  lastComposition?(instrument: string, sample: string): SampleComposition | undefined;
}

/** Where a sample's composition x was last measured. */
export interface SampleComposition {
  readonly x: number;
  readonly runId: string;
  /** The pulse that left it there. */
  readonly pulse: number;
}

export interface PreparedProtocol {
  /** Instruments the run holds for its whole duration. */
  readonly instruments: readonly string[];
  /** Parameters in SI units as executed (stored in the run-start document). */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** Executes the run; resolves with why it ended (`completed`, `voltage cut-off`), throws to fail it. */
  run(ctx: RunContext): Promise<{ reason: string }>;
}

/** What a running protocol may do. */
export interface RunContext {
  readonly runId: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Aborts when the operator aborts the run or the service shuts down. */
  readonly signal: AbortSignal;
  instrument<T extends Instrument>(id: string): T;
  /**
   * The run's stream of that spec (the kinds declare them, e.g.
   * `dcStreamSpec(pstat)`): the descriptor is published with the first event,
   * sequence numbers are assigned here. The same name gives the same stream.
   */
  stream(spec: StreamSpec): EventStream;
  publishFit(method: string, index: number, result: Record<string, unknown>): void;
  /** Reports progress; `phase` marks step boundaries that live fits rely on. */
  progress(phase: string, step: number, of: number | null, etaS: number | null, message: string): void;
  /**
   * A pause point between steps: waits while the run is paused (instruments
   * are in their safe state then) or suspended, and throws an ABORTED
   * EngineError once aborted.
   */
  checkpoint(): Promise<void>;
  /**
   * Runs one step under the run's suspenders (after bluesky): a condition
   * that trips interrupts it (its signal aborts), and so does a link failure
   * of one of the run's instruments; the run is then suspended until every
   * condition has been clear for its settle time, and the result says what
   * happened. The protocol decides what an interruption means (repeat the
   * step, mark it invalid and go on). `pausable` steps are interrupted by a
   * pause request too (the result says `paused`; wait at `checkpoint()`).
   */
  step<T>(label: string, work: (signal: AbortSignal) => Promise<T>, options?: StepOptions): Promise<StepResult<T>>;
  /** Installs a condition on the run until the returned function is called. The engine installs one per instrument link. */
  installSuspender(suspender: Suspender): () => void;
  /** An action run when `instrument` is back during a suspension, before the run resumes (e.g. send its setpoint again). */
  onReconnect(instrument: string, restore: () => Promise<void>): () => void;
}
