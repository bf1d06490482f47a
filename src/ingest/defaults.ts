/**
 * Bounds of external (NMR) results taken by upload or from the watched
 * folder. A spectrometer export of one temperature step holds tens of rows
 * and is a few kB; the bounds leave orders of magnitude of room and still
 * keep a wrong file (a raw FID, a 60 MB dump) from filling memory or holding
 * the event loop.
 */
export const INGEST_DEFAULTS = {
  /**
   * Largest file the watched folder reads (the WatchedFolder option
   * `maxFileBytes` overrides it); a larger one is moved to rejected/ with
   * the reason, unread. 16 MiB is thousands of times a real export.
   */
  maxFileBytes: 16 * 1024 * 1024,
  /** Data rows of one dataset (upload or file): one temperature step has tens; the JSON upload takes as many points. */
  maxRows: 10_000,
  /** A line of an export is well under 1 kB; a file without line breaks is not a CSV. */
  maxLineChars: 64 * 1024,
  /**
   * Files are read in chunks of this size with a turn of the event loop
   * between chunks: parsing 64 kB takes about a millisecond, so the service
   * goes on serving and acquiring while a large file is read.
   */
  readChunkBytes: 64 * 1024,
} as const;
