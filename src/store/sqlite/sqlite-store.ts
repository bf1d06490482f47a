import Database from 'better-sqlite3';
import { toJsonSafe, type ExitStatus, type FitResult, type Reading, type RunStart, type RunStop } from '../../core/documents.js';
import { errorMessage } from '../../core/errors.js';
import { STORE_DEFAULTS } from '../defaults.js';
import type { DocumentStore, ReadingQuery, RunRecord, RunSummary, SeriesData, SeriesInfo, StoredDocument } from '../document-store.js';
import { StoreError, isStoreError } from '../errors.js';
import { ReadingQueries } from './reading-queries.js';
import { migrate } from './schema.js';

interface RunRow {
  run_id: string;
  protocol: string;
  start_ns: bigint;
  parameters: string;
  metadata: string;
  instruments: string;
  stop_ns: bigint | null;
  exit_status: string | null;
  reason: string | null;
  published_readings: bigint | null;
  readings: bigint;
}

interface FitRow {
  run_id: string;
  method: string;
  idx: bigint;
  t_ns: bigint;
  result: string;
}

const RUN_COLUMNS = `run_id, protocol, start_ns, parameters, metadata, instruments, stop_ns, exit_status, reason, published_readings,
  (SELECT COALESCE(SUM(count), 0) FROM series s WHERE s.run_id = runs.run_id) AS readings`;

function prepareStatements(db: Database.Database) {
  return {
    insertRun: db.prepare(
      `INSERT INTO runs (run_id, protocol, start_ns, parameters, metadata, instruments) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id) DO NOTHING`,
    ),
    stopRun: db.prepare(`UPDATE runs SET stop_ns = ?, exit_status = ?, reason = ?, published_readings = ? WHERE run_id = ?`),
    runExists: db.prepare(`SELECT 1 FROM runs WHERE run_id = ?`).pluck(),
    findSeries: db.prepare(`SELECT series_id FROM series WHERE run_id = ? AND instrument = ? AND quantity = ? AND unit = ?`).pluck(),
    insertSeries: db.prepare(`INSERT INTO series (run_id, instrument, quantity, unit) VALUES (?, ?, ?, ?)`),
    // ON CONFLICT DO NOTHING (not INSERT OR IGNORE, which would also skip NOT NULL violations) makes replays harmless.
    insertReading: db.prepare(`INSERT INTO readings (series_id, t_ns, seq, value) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`),
    addToCount: db.prepare(`UPDATE series SET count = count + ? WHERE series_id = ?`),
    insertFit: db.prepare(`INSERT INTO fits (run_id, method, idx, t_ns, result) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
    listRuns: db.prepare(`SELECT ${RUN_COLUMNS} FROM runs ORDER BY start_ns DESC, run_id`).safeIntegers(true),
    getRun: db.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE run_id = ?`).safeIntegers(true),
    listSeries: db.prepare(`SELECT instrument, quantity, unit, count FROM series WHERE run_id = ? ORDER BY instrument, quantity, unit`),
    listFits: db.prepare(`SELECT * FROM fits WHERE run_id = ? ORDER BY idx, t_ns, method`).safeIntegers(true),
    listFitsByMethod: db.prepare(`SELECT * FROM fits WHERE run_id = ? AND method = ? ORDER BY idx, t_ns`).safeIntegers(true),
  };
}

const toJson = (value: unknown): string => JSON.stringify(toJsonSafe(value));

/**
 * Opens (creating or migrating) a store file. The pragmas are the durability
 * promise of the store: once `append` resolves, the batch survives a crash of
 * the process (kill -9) and, on a disk that honours fsync, a power cut.
 *
 * - journal_mode=WAL: a commit appends the batch's pages to the -wal file and
 *   marks it committed in one frame; recovery on the next open keeps every
 *   committed transaction and drops a torn, uncommitted tail. Readers (the API)
 *   and the writer do not block each other.
 * - synchronous=FULL: in WAL mode the -wal file is fsynced at every commit, so
 *   a commit that returned is on disk, not only in the OS cache. NORMAL would
 *   survive kill -9 as well (the OS still holds the pages) but may lose the
 *   last commits on power loss, and runs here last days. The price is one
 *   fsync per batch, i.e. a few per second (bench/store.ts).
 */
