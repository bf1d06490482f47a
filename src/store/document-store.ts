import type { Document, ExitStatus, FitResult, Progress, RunStart, RunStop } from '../core/documents.js';

/** What a store keeps: everything on the bus but progress, which is only live state. */
export type StoredDocument = Exclude<Document, Progress>;

export function isStoredDocument(doc: Document): doc is StoredDocument {
  return doc.kind !== 'progress';
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
  /** Readings stored (run-stop's `readings` is what was published; they differ only after a loss). */
  readonly readings: number;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** One run with its documents: parameters and the instruments snapshot are in `start`. */
export interface RunRecord extends RunSummary {
  readonly start: RunStart;
  readonly stop: RunStop | null;
}

/** A series is one (instrument, quantity, unit) of a run. */
export interface SeriesKey {
  readonly instrument: string;
  readonly quantity: string;
  readonly unit: string;
}

export interface SeriesInfo extends SeriesKey {
  /** Readings stored in the series. */
  readonly count: number;
}

export interface ReadingQuery {
  readonly runId: string;
  readonly instrument?: string;
  readonly quantity?: string;
  /** Inclusive lower bound on the reading's timestamp; none means from the first reading. */
  readonly fromNs?: bigint;
  /** Exclusive upper bound, so consecutive ranges [a, b), [b, c) never return a reading twice. */
  readonly toNs?: bigint;
  /**
   * When a series has more readings than this in the range, it comes back as at
   * most this many time buckets instead of raw points. None: always raw points.
   */
  readonly maxPoints?: number;
}

/** A reading as stored. NaN comes back as NaN (SQLite holds it as NULL), -0 may come back as 0. */
export interface RawPoint {
  readonly timestampNs: bigint;
  readonly seq: number;
  readonly value: number;
}

/**
 * The readings of one series in [timestampNs, timestampNs + bucketNs). NaN readings
 * count in `count` but not in min/max/mean, which are NaN when all of them are NaN.
 */
export interface BucketPoint {
  /** The start of the bucket. */
  readonly timestampNs: bigint;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly count: number;
}

/** The readings of one series in the queried range, ordered by time (then seq). */
export type SeriesData = SeriesKey &
  (
    | { readonly downsampled: false; readonly points: readonly RawPoint[] }
    | {
        readonly downsampled: true;
        /** Width of every bucket; buckets start at the first reading in the range, empty ones are left out. */
        readonly bucketNs: bigint;
        /** Readings in the range, across all buckets. */
        readonly total: number;
        readonly points: readonly BucketPoint[];
      }
  );

/**
 * Where documents are kept: the embedded SQLite store now, InfluxDB later, with
 * a disk spool in front of it. Async throughout because a network store needs it.
 */
export interface DocumentStore {
  /**
   * Stores a batch atomically: all of it or, on rejection (a StoreError), none
   * of it. A run-start must come before (or earlier in the batch than) the
   * other documents of its run. Appending the same batch again is harmless,
   * so a spool may replay what it is unsure about.
   */
  append(docs: readonly StoredDocument[]): Promise<void>;
  /** Newest first. */
  listRuns(): Promise<RunSummary[]>;
  getRun(runId: string): Promise<RunRecord | null>;
  /** Series of the run matching the filters, ordered by instrument, quantity, unit. */
  queryReadings(query: ReadingQuery): Promise<SeriesData[]>;
  listSeries(runId: string): Promise<SeriesInfo[]>;
  /** Ordered by index, then time. Bigints inside results come back as decimal strings. */
  listFits(runId: string, method?: string): Promise<FitResult[]>;
  close(): Promise<void>;
}
