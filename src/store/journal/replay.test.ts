import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectingLogger, DC_STREAM, descriptor, event, interceptAppend, runStart, runStop, sequenceEvent, tempDir, T0_NS } from '../../../tests/support/store-fixtures.js';
import type { DataKey, FitResult } from '../../core/documents.js';
import { silentLogger } from '../../core/logger.js';
import type { DocumentStore, StoredDocument } from '../document-store.js';
import { openSqliteStore, type SqliteDocumentStore } from '../sqlite/sqlite-store.js';
import { openJournal, type Journal } from './journal.js';
import { STORE_CONSUMER, replayJournal } from './replay.js';

const MCA = 'mca.spectrum';
const MCA_KEYS: Record<string, DataKey> = {
  counts: { dtype: 'array', shape: [8], elementType: 'uint32', unit: 'counts', source: 'mca', nativeQuantity: 'test', description: 'counts' },
  live_time: { dtype: 'number', shape: [], unit: 's', source: 'mca', nativeQuantity: 'test', description: 'live time' },
};
const fit = (runId: string, index: number): FitResult => ({ kind: 'fit', runId, timestampNs: T0_NS + BigInt(index), method: 'gitt', index, result: { d: 1e-11 * index, q: 10n ** 19n } });
const spectrum = (runId: string, seq: number) => event(runId, seq, { counts: Uint32Array.from({ length: 8 }, (_, i) => i * seq), live_time: 59.5 }, T0_NS + BigInt(seq) * 7n, MCA);

/** Two runs with every stored kind: one ended, one still open when the service died. */
function documents(): StoredDocument[] {
  const docs: StoredDocument[] = [];
  for (const runId of ['r1', 'r2']) {
    docs.push(runStart(runId, runId === 'r1' ? T0_NS : T0_NS + 10n), descriptor(runId), descriptor(runId, MCA, MCA_KEYS));
    for (let seq = 1; seq <= 40; seq++) {
      docs.push(sequenceEvent(runId, seq));
      if (seq % 10 === 0) docs.push(spectrum(runId, seq / 10), fit(runId, seq / 10));
    }
  }
  docs.push(runStop('r1', { [DC_STREAM]: 40, [MCA]: 4 }));
  return docs;
}

/** Everything a store answers about its runs. */
async function snapshot(store: DocumentStore) {
  const runs = await store.listRuns();
  const detail = [];
  for (const r of runs) {
    detail.push({
      run: await store.getRun(r.runId),
      streams: await store.listStreams(r.runId),
      events: await store.queryEvents({ runId: r.runId, keys: undefined }),
      spectra: await store.queryEvents({ runId: r.runId, stream: MCA, keys: ['counts', 'live_time'] }),
      fits: await store.listFits(r.runId),
    });
  }
  return { runs, detail };
}

describe('journal replay at start-up', () => {
  let tmp: ReturnType<typeof tempDir>;
  let stores: SqliteDocumentStore[];
  let journals: Journal[];
  const storeAt = async (name: string) => {
    const s = await openSqliteStore(path.join(tmp.dir, name));
    stores.push(s);
    return s;
  };
  /** A journal holding `docs`, as a killed process leaves it (written, nothing acknowledged). */
  const journalHolding = async (name: string, docs: readonly StoredDocument[]) => {
    const dir = path.join(tmp.dir, name);
    const writing = await openJournal({ dir, consumers: [STORE_CONSUMER], logger: silentLogger, segmentBytes: 4_096 });
    for (let i = 0; i < docs.length; i += 25) {
      for (const d of docs.slice(i, i + 25)) writing.append(d);
      writing.flush();
    }
    await writing.close();
    const reopened = await openJournal({ dir, consumers: [STORE_CONSUMER], logger: silentLogger });
    journals.push(reopened);
    return { journal: reopened, dir };
  };

  beforeEach(() => {
    tmp = tempDir();
    stores = [];
    journals = [];
  });
  afterEach(async () => {
    for (const j of journals) await j.close();
    for (const s of stores) await s.close();
    tmp.remove();
  });

  it('stores every kind once, however much of it the store had already, and empties the journal', async () => {
    const docs = documents();
    const once = await storeAt('once.db');
    await once.append(docs);
    const expected = await snapshot(once);
    expect(expected.runs.map((r) => [r.runId, r.events, r.exitStatus])).toEqual([
      ['r2', 44, null],
      ['r1', 44, 'success'],
    ]);

    // The store had committed some batches when the process died, the journal holds them all.
    for (const committed of [0, 3, 50, 97, docs.length]) {
      const store = await storeAt(`after-${committed}.db`);
      if (committed > 0) await store.append(docs.slice(0, committed));
      const { journal, dir } = await journalHolding(`after-${committed}.journal`, docs);
      expect(await replayJournal(journal, store, silentLogger)).toEqual({ stored: docs.length, rejected: 0 });
      expect(await snapshot(store), `with ${committed} committed before`).toEqual(expected);
      expect(readdirSync(dir)).toEqual([]);
      // And once more, as after a crash during the replay itself.
      const again = await journalHolding(`again-${committed}.journal`, docs);
      await replayJournal(again.journal, store, silentLogger);
      expect(await snapshot(store)).toEqual(expected);
    }
  });

  it('logs and leaves out what the store refuses, and stores the rest', async () => {
    const docs = documents();
    const stray = { ...sequenceEvent('r1', 41), descriptorId: 'r1/never-described', stream: 'pstat.ac' };
    const store = await storeAt('lab.db');
    const { journal } = await journalHolding('lab.db.journal', [...docs.slice(0, 30), stray, ...docs.slice(30)]);
    const { logger, logs } = collectingLogger();
    expect(await replayJournal(journal, store, logger)).toEqual({ stored: docs.length, rejected: 1 });
    expect(logs.error.map((l) => (l.obj as { code: string }).code)).toEqual(['UNKNOWN_STREAM']);
    const expected = await storeAt('expected.db');
    await expected.append(docs);
    expect(await snapshot(store)).toEqual(await snapshot(expected));
  });

  it('fails the start-up when the store fails, and keeps the journal for the next one', async () => {
    const docs = documents();
    const store = await storeAt('lab.db');
    const failing = interceptAppend(store, async () => {
      throw new Error('disk I/O error');
    });
    const { journal, dir } = await journalHolding('lab.db.journal', docs);
    const files = readdirSync(dir);
    expect(files.length).toBeGreaterThan(1);
    await expect(replayJournal(journal, failing, silentLogger)).rejects.toThrow('disk I/O error');
    await journal.close();
    expect(readdirSync(dir)).toEqual(files);

    const retry = await openJournal({ dir, consumers: [STORE_CONSUMER], logger: silentLogger });
    journals.push(retry);
    await replayJournal(retry, store, silentLogger);
    const expected = await storeAt('expected.db');
    await expected.append(docs);
    expect(await snapshot(store)).toEqual(await snapshot(expected));
  });
});
