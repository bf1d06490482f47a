import Database from 'better-sqlite3';
import { jsonReplacer, type Descriptor, type ExitStatus, type FitResult, type RunStart, type RunStop, type StreamEvent } from '../../core/documents.js';
import { errorMessage } from '../../core/errors.js';
import { STORE_DEFAULTS } from '../defaults.js';
import type { DocumentStore, EventPagesQuery, EventQuery, EventRows, RunRecord, RunSummary, StoredDocument, StreamData, StreamInfo } from '../document-store.js';
import { StoreError, isStoreError } from '../errors.js';
import { assertLittleEndian, encodeArray } from './event-layout.js';
import { EventQueries, storedStream, type StoredStream } from './event-queries.js';
import { prepareSchema } from './schema.js';

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
  published_events: string | null;
  events: bigint;
  /** JSON: the methods with flagged fits (FIT_SUMMARY). */
  fit_summary: string;
}

interface DescriptorRow {
  descriptor_key: bigint;
  descriptor_id: string;
  run_id: string;
  stream: string;
  t_ns: bigint;
  data_keys: string;
  flags: string;
  configuration: string;
  hints: string;
  count: bigint;
}

interface FitRow {
  run_id: string;
  method: string;
  idx: bigint;
  t_ns: bigint;
  result: string;
}

/** A stream known to the writer: where its events go. */
interface WriteTarget extends StoredStream {
  readonly runId: string;
  readonly insert: Database.Statement;
}

/**
 * A fit is flagged when it says `ok: false`, or, for fits without `ok` (a
 * GITT pulse), when it carries warnings. Per method: how many, how many
 * flagged, and the first warning of the first flagged one.
 */
const FIT_SUMMARY = `(SELECT json_group_array(json_object('method', method, 'total', total, 'flagged', flagged, 'example', example)) FROM (
    SELECT method, COUNT(*) AS total, SUM(flag) AS flagged, MIN(CASE WHEN flag = 1 THEN printf('%d: %s', idx, COALESCE(warning, 'not ok')) END) AS example
    FROM (
      SELECT method, idx, json_extract(result, '$.warnings[0]') AS warning,
        CASE WHEN json_type(result, '$.ok') = 'false' THEN 1
             WHEN json_type(result, '$.ok') IS NULL AND COALESCE(json_array_length(result, '$.warnings'), 0) > 0 THEN 1
             ELSE 0 END AS flag
      FROM fits f WHERE f.run_id = runs.run_id
    ) GROUP BY method
  ) WHERE flagged > 0) AS fit_summary`;

const RUN_COLUMNS = `run_id, protocol, start_ns, parameters, metadata, instruments, stop_ns, exit_status, reason, published_events,
  (SELECT COALESCE(SUM(count), 0) FROM descriptors d WHERE d.run_id = runs.run_id) AS events, ${FIT_SUMMARY}`;

/** Events per page of an export when the query does not say. */
const DEFAULT_PAGE_SIZE = 5000;

