import type Database from 'better-sqlite3';
import { MAX_SCALAR_KEYS } from '../../core/stream-spec.js';
import { StoreError } from '../errors.js';

/**
 * The store's schema. A database records the version it was written with
 * (`user_version`) and that it is an operando store (`application_id`); a
 * file of another version, or another application's SQLite file, is refused
 * with a message naming both versions, never read with the wrong layout.
 *
 * - `runs`: run-start and run-stop of each run (JSON columns hold bigints as
 *   decimal strings).
 * - `descriptors`: one row per stream of a run, with its data keys; `count`
 *   and `last_ns` are kept up to date with each batch.
 * - `events`: one row per event, in a WITHOUT ROWID table clustered on
 *   (descriptor, t_ns, seq): a time range of one stream is one contiguous
 *   index scan, and appends (time grows within a stream) land at its end.
 *   Number and integer keys sit in the columns v0..v15 in the order of the
 *   descriptor's data keys (src/store/sqlite/event-layout.ts), so the
 *   downsampling queries aggregate a column; text keys are a JSON object.
 * - `event_arrays`: array values (spectra) as little-endian typed-array blobs,
 *   deflated when that saves a quarter (encoding 1) or raw (encoding 0).
 * - `fits`: fit results as JSON.
 * Timestamps are INTEGER nanoseconds (int64 holds dates to the year 2262).
 */
export const SCHEMA_VERSION = 2;

/** `OpRn`: marks the file as an operando store (PRAGMA application_id). */
export const APPLICATION_ID = 0x4f70526e;

const VALUE_COLUMNS = Array.from({ length: MAX_SCALAR_KEYS }, (_, i) => `v${i} REAL`).join(', ');

const CREATE = `
  CREATE TABLE runs (
    run_id TEXT PRIMARY KEY,
    protocol TEXT NOT NULL,
    start_ns INTEGER NOT NULL,
    parameters TEXT NOT NULL,
    metadata TEXT NOT NULL,
    instruments TEXT NOT NULL,
    stop_ns INTEGER,
    exit_status TEXT,
    reason TEXT,
    published_events TEXT
  );
  CREATE INDEX runs_by_start ON runs (start_ns);
  CREATE TABLE descriptors (
    descriptor_key INTEGER PRIMARY KEY,
    descriptor_id TEXT NOT NULL UNIQUE,
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    stream TEXT NOT NULL,
    t_ns INTEGER NOT NULL,
    data_keys TEXT NOT NULL,
    flags TEXT NOT NULL,
    configuration TEXT NOT NULL,
    hints TEXT NOT NULL,
    count INTEGER NOT NULL DEFAULT 0,
    last_ns INTEGER,
    UNIQUE (run_id, stream)
  );
  CREATE TABLE events (
    descriptor_key INTEGER NOT NULL,
    t_ns INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    flags INTEGER NOT NULL,
    ${VALUE_COLUMNS},
    text TEXT,
    PRIMARY KEY (descriptor_key, t_ns, seq)
  ) WITHOUT ROWID;
  CREATE TABLE event_arrays (
    descriptor_key INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    key_index INTEGER NOT NULL,
    encoding INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (descriptor_key, seq, key_index)
  ) WITHOUT ROWID;
  CREATE TABLE fits (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    method TEXT NOT NULL,
    idx INTEGER NOT NULL,
    t_ns INTEGER NOT NULL,
    result TEXT NOT NULL,
    PRIMARY KEY (run_id, method, idx, t_ns)
  );
`;

/**
 * Creates the schema in a new (empty) database, or checks that an existing
 * one is an operando store of this version. `path` names the file in errors.
 */
export function prepareSchema(db: Database.Database, path: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  const tables = db.prepare(`SELECT COUNT(*) FROM sqlite_master`).pluck().get() as number;
  if (version === 0 && applicationId === 0 && tables === 0) {
    db.transaction(() => {
      db.exec(CREATE);
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }).immediate();
    return;
  }
  // Version 1 (readings, before the event model) did not set application_id.
  if (applicationId !== APPLICATION_ID && !(applicationId === 0 && version === 1)) {
    throw new StoreError(`${path} is not an operando store (SQLite application_id ${applicationId}, ${tables} schema objects): refusing to write into it`, 'NOT_A_STORE', {
      path,
      applicationId,
    });
  }
  if (version !== SCHEMA_VERSION) {
    throw new StoreError(
      `${path} holds store schema version ${version}; this operando reads and writes version ${SCHEMA_VERSION} only. ` +
        `Keep the file for the operando that wrote it, and give this lab another store path (or move the file aside).`,
      'SCHEMA_MISMATCH',
      { path, found: version, supported: SCHEMA_VERSION },
    );
  }
}
