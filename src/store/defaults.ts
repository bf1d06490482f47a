/**
 * Batching and queue limits of the store writer, in real milliseconds and
 * document counts (they bound I/O latency and memory, not lab time).
 */
export const STORE_DEFAULTS = {
  /**
   * A batch is committed at most this long after its first document: the
   * dashboards and the engine see stored data within a quarter of a second,
   * and SQLite does one fsync per batch instead of one per event.
   */
  windowMs: 250,
  /**
   * Documents per transaction. The fastest source (a potentiostat streaming
   * at 4 kHz, one event per sample) fills 1000 in a window; larger batches gain little
   * once the fsync is amortised (see bench/store.ts) and block the event loop
   * longer, since better-sqlite3 commits synchronously.
   */
  maxBatch: 1_000,
  /**
   * Documents waiting for a commit. 100 batches is 25 s of the fastest source
   * at the usual commit rate, a few tens of MB of event objects: a store that
   * far behind is not keeping up, and the writer reports QUEUE_FULL.
   */
  maxQueued: 100_000,
  /**
   * How long a write waits for a lock held by another connection (a CLI
   * export reading the same file) before failing with SQLITE_BUSY.
   */
  busyTimeoutMs: 5_000,
} as const;

/**
 * Bounds of the write-ahead journal (src/store/journal/) in front of the
 * store, in bytes and real milliseconds. A process crash (kill -9) loses
 * nothing the journal wrote: the OS holds written pages. What a power cut can
 * cost is what was written but not yet fsynced, bounded by `fsyncIntervalMs`
 * and `fsyncBytes` below.
 */
export const JOURNAL_DEFAULTS = {
  /**
   * Journal size on disk beyond which documents are refused and their runs
   * aborted (the lab file's `store.journal.maxBytes`). The journal only grows
   * while the store is behind (an outage): at the fastest source (a 4 kHz
   * potentiostat) an event takes about 180 bytes when each comes in a tick of
   * its own and about 45 in bursts (packed in columns), so 1 GiB holds at least
   * 25 minutes of outage; at 10 events/s, about a week. The last record taken in may
   * pass the bound by up to one record (maxRecordDocuments documents).
   */
  maxBytes: 1024 * 1024 * 1024,
  /** Smallest bound the lab file may set: a few segments, so rotation and the alarm still make sense. */
  minMaxBytes: 16 * 1024 * 1024,
  /** Share of the bound at which the alarm goes to `warning` (logged, GET /api/store): time to fix the store before runs are aborted. */
  warnFraction: 0.8,
  /**
   * Segment file size: the journal drops a segment whole once every consumer
   * has acknowledged it, so a healthy journal holds at most about one segment.
   * Smaller frees disk sooner but makes more files; 16 MiB is about a minute of
   * the fastest source.
   */
  segmentBytes: 16 * 1024 * 1024,
  /** At least this many segments fit in the bound (small bounds get smaller segments), so the alarm does not fire on one healthy segment. */
  segmentsPerBound: 16,
  /**
   * Written data is fsynced at most this long after it was written: what a
   * power cut can cost (plus the time one fsync takes). The fsync runs off the
   * event loop (libuv thread pool), so acquisition does not wait for it.
   */
  fsyncIntervalMs: 50,
  /** ... or as soon as this much is written and not yet fsynced, so one fsync never has much to flush at high rates. */
  fsyncBytes: 8 * 1024 * 1024,
  /**
   * Documents per record: the documents of one event-loop tick are encoded
   * together (one v8.serialize call costs about a tenth per document of one call
   * per document), split at this count so a replay reads records of bounded size.
   */
  maxRecordDocuments: 1_000,
  /**
   * A record longer than this is damage, not data (a torn length field read as
   * gigabytes must not be allocated). A chunk that would encode longer is split;
   * a single document longer is refused (reported).
   */
  maxRecordBytes: 64 * 1024 * 1024,
  /**
   * Encoded records held in memory while the journal's file cannot be written
   * (a failing disk); beyond it documents are refused as at the bound, so a
   * broken disk does not turn into unbounded memory.
   */
  maxUnwrittenBytes: 64 * 1024 * 1024,
  /**
   * How often the store writer retries a store that failed (an outage) while
   * the journal holds the documents: often enough that a store back from an
   * outage catches up within a second, rarely enough not to spin on a dead disk.
   */
  retryMs: 1_000,
} as const;