export async function openSqliteStore(path: string): Promise<SqliteDocumentStore> {
  let db: Database.Database;
  try {
    db = new Database(path);
  } catch (e) {
    throw new StoreError(`cannot open store ${path}: ${errorMessage(e)}`, 'OPEN_FAILED', { path }, { cause: e });
  }
  try {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new StoreError(`store ${path} cannot use WAL (journal mode ${String(mode)})`, 'OPEN_FAILED', { path, mode });
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${STORE_DEFAULTS.busyTimeoutMs}`);
    migrate(db);
    return new SqliteDocumentStore(db);
  } catch (e) {
    db.close();
    if (isStoreError(e)) throw e;
    throw new StoreError(`cannot open store ${path}: ${errorMessage(e)}`, 'OPEN_FAILED', { path }, { cause: e });
  }
}

/**
 * The embedded store. better-sqlite3 is synchronous: each call runs to the end
 * before its promise settles, and a batch blocks the event loop while it
 * commits (milliseconds for a default batch). One writer per file. Built by
 * openSqliteStore, which sets the connection up.
 */
export class SqliteDocumentStore implements DocumentStore {
  /** series_id by run/instrument/quantity/unit, so a reading costs one insert. */
  private readonly seriesIds = new Map<string, number>();
  private readonly statements: ReturnType<typeof prepareStatements>;
  private readonly readings: ReadingQueries;
  private readonly appendTransaction: Database.Transaction<(docs: readonly StoredDocument[], newSeries: string[]) => void>;
  private closed = false;

  constructor(private readonly db: Database.Database) {
    this.statements = prepareStatements(db);
    this.readings = new ReadingQueries(db);
    this.appendTransaction = db.transaction((docs: readonly StoredDocument[], newSeries: string[]) => this.appendInTransaction(docs, newSeries));
  }

  async append(docs: readonly StoredDocument[]): Promise<void> {
    this.assertOpen();
    const newSeries: string[] = [];
    try {
      // IMMEDIATE takes the write lock up front: no SQLITE_BUSY half-way through a batch.
      this.appendTransaction.immediate(docs, newSeries);
    } catch (e) {
      // The transaction rolled back: forget the series ids it created.
      for (const key of newSeries) this.seriesIds.delete(key);
      if (isStoreError(e)) throw e;
      const sqliteCode = (e as { code?: unknown }).code;
      throw new StoreError(`store write of ${docs.length} documents failed: ${errorMessage(e)}`, 'WRITE_FAILED', { sqliteCode, documents: docs.length }, { cause: e });
    }
  }

  async listRuns(): Promise<RunSummary[]> {
    this.assertOpen();
    return (this.statements.listRuns.all() as RunRow[]).map(runSummary);
  }

  async getRun(runId: string): Promise<RunRecord | null> {
    this.assertOpen();
    const row = this.statements.getRun.get(runId) as RunRow | undefined;
    if (!row) return null;
    const summary = runSummary(row);
    const start: RunStart = {
      kind: 'run-start',
      runId,
      timestampNs: row.start_ns,
      protocol: row.protocol,
      parameters: JSON.parse(row.parameters),
      metadata: summary.metadata,
      instruments: JSON.parse(row.instruments),
    };
    const stop: RunStop | null =
      summary.stopNs === null
        ? null
        : { kind: 'run-stop', runId, timestampNs: summary.stopNs, exitStatus: summary.exitStatus!, reason: summary.reason!, readings: Number(row.published_readings) };
    return { ...summary, start, stop };
  }

  async queryReadings(query: ReadingQuery): Promise<SeriesData[]> {
    this.assertOpen();
    return this.readings.query(query);
  }

  async listSeries(runId: string): Promise<SeriesInfo[]> {
    this.assertOpen();
    return this.statements.listSeries.all(runId) as SeriesInfo[];
  }

  async listFits(runId: string, method?: string): Promise<FitResult[]> {
    this.assertOpen();
    const rows = (method === undefined ? this.statements.listFits.all(runId) : this.statements.listFitsByMethod.all(runId, method)) as FitRow[];
    return rows.map((r) => ({ kind: 'fit', runId: r.run_id, timestampNs: r.t_ns, method: r.method, index: Number(r.idx), result: JSON.parse(r.result) }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private appendInTransaction(docs: readonly StoredDocument[], newSeries: string[]): void {
    const added = new Map<number, number>();
    for (const doc of docs) {
      switch (doc.kind) {
        case 'reading': {
          const seriesId = this.seriesId(doc, newSeries);
          if (this.statements.insertReading.run(seriesId, doc.timestampNs, doc.seq, doc.value).changes > 0) {
            added.set(seriesId, (added.get(seriesId) ?? 0) + 1);
          }
          break;
        }
        case 'run-start':
          this.statements.insertRun.run(doc.runId, doc.protocol, doc.timestampNs, toJson(doc.parameters), toJson(doc.metadata), toJson(doc.instruments));
          break;
        case 'run-stop':
          if (this.statements.stopRun.run(doc.timestampNs, doc.exitStatus, doc.reason, doc.readings, doc.runId).changes === 0) throw unknownRun(doc);
          break;
        case 'fit':
          this.requireRun(doc);
          this.statements.insertFit.run(doc.runId, doc.method, doc.index, doc.timestampNs, toJson(doc.result));
          break;
      }
    }
    for (const [seriesId, n] of added) this.statements.addToCount.run(n, seriesId);
  }

  private seriesId(reading: Reading, newSeries: string[]): number {
    const key = `${reading.runId}\u0000${reading.instrument}\u0000${reading.quantity}\u0000${reading.unit}`;
    const cached = this.seriesIds.get(key);
    if (cached !== undefined) return cached;
    const args = [reading.runId, reading.instrument, reading.quantity, reading.unit] as const;
    let id = this.statements.findSeries.get(...args) as number | undefined;
    if (id === undefined) {
      this.requireRun(reading);
      id = Number(this.statements.insertSeries.run(...args).lastInsertRowid);
      newSeries.push(key);
    }
    this.seriesIds.set(key, id);
    return id;
  }

  private requireRun(doc: StoredDocument): void {
    if (this.statements.runExists.get(doc.runId) === undefined) throw unknownRun(doc);
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError('the store is closed', 'CLOSED');
  }
}

function unknownRun(doc: StoredDocument): StoreError {
  return new StoreError(`${doc.kind} for run ${doc.runId}, which has no run-start in the store`, 'UNKNOWN_RUN', { runId: doc.runId, kind: doc.kind });
}

function runSummary(row: RunRow): RunSummary {
  return {
    runId: row.run_id,
    protocol: row.protocol,
    startNs: row.start_ns,
    stopNs: row.stop_ns,
    exitStatus: row.exit_status as ExitStatus | null,
    reason: row.reason,
    readings: Number(row.readings),
    metadata: JSON.parse(row.metadata),
  };
}
