import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FitResult, Reading } from '../../core/documents.js';
import { runStart, runStop, sequenceReading, T0_NS, tempDir } from '../../../tests/support/store-fixtures.js';
import { isStoreError } from '../errors.js';
import { SCHEMA_VERSION } from './schema.js';
import { openSqliteStore, type SqliteDocumentStore } from './sqlite-store.js';

const fit = (runId: string, method: string, index: number, timestampNs: bigint): FitResult => ({
  kind: 'fit',
  runId,
  timestampNs,
  method,
  index,
  result: { dChemCm2PerS: 1.2e-11 * (index + 1), chargeC: 10n ** 20n },
});

const reading = (seq: number, quantity: string, value: number, unit = 'V'): Reading => ({
  kind: 'reading',
  runId: 'r1',
  seq,
  instrument: 'pstat',
  quantity,
  value,
  unit,
  timestampNs: T0_NS + BigInt(seq),
});

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

  it('keeps runs, readings by series and fits, and gives them back with their documents', async () => {
    await store.append([runStart('r1', T0_NS, { metadata: { sample: 'LLZO-7', massNg: 12n } }), reading(0, 'potential', 3.71), reading(1, 'current', 1e-4, 'A')]);
    await store.append([reading(2, 'potential', 3.72), fit('r1', 'gitt', 1, T0_NS + 5n), fit('r1', 'gitt', 0, T0_NS + 9n), fit('r1', 'eis', 0, T0_NS + 7n)]);
    await store.append([runStart('r2', T0_NS + 100n), runStop('r1', 3)]);

    const runs = await store.listRuns();
    expect(runs.map((r) => r.runId)).toEqual(['r2', 'r1']);
    expect(runs[1]).toEqual({
      runId: 'r1',
      protocol: 'gitt@1',
      startNs: T0_NS,
      stopNs: T0_NS + 1_000_000_000n,
      exitStatus: 'success',
      reason: 'completed',
      readings: 3,
      metadata: { sample: 'LLZO-7', massNg: '12' },
    });
    expect(runs[0]).toMatchObject({ runId: 'r2', stopNs: null, exitStatus: null, readings: 0 });

    const run = await store.getRun('r1');
    expect(run?.start).toMatchObject({ kind: 'run-start', parameters: { pulses: 3 }, instruments: { pstat: { driver: 'sim' } } });
    expect(run?.stop).toEqual(runStop('r1', 3));
    expect(await store.getRun('nope')).toBeNull();

    expect(await store.listSeries('r1')).toEqual([
      { instrument: 'pstat', quantity: 'current', unit: 'A', count: 1 },
      { instrument: 'pstat', quantity: 'potential', unit: 'V', count: 2 },
    ]);
    expect((await store.listFits('r1')).map((f) => [f.method, f.index])).toEqual([
      ['eis', 0],
      ['gitt', 0],
      ['gitt', 1],
    ]);
    const gitt = await store.listFits('r1', 'gitt');
    expect(gitt).toEqual([{ ...fit('r1', 'gitt', 0, T0_NS + 9n), result: { dChemCm2PerS: 1.2e-11, chargeC: (10n ** 20n).toString() } }, expect.objectContaining({ index: 1 })]);
  });

  it('holds nanosecond timestamps beyond 2^53 exactly, and NaN and infinities as values', async () => {
    const t = 2n ** 62n + 1n;
    await store.append([runStart('r1'), { ...reading(0, 'potential', Number.NaN), timestampNs: t }, { ...reading(1, 'potential', -Infinity), timestampNs: t + 1n }]);
    const [series] = await store.queryReadings({ runId: 'r1' });
    expect(series?.points).toEqual([
      { timestampNs: t, seq: 0, value: Number.NaN },
      { timestampNs: t + 1n, seq: 1, value: -Infinity },
    ]);
  });

  it('stores a replayed batch once', async () => {
    const batch = [runStart('r1'), reading(0, 'potential', 1), reading(1, 'potential', 2), fit('r1', 'gitt', 0, T0_NS)];
    await store.append(batch);
    await store.append(batch);
    expect(await store.listSeries('r1')).toEqual([expect.objectContaining({ count: 2 })]);
    expect(await store.listFits('r1')).toHaveLength(1);
    expect(await store.listRuns()).toHaveLength(1);
  });

  it('rejects a batch naming an unknown run as a whole, and goes on cleanly afterwards', async () => {
    await store.append([runStart('r1')]);
    const e = await rejection(store.append([reading(0, 'potential', 1), reading(1, 'temperature', 300, 'K'), { ...reading(2, 'potential', 1), runId: 'ghost' }]));
    expect(isStoreError(e, 'UNKNOWN_RUN')).toBe(true);
    expect(await store.listSeries('r1')).toEqual([]);
    // The series created by the rolled-back batch must not linger in the id cache.
    await store.append([reading(3, 'temperature', 301, 'K')]);
    expect(await store.listSeries('r1')).toEqual([{ instrument: 'pstat', quantity: 'temperature', unit: 'K', count: 1 }]);
    expect(isStoreError(await rejection(store.append([runStop('ghost', 0)])), 'UNKNOWN_RUN')).toBe(true);
    expect(isStoreError(await rejection(store.append([fit('ghost', 'gitt', 0, T0_NS)])), 'UNKNOWN_RUN')).toBe(true);
  });

  it('reports a write the database refuses as WRITE_FAILED with the SQLite code', async () => {
    await store.append([runStart('r1')]);
    // A NOT NULL violation: the replay-friendly ON CONFLICT clause must not swallow it.
    const e = await rejection(store.append([reading(0, 'potential', 1), { ...reading(1, 'potential', 1), seq: null as unknown as number }]));
    expect(isStoreError(e, 'WRITE_FAILED')).toBe(true);
    expect((e as { context: Record<string, unknown> }).context.sqliteCode).toBe('SQLITE_CONSTRAINT_NOTNULL');
    expect(await store.listSeries('r1')).toEqual([]);
  });

  it('opens in WAL mode at the current schema version, and refuses a newer schema', async () => {
    await store.close();
    const db = new Database(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const e = await rejection(openSqliteStore(file));
    expect(isStoreError(e, 'SCHEMA_TOO_NEW')).toBe(true);
    store = await openSqliteStore(path.join(tmp.dir, 'other.db'));
  });

  it('keeps what was committed across a reopen and appends to the same series', async () => {
    await store.append([runStart('r1'), sequenceReading('r1', 0)]);
    await store.close();
    store = await openSqliteStore(file);
    await store.append([sequenceReading('r1', 1)]);
    expect(await store.listSeries('r1')).toEqual([{ instrument: 'pstat', quantity: 'potential', unit: 'V', count: 2 }]);
  });

  it('refuses calls once closed', async () => {
    await store.close();
    expect(isStoreError(await rejection(store.listRuns()), 'CLOSED')).toBe(true);
    expect(isStoreError(await rejection(store.append([runStart('r1')])), 'CLOSED')).toBe(true);
  });
});