function prepareStatements(db: Database.Database) {
  return {
    insertRun: db.prepare(
      `INSERT INTO runs (run_id, protocol, start_ns, parameters, metadata, instruments) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id) DO NOTHING`,
    ),
    stopRun: db.prepare(`UPDATE runs SET stop_ns = ?, exit_status = ?, reason = ?, published_events = ? WHERE run_id = ?`),
    runExists: db.prepare(`SELECT 1 FROM runs WHERE run_id = ?`).pluck(),
    insertDescriptor: db.prepare(
      `INSERT INTO descriptors (descriptor_id, run_id, stream, t_ns, data_keys, flags, configuration, hints) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (descriptor_id) DO NOTHING`,
    ),
    findDescriptor: db.prepare(`SELECT * FROM descriptors WHERE descriptor_id = ?`).safeIntegers(true),
    findStream: db.prepare(`SELECT * FROM descriptors WHERE run_id = ? AND stream = ?`).safeIntegers(true),
    listStreams: db.prepare(`SELECT * FROM descriptors WHERE run_id = ? ORDER BY stream`).safeIntegers(true),
    insertArray: db.prepare(`INSERT INTO event_arrays (descriptor_key, seq, key_index, encoding, data) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
    addToCount: db.prepare(`UPDATE descriptors SET count = count + ?, last_ns = MAX(COALESCE(last_ns, ?), ?) WHERE descriptor_key = ?`),
    insertFit: db.prepare(`INSERT INTO fits (run_id, method, idx, t_ns, result) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
    listRuns: db.prepare(`SELECT ${RUN_COLUMNS} FROM runs ORDER BY start_ns DESC, run_id`).safeIntegers(true),
    getRun: db.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE run_id = ?`).safeIntegers(true),
    listFits: db.prepare(`SELECT * FROM fits WHERE run_id = ? ORDER BY idx, t_ns, method`).safeIntegers(true),
    listFitsByMethod: db.prepare(`SELECT * FROM fits WHERE run_id = ? AND method = ? ORDER BY idx, t_ns`).safeIntegers(true),
    latest: db
      .prepare(
        `SELECT MAX(t) FROM (SELECT MAX(start_ns) AS t FROM runs UNION ALL SELECT MAX(stop_ns) FROM runs
         UNION ALL SELECT MAX(last_ns) FROM descriptors UNION ALL SELECT MAX(t_ns) FROM descriptors UNION ALL SELECT MAX(t_ns) FROM fits)`,
      )
      .pluck()
      .safeIntegers(true),
  };
}

const toJson = (value: unknown): string => JSON.stringify(value, jsonReplacer);

/**
 * Opens (creating) a store file. The pragmas are the durability promise of
 * the store: once `append` resolves, the batch survives a crash of the
 * process (kill -9) and, on a disk that honours fsync, a power cut.
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
 *
 * A file of another schema version, or not an operando store, is refused
 * (SCHEMA_MISMATCH, NOT_A_STORE) without being changed.
 */
export async function openSqliteStore(path: string): Promise<SqliteDocumentStore> {
  let db: Database.Database;
  try {
    assertLittleEndian();
    db = new Database(path);
  } catch (e) {
    throw new StoreError(`cannot open store ${path}: ${errorMessage(e)}`, 'OPEN_FAILED', { path }, { cause: e });
  }
  try {
    // Checked before WAL is switched on: a refused file is left as it was.
    prepareSchema(db, path);
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new StoreError(`store ${path} cannot use WAL (journal mode ${String(mode)})`, 'OPEN_FAILED', { path, mode });
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${STORE_DEFAULTS.busyTimeoutMs}`);
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
  /** Streams by descriptor id, so an event costs one insert (plus one per array). */
  private readonly targets = new Map<string, WriteTarget>();
  /** Insert statements by the number of value columns and whether text is written. */
  private readonly inserts = new Map<string, Database.Statement>();
  private readonly statements: ReturnType<typeof prepareStatements>;
  private readonly events: EventQueries;
  private readonly appendTransaction: Database.Transaction<(docs: readonly StoredDocument[], newTargets: string[]) => void>;
  private closed = false;

  constructor(private readonly db: Database.Database) {
    this.statements = prepareStatements(db);
    this.events = new EventQueries(db);
    this.appendTransaction = db.transaction((docs: readonly StoredDocument[], newTargets: string[]) => this.appendInTransaction(docs, newTargets));
  }

  async append(docs: readonly StoredDocument[]): Promise<void> {
    this.assertOpen();
    const newTargets: string[] = [];
    try {
      // IMMEDIATE takes the write lock up front: no SQLITE_BUSY half-way through a batch.
      this.appendTransaction.immediate(docs, newTargets);
    } catch (e) {
      // The transaction rolled back: forget the streams it created.
      for (const id of newTargets) this.targets.delete(id);
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
        : {
            kind: 'run-stop',
            runId,
            timestampNs: summary.stopNs,
            exitStatus: summary.exitStatus!,
            reason: summary.reason!,
            events: JSON.parse(row.published_events ?? '{}') as Record<string, number>,
          };
    return { ...summary, start, stop };
  }

  async listStreams(runId: string): Promise<StreamInfo[]> {
    this.assertOpen();
    return (this.statements.listStreams.all(runId) as DescriptorRow[]).map((row) => ({ stream: row.stream, descriptor: descriptorOf(row), count: Number(row.count) }));
  }

  async queryEvents(query: EventQuery): Promise<StreamData[]> {
    this.assertOpen();
    const rows = (query.stream === undefined ? this.statements.listStreams.all(query.runId) : [this.statements.findStream.get(query.runId, query.stream)]) as Array<
      DescriptorRow | undefined
    >;
    if (query.stream !== undefined && rows[0] === undefined) throw this.noStream(query.runId, query.stream);
    return rows.map((row) => this.events.query(storedStream(row!), query));
  }

  async *eventPages(query: EventPagesQuery): AsyncIterable<EventRows> {
    this.assertOpen();
    const row = this.statements.findStream.get(query.runId, query.stream) as DescriptorRow | undefined;
    if (!row) throw this.noStream(query.runId, query.stream);
    const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
    if (!(Number.isInteger(pageSize) && pageSize >= 1)) throw new StoreError(`pageSize must be an integer >= 1, got ${pageSize}`, 'INVALID_QUERY', { pageSize });
    const stream = storedStream(row);
    // Each page is one short synchronous read; between pages the writer commits as usual.
    for (const page of this.events.pages(stream, { ...query, pageSize })) {
      yield page;
      this.assertOpen();
    }
  }

  async listFits(runId: string, method?: string): Promise<FitResult[]> {
    this.assertOpen();
    const rows = (method === undefined ? this.statements.listFits.all(runId) : this.statements.listFitsByMethod.all(runId, method)) as FitRow[];
    return rows.map((r) => ({ kind: 'fit', runId: r.run_id, timestampNs: r.t_ns, method: r.method, index: Number(r.idx), result: JSON.parse(r.result) }));
  }

  async latestTimestampNs(): Promise<bigint | null> {
    this.assertOpen();
    return (this.statements.latest.get() as bigint | null) ?? null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private appendInTransaction(docs: readonly StoredDocument[], newTargets: string[]): void {
    const added = new Map<number, { n: number; lastNs: bigint }>();
    for (const doc of docs) {
      switch (doc.kind) {
        case 'event': {
          const target = this.target(doc, newTargets);
          if (this.insertEvent(target, doc)) {
            const sum = added.get(target.descriptorKey);
            if (sum) {
              sum.n++;
              if (doc.timestampNs > sum.lastNs) sum.lastNs = doc.timestampNs;
            } else added.set(target.descriptorKey, { n: 1, lastNs: doc.timestampNs });
          }
          break;
        }
        case 'descriptor':
          this.requireRun(doc);
          this.statements.insertDescriptor.run(
            doc.descriptorId,
            doc.runId,
            doc.stream,
            doc.timestampNs,
            toJson(doc.dataKeys),
            toJson(doc.flags),
            toJson(doc.configuration),
            toJson(doc.hints),
          );
          break;
        case 'run-start':
          this.statements.insertRun.run(doc.runId, doc.protocol, doc.timestampNs, toJson(doc.parameters), toJson(doc.metadata), toJson(doc.instruments));
          break;
        case 'run-stop':
          if (this.statements.stopRun.run(doc.timestampNs, doc.exitStatus, doc.reason, toJson(doc.events), doc.runId).changes === 0) throw unknownRun(doc);
          break;
        case 'fit':
          this.requireRun(doc);
          this.statements.insertFit.run(doc.runId, doc.method, doc.index, doc.timestampNs, toJson(doc.result));
          break;
      }
    }
    for (const [key, { n, lastNs }] of added) this.statements.addToCount.run(n, lastNs, lastNs, key);
  }

  /** Inserts one event (a replayed one is skipped); true when it was new. */
  private insertEvent(target: WriteTarget, event: StreamEvent): boolean {
    const { layout } = target;
    const values: unknown[] = [target.descriptorKey, event.timestampNs, event.seq, event.flags];
    for (const s of layout.scalars) values.push(event.data[s.key]);
    if (layout.texts.length > 0) values.push(JSON.stringify(Object.fromEntries(layout.texts.map((k) => [k, event.data[k]]))));
    if (target.insert.run(...values).changes === 0) return false;
    for (const a of layout.arrays) {
      const { encoding, data } = encodeArray(event.data[a.key] as Parameters<typeof encodeArray>[0]);
      this.statements.insertArray.run(target.descriptorKey, event.seq, a.index, encoding, data);
    }
    return true;
  }

  private target(event: StreamEvent, newTargets: string[]): WriteTarget {
    const cached = this.targets.get(event.descriptorId);
    if (cached) {
      if (cached.runId !== event.runId) throw unknownStream(event);
      return cached;
    }
    const row = this.statements.findDescriptor.get(event.descriptorId) as DescriptorRow | undefined;
    if (!row || row.run_id !== event.runId) throw unknownStream(event);
    const stream = storedStream(row);
    const target: WriteTarget = { ...stream, runId: row.run_id, insert: this.insertStatement(stream.layout.scalars.length, stream.layout.texts.length > 0) };
    this.targets.set(event.descriptorId, target);
    newTargets.push(event.descriptorId);
    return target;
  }

  private insertStatement(valueColumns: number, withText: boolean): Database.Statement {
    const id = `${valueColumns}/${withText}`;
    let statement = this.inserts.get(id);
    if (!statement) {
      const columns = ['descriptor_key', 't_ns', 'seq', 'flags', ...Array.from({ length: valueColumns }, (_, i) => `v${i}`), ...(withText ? ['text'] : [])];
      // ON CONFLICT DO NOTHING (not INSERT OR IGNORE, which would also skip NOT NULL violations) makes replays harmless.
      statement = this.db.prepare(`INSERT INTO events (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) ON CONFLICT DO NOTHING`);
      this.inserts.set(id, statement);
    }
    return statement;
  }

  private requireRun(doc: StoredDocument): void {
    if (this.statements.runExists.get(doc.runId) === undefined) throw unknownRun(doc);
  }

  private noStream(runId: string, stream: string): StoreError {
    const known = (this.statements.listStreams.all(runId) as DescriptorRow[]).map((r) => r.stream);
    return new StoreError(`run ${runId} has no stream ${stream} (streams: ${known.join(', ') || 'none'})`, 'UNKNOWN_STREAM', { runId, stream });
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError('the store is closed', 'CLOSED');
  }
}

function unknownRun(doc: StoredDocument): StoreError {
  return new StoreError(`${doc.kind} for run ${doc.runId}, which has no run-start in the store`, 'UNKNOWN_RUN', { runId: doc.runId, kind: doc.kind });
}

function unknownStream(event: StreamEvent): StoreError {
  return new StoreError(`event of stream ${event.stream} (descriptor ${event.descriptorId}) of run ${event.runId}, whose descriptor the store has never seen`, 'UNKNOWN_STREAM', {
    runId: event.runId,
    stream: event.stream,
    descriptorId: event.descriptorId,
  });
}

function descriptorOf(row: DescriptorRow): Descriptor {
  return {
    kind: 'descriptor',
    runId: row.run_id,
    descriptorId: row.descriptor_id,
    stream: row.stream,
    timestampNs: row.t_ns,
    dataKeys: JSON.parse(row.data_keys),
    flags: JSON.parse(row.flags),
    configuration: JSON.parse(row.configuration),
    hints: JSON.parse(row.hints),
  };
}

function runSummary(row: RunRow): RunSummary {
  return {
    runId: row.run_id,
    protocol: row.protocol,
    startNs: row.start_ns,
    stopNs: row.stop_ns,
    exitStatus: row.exit_status as ExitStatus | null,
    reason: row.reason,
    events: Number(row.events),
    metadata: JSON.parse(row.metadata),
    warnings: fitWarnings(row.fit_summary),
  };
}

/** `2 of 5 eis fits flagged (3: Lin-KK residuals above 1 %)`, one line per method with flagged fits. */
function fitWarnings(summary: string): string[] {
  const methods = JSON.parse(summary) as Array<{ method: string; total: number; flagged: number; example: string | null }>;
  return methods.map((m) => `${m.flagged} of ${m.total} ${m.method} fits flagged${m.example ? ` (${m.example})` : ''}`);
}
