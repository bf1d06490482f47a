import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DocumentBus } from '../../src/core/bus.js';
import type { RunStop, StreamEvent } from '../../src/core/documents.js';
import type { StoreError } from '../../src/store/errors.js';
import { journalDirOf, openJournal, type Journal, type JournalUsage } from '../../src/store/journal/journal.js';
import { STORE_CONSUMER } from '../../src/store/journal/replay.js';
import { openSqliteStore, type SqliteDocumentStore } from '../../src/store/sqlite/sqlite-store.js';
import { StoreWriter } from '../../src/store/writer.js';
import {
  collectingLogger,
  DC_STREAM,
  descriptor,
  interceptAppend,
  runStart,
  sequenceEvent,
  sequenceSpectrum,
  SPECTRUM_KEYS,
  SPECTRUM_STREAM,
  tempDir,
} from '../support/store-fixtures.js';

const MAX_BYTES = 600_000;
/** Enough turns to fill the bound several times over: a loop that never reaches it fails instead of spinning. */
const MAX_TURNS = 5_000;

/**
 * A store outage with the journal in front of the store: the store's append
 * fails for a while, acquisition goes on, everything is journaled and stored
 * once the store is back; near the bound the alarm goes off, at the bound the
 * refused documents are reported with their run, never dropped silently.
 */
