import type { DataKey, Descriptor, Document, EventPage, EventValue, ExitStatus, FitResult, Progress, RunStart, RunStop } from '../core/documents.js';

/** What a store keeps: everything on the bus but progress (live state only) and event pages (a wire form of events). */
export type StoredDocument = Exclude<Document, Progress | EventPage>;

export function isStoredDocument(doc: Document): doc is StoredDocument {
  return doc.kind !== 'progress' && doc.kind !== 'event-page';
}

/** One run as listed: its start, its stop when it has one, and what the store holds of it. */
export interface RunSummary {
  readonly runId: string;
  readonly protocol: string;
  readonly startNs: bigint;
  /** Null while the run goes on, or when the service died before publishing run-stop. */
  readonly stopNs: bigint | null;
  readonly exitStatus: ExitStatus | null;
  readonly reason: string | null;
  /** Events stored, all streams (run-stop's `events` is what was published; they differ only after a loss). */
  readonly events: number;
  readonly metadata: Readonly<Record<string, unknown>>;
  /**
   * What the run's fits flagged, one line per method (`2 of 5 eis fits flagged (3: ...)`): a run
   * that ended `success` with flagged fits says so here. Fits published after run-stop (a last
   * pulse's) count too.
   */
  readonly warnings: readonly string[];
}

/** One run with its documents: parameters and the instruments snapshot are in `start`. */
export interface RunRecord extends RunSummary {
  readonly start: RunStart;
  readonly stop: RunStop | null;
}

/** A stream of a run as stored: its descriptor and how many events it holds. */
export interface StreamInfo {
  readonly stream: string;
  readonly descriptor: Descriptor;
  readonly count: number;
}

export interface EventQuery {
  readonly runId: string;
  /** One stream; none: every stream of the run. */
  readonly stream?: string;
  /**
   * Data keys to return; none: every number, integer and text key (array keys
   * only when named, they can be large). A key a queried stream lacks is an
   * INVALID_QUERY error.
   */
  readonly keys?: readonly string[];
  /** Inclusive lower bound on the event's timestamp; none means from the first event. */
  readonly fromNs?: bigint;
  /** Exclusive upper bound, so consecutive ranges [a, b), [b, c) never return an event twice. */
  readonly toNs?: bigint;
  /**
   * When a stream has more events than this in the range, its number keys come
   * back as at most this many time buckets (min, max, mean) instead of raw
   * values (text and array keys cannot be bucketed: INVALID_QUERY). None:
   * always raw.
   */
  readonly maxPoints?: number;
}

/** Bucketed values of one number key: min, max and mean per bucket (NaN where every value was NaN). */
export interface BucketColumn {
  readonly min: readonly number[];
  readonly max: readonly number[];
  readonly mean: readonly number[];
}

/** The events of one stream in the queried range, in columns, ordered by time (then seq). */
export type StreamData = {
  readonly stream: string;
  readonly descriptorId: string;
  /** The descriptors of the returned keys (units, dtype). */
  readonly dataKeys: Readonly<Record<string, DataKey>>;
  /** The descriptor's flag bits, to read `flags`. */
  readonly flagBits: Readonly<Record<string, number>>;
  /** Events in the range. */
  readonly total: number;
} & (
  | {
      readonly downsampled: false;
      readonly seq: readonly number[];
      readonly timestampsNs: readonly bigint[];
      readonly flags: readonly number[];
      /** Values by key, one per event; NaN comes back as NaN, -0 may come back as 0. */
      readonly data: Readonly<Record<string, readonly EventValue[]>>;
    }
  | {
      readonly downsampled: true;
      /** Width of every bucket; buckets start at the first event in the range, empty ones are left out. */
      readonly bucketNs: bigint;
      /** The start of each bucket. */
      readonly timestampsNs: readonly bigint[];
      /** Events in each bucket. */
      readonly count: readonly number[];
      /** The flags of each bucket's events, OR-ed. */
      readonly flags: readonly number[];
      readonly data: Readonly<Record<string, BucketColumn>>;
    }
);

/** A query for every event of one stream, delivered page by page (exports of any size). */
export interface EventPagesQuery {
  readonly runId: string;
  readonly stream: string;
  /** As in EventQuery: none means every number, integer and text key. */
  readonly keys?: readonly string[];
  readonly fromNs?: bigint;
  readonly toNs?: bigint;
  /** Events per page (default 5000). */
  readonly pageSize?: number;
}

/** Consecutive events of one stream, in columns. */
export interface EventRows {
  readonly seq: readonly number[];
  readonly timestampsNs: readonly bigint[];
  readonly flags: readonly number[];
  readonly data: Readonly<Record<string, readonly EventValue[]>>;
}

/**
 * Where documents are kept: the embedded SQLite store now, InfluxDB later, with
 * a disk spool in front of it. Async throughout because a network store needs it.
 */
export interface DocumentStore {
  /**
   * Stores a batch atomically: all of it or, on rejection (a StoreError), none
   * of it. A run-start must come before (or earlier in the batch than) the
   * other documents of its run, a descriptor before its events. Appending the
   * same batch again is harmless, so a spool may replay what it is unsure about.
   */
  append(docs: readonly StoredDocument[]): Promise<void>;
  /** Newest first. */
  listRuns(): Promise<RunSummary[]>;
  getRun(runId: string): Promise<RunRecord | null>;
  /** The run's streams with their descriptors, ordered by name. */
  listStreams(runId: string): Promise<StreamInfo[]>;
  /** Streams of the run matching the query, ordered by name. */
  queryEvents(query: EventQuery): Promise<StreamData[]>;
  /**
   * Every event of one stream in the range, page by page, without holding
   * the store between pages (writes go on while an export streams).
   */
  eventPages(query: EventPagesQuery): AsyncIterable<EventRows>;
  /** Ordered by index, then time. Bigints inside results come back as decimal strings. */
  listFits(runId: string, method?: string): Promise<FitResult[]>;
  /** The latest lab time the store has seen (runs, events, fits), or null when empty. */
  latestTimestampNs(): Promise<bigint | null>;
  close(): Promise<void>;
}
