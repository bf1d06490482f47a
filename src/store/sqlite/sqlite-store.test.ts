import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FitResult, StreamEvent } from '../../core/documents.js';
import { DC_STREAM, descriptor, event, runStart, runStop, T0_NS, tempDir } from '../../../tests/support/store-fixtures.js';
import type { StreamData } from '../document-store.js';
import { isStoreError } from '../errors.js';
import { APPLICATION_ID, SCHEMA_VERSION } from './schema.js';
import { openSqliteStore, type SqliteDocumentStore } from './sqlite-store.js';

const fit = (runId: string, method: string, index: number, timestampNs: bigint): FitResult => ({
  kind: 'fit',
  runId,
  timestampNs,
  method,
  index,
  result: { dChemCm2PerS: 1.2e-11 * (index + 1), chargeC: 10n ** 20n },
});

const dc = (seq: number, potential: number, current = 0, runId = 'r1'): StreamEvent => event(runId, seq, { potential, current }, T0_NS + BigInt(seq));

const raw = (data: StreamData | undefined) => {
  if (!data || data.downsampled) throw new Error('expected raw events');
  return data;
};

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.unreachable('expected a rejection'),
    (e: unknown) => e,
  );
}

describe('SqliteDocumentStore', () => {
  let tmp: ReturnType<typeof tempDir>;
  let file: string;
  let store: SqliteDocumentStore;

  beforeEach(async () => {
    tmp = tempDir();
    file = path.join(tmp.dir, 'lab.db');
    store = await openSqliteStore(file);
  });
  afterEach(async () => {
    await store.close();
    tmp.remove();
  });

  it('keeps runs, streams with their descriptors, events and fits, and gives them back as documents', async () => {
    await store.append([runStart('r1', T0_NS, { metadata: { sample: 'LLZO-7', massNg: 12n } }), descriptor('r1'), dc(1, 3.71, 1e-4), dc(2, 3.72, 1e-4)]);
    await store.append([dc(3, 3.73), fit('r1', 'gitt', 1, T0_NS + 5n), fit('r1', 'gitt', 0, T0_NS + 9n), fit('r1', 'eis', 0, T0_NS + 7n)]);
    await store.append([runStart('r2', T0_NS + 100n), runStop('r1', { [DC_STREAM]: 3 })]);

    const runs = await store.listRuns();
    expect(runs.map((r) => r.runId)).toEqual(['r2', 'r1']);
    expect(runs[1]).toEqual({
      runId: 'r1',
      protocol: 'gitt@1',
      startNs: T0_NS,
      stopNs: T0_NS + 1_000_000_000n,
      exitStatus: 'success',
      reason: 'completed',
      events: 3,
      metadata: { sample: 'LLZO-7', massNg: '12' },
      warnings: [],
    });
    expect(runs[0]).toMatchObject({ runId: 'r2', stopNs: null, exitStatus: null, events: 0 });

    const run = await store.getRun('r1');
    expect(run?.start).toMatchObject({ kind: 'run-start', parameters: { pulses: 3 }, instruments: { pstat: { driver: 'sim' } } });
    expect(run?.stop).toEqual(runStop('r1', { [DC_STREAM]: 3 }));
    expect(await store.getRun('nope')).toBeNull();

    expect(await store.listStreams('r1')).toEqual([{ stream: DC_STREAM, descriptor: descriptor('r1'), count: 3 }]);
    expect(raw((await store.queryEvents({ runId: 'r1' }))[0]).data).toEqual({ potential: [3.71, 3.72, 3.73], current: [1e-4, 1e-4, 0] });
    expect((await store.listFits('r1')).map((f) => [f.method, f.index])).toEqual([
      ['eis', 0],
      ['gitt', 0],
      ['gitt', 1],
    ]);
    const gitt = await store.listFits('r1', 'gitt');
    expect(gitt).toEqual([{ ...fit('r1', 'gitt', 0, T0_NS + 9n), result: { dChemCm2PerS: 1.2e-11, chargeC: (10n ** 20n).toString() } }, expect.objectContaining({ index: 1 })]);
  });

  it("says which of a run's fits were flagged: ok false, or warnings on a fit without ok", async () => {
    const result = (index: number, extra: Record<string, unknown>): FitResult => ({ kind: 'fit', runId: 'r1', timestampNs: T0_NS + BigInt(index), method: 'eis', index, result: extra });
    await store.append([
      runStart('r1'),
      result(1, { ok: true, warnings: [] }),
      result(2, { ok: false, warnings: ['Lin-KK residuals above 1 %'] }),
      result(3, { ok: false, warnings: [] }),
      { ...result(4, { warnings: ['the pulse was interrupted'] }), method: 'gitt' },
      { ...result(5, { warnings: [] }), method: 'gitt' },
      { ...result(6, { ok: true, warnings: ['fine print'] }), method: 'vt-step' },
      runStop('r1', {}),
    ]);
    const [run] = await store.listRuns();
    expect(run!.warnings).toEqual(['2 of 3 eis fits flagged (2: Lin-KK residuals above 1 %)', '1 of 2 gitt fits flagged (4: the pulse was interrupted)']);
    expect((await store.getRun('r1'))!.warnings).toEqual(run!.warnings);
  });

  it('holds nanosecond timestamps beyond 2^53 exactly, NaN and infinities as values, and the flags', async () => {
    const t = 2n ** 62n + 1n;
    await store.append([runStart('r1'), descriptor('r1'), { ...dc(1, Number.NaN, 1), timestampNs: t, flags: 2 }, { ...dc(2, -Infinity, Infinity), timestampNs: t + 1n, flags: 0xf }]);
    const rows = raw((await store.queryEvents({ runId: 'r1' }))[0]);
    expect(rows.timestampsNs).toEqual([t, t + 1n]);
    expect(rows.data).toEqual({ potential: [Number.NaN, -Infinity], current: [1, Infinity] });
    expect(rows.flags).toEqual([2, 0xf]);
  });

  it('stores a replayed batch once', async () => {
    const batch = [runStart('r1'), descriptor('r1'), dc(1, 1), dc(2, 2), fit('r1', 'gitt', 0, T0_NS)];
    await store.append(batch);
    await store.append(batch);
    expect(await store.listStreams('r1')).toEqual([expect.objectContaining({ count: 2 })]);
    expect(await store.listFits('r1')).toHaveLength(1);
    expect(await store.listRuns()).toHaveLength(1);
  });

  it('rejects a batch naming an unknown run or stream as a whole, and goes on cleanly afterwards', async () => {
    await store.append([runStart('r1')]);
    const e = await rejection(store.append([descriptor('r1'), dc(1, 1), dc(2, 300), { ...dc(3, 1), runId: 'ghost' }]));
    expect(isStoreError(e, 'UNKNOWN_STREAM')).toBe(true);
    expect(await store.listStreams('r1')).toEqual([]);
    // The stream created by the rolled-back batch must not linger in the writer's cache.
    expect(isStoreError(await rejection(store.append([dc(4, 1)])), 'UNKNOWN_STREAM')).toBe(true);
    await store.append([descriptor('r1'), dc(4, 301)]);
    expect(await store.listStreams('r1')).toEqual([expect.objectContaining({ stream: DC_STREAM, count: 1 })]);
    expect(isStoreError(await rejection(store.append([descriptor('ghost')])), 'UNKNOWN_RUN')).toBe(true);
    expect(isStoreError(await rejection(store.append([runStop('ghost', {})])), 'UNKNOWN_RUN')).toBe(true);
    expect(isStoreError(await rejection(store.append([fit('ghost', 'gitt', 0, T0_NS)])), 'UNKNOWN_RUN')).toBe(true);
  });

  it('reports a write the database refuses as WRITE_FAILED with the SQLite code', async () => {
    await store.append([runStart('r1'), descriptor('r1')]);
    // A NOT NULL violation: the replay-friendly ON CONFLICT clause must not swallow it.
    const e = await rejection(store.append([dc(1, 1), { ...dc(2, 1), flags: null as unknown as number }]));
    expect(isStoreError(e, 'WRITE_FAILED')).toBe(true);
    expect((e as { context: Record<string, unknown> }).context.sqliteCode).toBe('SQLITE_CONSTRAINT_NOTNULL');
    expect(await store.listStreams('r1')).toEqual([expect.objectContaining({ count: 0 })]);
  });

  it('opens in WAL mode as an operando store of the current schema version', async () => {
    await store.close();
    const db = new Database(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    db.close();
    store = await openSqliteStore(file);
  });

  it.each([
    ['an older store (schema 1, before events)', 1, 0],
    ['a newer store', SCHEMA_VERSION + 1, APPLICATION_ID],
  ])('refuses %s with a message naming both versions, and leaves the file as it was', async (_what, version, applicationId) => {
    const other = path.join(tmp.dir, `v${version}.db`);
    const db = new Database(other);
    db.exec('CREATE TABLE runs (run_id TEXT PRIMARY KEY)');
    db.pragma(`user_version = ${version}`);
    db.pragma(`application_id = ${applicationId}`);
    db.close();
    const e = await rejection(openSqliteStore(other));
    expect(isStoreError(e, 'SCHEMA_MISMATCH')).toBe(true);
    expect((e as Error).message).toContain(`holds store schema version ${version}; this operando reads and writes version ${SCHEMA_VERSION} only`);
    const after = new Database(other);
    expect(after.pragma('user_version', { simple: true })).toBe(version);
    expect(after.pragma('journal_mode', { simple: true })).toBe('delete');
    after.close();
  });

  it("refuses another application's SQLite file", async () => {
    const foreign = path.join(tmp.dir, 'foreign.db');
    const db = new Database(foreign);
    db.exec('CREATE TABLE notes (body TEXT)');
    db.close();
    const e = await rejection(openSqliteStore(foreign));
    expect(isStoreError(e, 'NOT_A_STORE')).toBe(true);
  });

  it('keeps what was committed across a reopen and appends to the same stream', async () => {
    await store.append([runStart('r1'), descriptor('r1'), dc(1, 1)]);
    await store.close();
    store = await openSqliteStore(file);
    await store.append([dc(2, 2)]);
    expect(await store.listStreams('r1')).toEqual([expect.objectContaining({ count: 2 })]);
  });

  it('knows the latest lab time it holds: runs, events and fits', async () => {
    expect(await store.latestTimestampNs()).toBeNull();
    await store.append([runStart('r1', T0_NS), descriptor('r1'), { ...dc(1, 1), timestampNs: T0_NS + 50n }]);
    expect(await store.latestTimestampNs()).toBe(T0_NS + 50n);
    await store.append([fit('r1', 'gitt', 1, T0_NS + 70n)]);
    expect(await store.latestTimestampNs()).toBe(T0_NS + 70n);
    await store.append([runStop('r1', { [DC_STREAM]: 1 }, T0_NS + 90n)]);
    expect(await store.latestTimestampNs()).toBe(T0_NS + 90n);
  });

  it('refuses calls once closed', async () => {
    await store.close();
    expect(isStoreError(await rejection(store.listRuns()), 'CLOSED')).toBe(true);
    expect(isStoreError(await rejection(store.append([runStart('r1')])), 'CLOSED')).toBe(true);
  });
});