describe('store outage behind the journal', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: SqliteDocumentStore;
  let journal: Journal;
  let bus: DocumentBus;
  let writer: StoreWriter;
  let outage: boolean;
  let alarms: JournalUsage[];
  let refusals: StoreError[];
  let failures: StoreError[];
  let logs: ReturnType<typeof collectingLogger>['logs'];
  let dc: number;
  let spectra: number;
  /** The seqs the journal took (a position), per stream; the others it refused. */
  let journaled: Record<string, number[]>;
  let refusedDocuments: number;
  /** The position the journal gave each document it was handed (null: refused). */
  let positions: Map<object, number | null>;

  beforeEach(async () => {
    tmp = tempDir();
    const dbPath = path.join(tmp.dir, 'lab.db');
    store = await openSqliteStore(dbPath);
    const collecting = collectingLogger();
    logs = collecting.logs;
    journal = await openJournal({ dir: journalDirOf(dbPath), consumers: [STORE_CONSUMER], logger: collecting.logger, maxBytes: MAX_BYTES, segmentBytes: 16_384 });
    bus = new DocumentBus(collecting.logger, journal);
    outage = false;
    const failing = interceptAppend(store, async () => {
      if (outage) throw new Error('disk I/O error');
    });
    // Retries are driven by flush() here, so the test waits on the catch-up itself, not on a timer.
    writer = new StoreWriter(bus, failing, { logger: collecting.logger, journal, windowMs: 10, retryMs: 60_000 });
    alarms = [];
    refusals = [];
    failures = [];
    journal.alarm$.subscribe((u) => alarms.push(u));
    journal.refusals$.subscribe((e) => refusals.push(e));
    writer.failures$.subscribe((e) => failures.push(e));
    dc = 0;
    spectra = 0;
    journaled = { [DC_STREAM]: [], [SPECTRUM_STREAM]: [] };
    refusedDocuments = 0;
    positions = new Map();
    journal.appended$.subscribe(({ position, document }) => positions.set(document, position));
  });
  afterEach(async () => {
    await writer.close();
    await journal.close();
    await store.close();
    tmp.remove();
  });

  /** One turn of acquisition: nine DC events and a spectrum, then the event loop goes round (the journal writes). */
  async function acquire(): Promise<void> {
    const events: StreamEvent[] = [];
    for (let i = 0; i < 9; i++) events.push(sequenceEvent('r1', ++dc));
    events.push(sequenceSpectrum('r1', ++spectra));
    for (const e of events) {
      bus.publish(e);
      if (positions.get(e) === null) refusedDocuments++;
      else journaled[e.stream]!.push(e.seq);
    }
    await nextTurn();
  }

  async function storedSeqs(stream: string): Promise<number[]> {
    const [data] = await store.queryEvents({ runId: 'r1', stream, keys: stream === DC_STREAM ? ['potential', 'current'] : ['counts', 'live_time'] });
    if (!data || data.downsampled) throw new Error('expected raw events');
    data.seq.forEach((seq, i) => {
      const expected = stream === DC_STREAM ? sequenceEvent('r1', seq) : sequenceSpectrum('r1', seq);
      for (const [key, values] of Object.entries(data.data)) expect(values[i], `${stream} ${seq} ${key}`).toEqual(expected.data[key]);
    });
    return [...data.seq];
  }

  const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

  it('journals through an outage, stores everything once the store is back, and warns near the bound', async () => {
    bus.publish(runStart('r1'));
    bus.publish(descriptor('r1'));
    bus.publish(descriptor('r1', SPECTRUM_STREAM, SPECTRUM_KEYS));
    await writer.flush();

    outage = true;
    for (let turn = 0; alarms.length === 0 && turn < MAX_TURNS; turn++) await acquire();
    expect(alarms.map((a) => a.state)).toEqual(['warning']);
    expect(alarms[0]!.bytes).toBeGreaterThanOrEqual(0.8 * MAX_BYTES);
    expect(alarms[0]!.bytes).toBeLessThan(MAX_BYTES);
    expect(logs.warn.map((l) => l.msg)).toContain('journal: past 80% of its bound; the store is behind, runs are aborted at the bound');
    // Nothing refused, nothing reported lost: acquisition went on, the store only fell behind.
    expect([refusals, failures, refusedDocuments]).toEqual([[], [], 0]);
    expect(writer.status()).toMatchObject({ mode: 'catching-up', lastError: 'disk I/O error' });
    expect((await store.listStreams('r1')).map((s) => s.count)).toEqual([0, 0]);

    outage = false;
    await writer.flush();
    expect(await storedSeqs(DC_STREAM)).toEqual(upTo(dc));
    expect(await storedSeqs(SPECTRUM_STREAM)).toEqual(upTo(spectra));
    expect(writer.status().mode).toBe('live');
    expect(alarms.map((a) => a.state)).toEqual(['warning', 'ok']);
    expect(journal.usage()).toMatchObject({ segments: 1, consumers: { [STORE_CONSUMER]: { behind: 0 } } });

    // Live again: the next events are committed as they come.
    await acquire();
    await writer.flush();
    expect(await storedSeqs(DC_STREAM)).toEqual(upTo(dc));
  });

  it('refuses documents at the bound and reports their run once, keeps the run-stop, and stores everything it journaled', async () => {
    bus.publish(runStart('r1'));
    bus.publish(descriptor('r1'));
    bus.publish(descriptor('r1', SPECTRUM_STREAM, SPECTRUM_KEYS));
    await writer.flush();

    outage = true;
    for (let turn = 0; refusals.length === 0 && turn < MAX_TURNS; turn++) await acquire();
    for (let turn = 0; turn < 5; turn++) await acquire();
    expect(alarms.map((a) => a.state)).toEqual(['warning', 'full']);
    expect(refusals.map((e) => [e.code, e.context.runIds])).toEqual([['JOURNAL_FULL', ['r1']]]);
    expect(refusals[0]!.message).toMatch(/event of run r1 not journaled: the journal is full/);
    expect(refusedDocuments).toBeGreaterThanOrEqual(50);
    expect(journal.usage().refused).toBe(refusedDocuments);
    expect(logs.error.some((l) => l.msg === 'journal: full; documents are refused and their runs aborted')).toBe(true);

    // The run is aborted with the reason (in the lab: src/engine/store-failures.ts); its run-stop is still taken.
    const stop: RunStop = { kind: 'run-stop', runId: 'r1', timestampNs: sequenceEvent('r1', dc).timestampNs, exitStatus: 'abort', reason: refusals[0]!.message, events: { [DC_STREAM]: dc, [SPECTRUM_STREAM]: spectra } };
    bus.publish(stop);
    expect(positions.get(stop)).toBe(journal.lastPosition());

    outage = false;
    await writer.flush();
    // Every journaled event is stored, by stream and seq; the refused ones (reported above) are not.
    expect(await storedSeqs(DC_STREAM)).toEqual(journaled[DC_STREAM]);
    expect(await storedSeqs(SPECTRUM_STREAM)).toEqual(journaled[SPECTRUM_STREAM]);
    expect(journaled[DC_STREAM]!.length + journaled[SPECTRUM_STREAM]!.length + refusedDocuments).toBe(dc + spectra);
    expect((await store.getRun('r1'))?.stop).toEqual(stop);
    // Back under the bound as the catch-up drops what it committed, segment by segment.
    expect(alarms.map((a) => a.state).slice(0, 2)).toEqual(['warning', 'full']);
    expect(alarms.at(-1)?.state).toBe('ok');
    expect(alarms.slice(2).map((a) => a.state)).not.toContain('full');
  });
});
