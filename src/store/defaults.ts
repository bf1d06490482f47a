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
