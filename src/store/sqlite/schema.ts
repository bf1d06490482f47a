import type Database from 'better-sqlite3';
import { StoreError } from '../errors.js';

/**
 * Schema migrations: entry i takes a database from user_version i to i + 1.
 * Append new entries; never edit one that has shipped.
 *
 * Readings live in a WITHOUT ROWID table clustered on (series_id, t_ns, seq):
 * a range query on one series is one contiguous index scan, and appends (time
 * grows within a series) land at the end of their series. Per-series metadata
 * (run, instrument, quantity, unit) is stored once in `series`, not per row.
 * Timestamps are INTEGER nanoseconds (int64 holds dates to the year 2262).
 * JSON columns hold bigints as decimal strings.
 */
const MIGRATIONS: readonly string[] = [
  `
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
    published_readings INTEGER
  );
  CREATE INDEX runs_by_start ON runs (start_ns);

  CREATE TABLE series (
    series_id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    instrument TEXT NOT NULL,
    quantity TEXT NOT NULL,
    unit TEXT NOT NULL,
    count INTEGER NOT NULL DEFAULT 0,
    UNIQUE (run_id, instrument, quantity, unit)
  );

  CREATE TABLE readings (
    series_id INTEGER NOT NULL,
    t_ns INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    value REAL,
    PRIMARY KEY (series_id, t_ns, seq)
  ) WITHOUT ROWID;

  CREATE TABLE fits (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    method TEXT NOT NULL,
    idx INTEGER NOT NULL,
    t_ns INTEGER NOT NULL,
    result TEXT NOT NULL,
    PRIMARY KEY (run_id, method, idx, t_ns)
  );
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the database to SCHEMA_VERSION, each step in its own transaction. */
export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new StoreError(`database schema version ${current} is newer than this operando's (${SCHEMA_VERSION})`, 'SCHEMA_TOO_NEW', {
      found: current,
      supported: SCHEMA_VERSION,
    });
  }
  for (let version = current; version < SCHEMA_VERSION; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}
