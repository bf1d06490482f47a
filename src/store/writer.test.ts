import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DC_STREAM, descriptor, interceptAppend, runStart, runStop, sequenceEvent, tempDir } from '../../tests/support/store-fixtures.js';
import { DocumentBus } from '../core/bus.js';
import { ScaledClock } from '../core/clock.js';
import type { Progress } from '../core/documents.js';
import { silentLogger } from '../core/logger.js';
import type { DocumentStore } from './document-store.js';
import { StoreError, isStoreError } from './errors.js';
import { openJournal, type Journal } from './journal/journal.js';
import { STORE_CONSUMER } from './journal/replay.js';
import { openSqliteStore, type SqliteDocumentStore } from './sqlite/sqlite-store.js';
import { StoreWriter, type CommittedBatch, type StoreWriterOptions } from './writer.js';

const stored = async (store: DocumentStore, runId: string) => (await store.listStreams(runId)).reduce((n, s) => n + s.count, 0);

describe('StoreWriter', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: SqliteDocumentStore;
  let bus: DocumentBus;

  beforeEach(async () => {
    vi.useFakeTimers();
    tmp = tempDir();
    store = await openSqliteStore(path.join(tmp.dir, 'lab.db'));
    bus = new DocumentBus(silentLogger);
  });
  afterEach(async () => {
    vi.useRealTimers();
    await store.close();
    tmp.remove();
  });

  function writerOn(target: DocumentStore, options: Partial<StoreWriterOptions> = {}) {
    const writer = new StoreWriter(bus, target, { logger: silentLogger, ...options });
    const commits: CommittedBatch[] = [];
    const failures: StoreError[] = [];
    writer.committed$.subscribe((c) => commits.push(c));
    writer.failures$.subscribe((e) => failures.push(e));
    return { writer, commits, failures };
  }

  it.each([0, 1, 120, 249, 250, 400])('commits an event published %i ms after start within 250 ms, not one by one', async (offsetMs) => {
    const { writer, commits } = writerOn(store);
    bus.publish(runStart('r1'));
    await vi.advanceTimersByTimeAsync(offsetMs);
    expect(commits).toHaveLength(1);
    bus.publish(descriptor('r1'));
    bus.publish(sequenceEvent('r1', 1));
    await vi.advanceTimersByTimeAsync(0);
    expect(commits).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(250);
    expect(commits[1]).toEqual({ documents: 2, lastSeq: { r1: { [DC_STREAM]: 1 } } });
    expect(await stored(store, 'r1')).toBe(1);
    await writer.close();
  });

  it('commits every event within 250 ms of lab time of its publication, whatever the schedule', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 8 }), async (gapsMs, maxBatch) => {
        bus = new DocumentBus(silentLogger);
        // Under fake timers a real-time ScaledClock runs on the fake clock: lab time is the timers' time.
        const clock = new ScaledClock(1);
        const { writer } = writerOn(store, { maxBatch });
        const runId = `run-${++runs}`;
        const committedAtNs: Array<{ lastSeq: number; atNs: bigint }> = [];
        writer.committed$.subscribe((c) => {
          const lastSeq = c.lastSeq[runId]?.[DC_STREAM];
          if (lastSeq !== undefined) committedAtNs.push({ lastSeq, atNs: clock.nowNs() });
        });
        bus.publish(runStart(runId, clock.nowNs()));
        bus.publish(descriptor(runId));
        const published = [];
        for (const [i, gapMs] of gapsMs.entries()) {
          await vi.advanceTimersByTimeAsync(gapMs);
          published.push({ ...sequenceEvent(runId, i + 1), timestampNs: clock.nowNs() });
          bus.publish(published.at(-1)!);
        }
        await vi.advanceTimersByTimeAsync(250);
        for (const event of published) {
          const commit = committedAtNs.find((c) => c.lastSeq >= event.seq);
          expect(commit, `event ${event.seq} committed`).toBeDefined();
          expect(commit!.atNs - event.timestampNs).toBeLessThanOrEqual(250_000_000n);
        }
        expect(await stored(store, runId)).toBe(gapsMs.length);
        await writer.close();
      }),
      { numRuns: 40 },
    );
  });

  it('commits run-start at once, and run-stop at once with the events before it in one batch', async () => {
    const { writer, commits } = writerOn(store);
    bus.publish(runStart('r1'));
    await vi.advanceTimersByTimeAsync(0);
    expect(commits).toEqual([{ documents: 1, lastSeq: {} }]);
    expect((await store.listRuns()).map((r) => r.runId)).toEqual(['r1']);

    bus.publish(descriptor('r1'));
    for (let seq = 1; seq <= 3; seq++) bus.publish(sequenceEvent('r1', seq));
    bus.publish(runStop('r1', { [DC_STREAM]: 3 }));
    await vi.advanceTimersByTimeAsync(0);
    expect(commits[1]).toEqual({ documents: 5, lastSeq: { r1: { [DC_STREAM]: 3 } } });
    expect(await store.getRun('r1')).toMatchObject({ exitStatus: 'success', events: 3 });
    await writer.close();
  });

  it('commits a full batch at once and keeps the rest for the window', async () => {
    const { writer, commits } = writerOn(store, { maxBatch: 5 });
    bus.publish(runStart('r1'));
    bus.publish(descriptor('r1'));
    for (let seq = 1; seq <= 12; seq++) bus.publish(sequenceEvent('r1', seq));
    await vi.advanceTimersByTimeAsync(0);
    expect(commits.map((c) => c.lastSeq.r1?.[DC_STREAM])).toEqual([undefined, 4, 9]);
    await vi.advanceTimersByTimeAsync(250);
    expect(commits.map((c) => c.documents)).toEqual([1, 5, 5, 3]);
    await writer.close();
  });

  it('does not store progress documents', async () => {
    const { writer } = writerOn(store);
    const progress: Progress = { kind: 'progress', runId: 'r1', timestampNs: 1n, phase: 'rest', step: 1, of: 3, etaS: null, message: 'resting' };
    bus.publish(runStart('r1'));
    bus.publish(progress);
    expect(await writer.close()).toEqual({ committed: 1, failed: 0, dropped: 0 });
  });

  it('commits the tail on flush() and close() without waiting for the window, and sees nothing after close', async () => {
    const { writer, commits } = writerOn(store);
    bus.publish(runStart('r1'));
    bus.publish(descriptor('r1'));
    for (let seq = 1; seq <= 4; seq++) bus.publish(sequenceEvent('r1', seq));
    await writer.flush();
    expect(await stored(store, 'r1')).toBe(4);
    for (let seq = 5; seq <= 7; seq++) bus.publish(sequenceEvent('r1', seq));

    let completed = false;
    writer.committed$.subscribe({ complete: () => (completed = true) });
    expect(await writer.close()).toEqual({ committed: 9, failed: 0, dropped: 0 });
    expect(await stored(store, 'r1')).toBe(7);
    expect(commits.at(-1)?.lastSeq).toEqual({ r1: { [DC_STREAM]: 7 } });
    expect(completed).toBe(true);

    bus.publish(sequenceEvent('r1', 8));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await stored(store, 'r1')).toBe(7);
  });

  it('commits the tail when the bus closes', async () => {
    const { writer } = writerOn(store);
    bus.publish(runStart('r1'));
    bus.publish(descriptor('r1'));
    bus.publish(sequenceEvent('r1', 1));
    bus.close();
    await vi.advanceTimersByTimeAsync(0);
    expect(await stored(store, 'r1')).toBe(1);
    expect(await writer.close()).toEqual({ committed: 3, failed: 0, dropped: 0 });
  });

  it('reports a failed write with its runs and seqs, and goes on with the next batch', async () => {
    let failNext = false;
    const flaky = interceptAppend(store, async () => {
      if (failNext) {
        failNext = false;
        throw new Error('disk I/O error');
      }
    });
    const { writer, failures } = writerOn(flaky);
    bus.publish(runStart('r1'));
    bus.publish(descriptor('r1'));
    await vi.advanceTimersByTimeAsync(250);
    failNext = true;
    bus.publish(sequenceEvent('r1', 1));
    bus.publish(sequenceEvent('r1', 2));
    await vi.advanceTimersByTimeAsync(250);
    expect(failures).toHaveLength(1);
    expect(isStoreError(failures[0], 'WRITE_FAILED')).toBe(true);
    expect(failures[0]?.context).toMatchObject({ documents: 2, runIds: ['r1'], lastSeq: { r1: { [DC_STREAM]: 2 } } });

    bus.publish(sequenceEvent('r1', 3));
    expect(await writer.close()).toEqual({ committed: 3, failed: 2, dropped: 0 });
    expect(await stored(store, 'r1')).toBe(1);
  });

  it('passes the store code through, e.g. UNKNOWN_RUN for a stream of a run never started', async () => {
    const { writer, failures } = writerOn(store);
    bus.publish(descriptor('never-started'));
    await writer.flush();
    expect(failures.map((e) => e.code)).toEqual(['UNKNOWN_RUN']);
    await writer.close();
  });

  it('refuses batches loudly when the queue is full, and accounts for every document', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow = interceptAppend(store, () => held);
    const { writer, failures } = writerOn(slow, { maxBatch: 10, maxQueued: 20 });
    bus.publish(runStart('r1'));
    bus.publish(descriptor('r1'));
    for (let seq = 1; seq <= 39; seq++) bus.publish(sequenceEvent('r1', seq));
    await vi.advanceTimersByTimeAsync(0);
    // Queued: run-start (1), then the descriptor and events 1-9 (10); the batches 10-19, 20-29 and 30-39 would exceed 20.
    expect(failures.map((e) => [e.code, e.context.lastSeq])).toEqual([
      ['QUEUE_FULL', { r1: { [DC_STREAM]: 19 } }],
      ['QUEUE_FULL', { r1: { [DC_STREAM]: 29 } }],
      ['QUEUE_FULL', { r1: { [DC_STREAM]: 39 } }],
    ]);
    release();
    expect(await writer.close()).toEqual({ committed: 11, failed: 0, dropped: 30 });
    expect(await stored(store, 'r1')).toBe(9);
  });

  it('refuses options that would make the queue unbounded or useless', () => {
    expect(() => new StoreWriter(bus, store, { logger: silentLogger, maxBatch: 10, maxQueued: 5 })).toThrow(RangeError);
    expect(() => new StoreWriter(bus, store, { logger: silentLogger, maxQueued: Infinity })).toThrow(RangeError);
    expect(() => new StoreWriter(bus, store, { logger: silentLogger, windowMs: 0 })).toThrow(RangeError);
  });
});

describe('StoreWriter with a journal', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: SqliteDocumentStore;
  let journal: Journal;
  let bus: DocumentBus;
  /** While true, every append fails as a store in an outage does. */
  let outage = false;
  let failing: DocumentStore;

  beforeEach(async () => {
    vi.useFakeTimers();
    tmp = tempDir();
    store = await openSqliteStore(path.join(tmp.dir, 'lab.db'));
    journal = await openJournal({ dir: path.join(tmp.dir, 'lab.db.journal'), consumers: [STORE_CONSUMER], logger: silentLogger, segmentBytes: 4_096 });
    bus = new DocumentBus(silentLogger, journal);
    outage = false;
    failing = interceptAppend(store, async () => {
      if (outage) throw new Error('disk I/O error');
    });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await journal.close();
    await store.close();
    tmp.remove();
  });

  function writerOn(target: DocumentStore, options: Partial<StoreWriterOptions> = {}) {
    const writer = new StoreWriter(bus, target, { logger: silentLogger, journal, ...options });
    const failures: StoreError[] = [];
    writer.failures$.subscribe((e) => failures.push(e));
    return { writer, failures };
  }
  const storedSeqs = async (runId = 'r1') => {
    const [data] = await store.queryEvents({ runId, stream: DC_STREAM });
    if (!data || data.downsampled) throw new Error('expected raw events');
    return data.seq;
  };
  const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

  it('acknowledges each commit, so the journal drops what is committed and a clean close leaves it empty', async () => {
    const { writer } = writerOn(store);
    bus.publish(runStart('r1'));
    bus.publish(descriptor('r1'));
    for (let seq = 1; seq <= 300; seq++) {
      bus.publish(sequenceEvent('r1', seq));
      if (seq % 50 === 0) await vi.advanceTimersByTimeAsync(250);
    }
    expect(journal.acknowledged(STORE_CONSUMER)).toBe(302);
    expect(journal.usage().segments).toBe(1);
    bus.publish(runStop('r1', { [DC_STREAM]: 300 }));
    await writer.close();
    await journal.close();
    expect(journal.usage()).toMatchObject({ segments: 0, consumers: { [STORE_CONSUMER]: { acknowledged: 303, behind: 0 } } });
    expect(await storedSeqs()).toEqual(upTo(300));
  });

  it('keeps everything through a store outage and commits it from the journal when the store is back, then goes live again', async () => {
    const { writer, failures } = writerOn(failing);
    bus.publish(runStart('r1'));
    bus.publish(descriptor('r1'));
    await vi.advanceTimersByTimeAsync(0);
    outage = true;
    for (let seq = 1; seq <= 120; seq++) {
      bus.publish(sequenceEvent('r1', seq));
      if (seq % 10 === 0) await vi.advanceTimersByTimeAsync(250);
    }
    // Retries every second go on failing: nothing reported as lost, the runs go on.
    await vi.advanceTimersByTimeAsync(5_000);
    await writer.flush();
    expect(failures).toEqual([]);
    expect(writer.status()).toMatchObject({ mode: 'catching-up', lastError: 'disk I/O error' });
    expect(await stored(store, 'r1')).toBe(0);
    // Only the run-start (committed at once, before the outage) is acknowledged.
    expect(journal.usage().consumers[STORE_CONSUMER]).toEqual({ acknowledged: 1, behind: 121 });

    outage = false;
    await vi.advanceTimersByTimeAsync(1_000);
    await writer.flush();
    expect(writer.status()).toMatchObject({ mode: 'live', lastError: null });
    expect(await storedSeqs()).toEqual(upTo(120));
    expect(journal.usage().consumers[STORE_CONSUMER]?.behind).toBe(0);

    for (let seq = 121; seq <= 130; seq++) bus.publish(sequenceEvent('r1', seq));
    await vi.advanceTimersByTimeAsync(250);
    expect(await storedSeqs()).toEqual(upTo(130));
    expect(await writer.close()).toEqual({ committed: 132, failed: 0, dropped: 0 });
  });

  it('survives a store that fails again in the middle of catching up', async () => {
    let appends = 0;
    const flaky = interceptAppend(store, async () => {
      if (outage && ++appends % 3 === 0) throw new Error('disk I/O error');
    });
    const { writer, failures } = writerOn(flaky, { maxBatch: 7 });
    outage = true;
    bus.publish(runStart('r1'));
    bus.publish(descriptor('r1'));
    for (let seq = 1; seq <= 200; seq++) {
      bus.publish(sequenceEvent('r1', seq));
      if (seq % 9 === 0) await vi.advanceTimersByTimeAsync(100);
    }
    for (let i = 0; i < 60 && writer.status().mode === 'catching-up'; i++) await vi.advanceTimersByTimeAsync(1_000).then(() => writer.flush());
    expect(writer.status().mode).toBe('live');
    expect(failures).toEqual([]);
    expect(await storedSeqs()).toEqual(upTo(200));
    await writer.close();
  });

  it('leaves a backlog past maxQueued to the journal instead of refusing it', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { writer, failures } = writerOn(interceptAppend(store, () => held), { maxBatch: 10, maxQueued: 20 });
    bus.publish(runStart('r1'));
    bus.publish(descriptor('r1'));
    for (let seq = 1; seq <= 39; seq++) bus.publish(sequenceEvent('r1', seq));
    await vi.advanceTimersByTimeAsync(0);
    expect(writer.status().mode).toBe('catching-up');
    release();
    await writer.flush();
    expect(failures).toEqual([]);
    expect(await storedSeqs()).toEqual(upTo(39));
    expect(await writer.close()).toEqual({ committed: 41, failed: 0, dropped: 0 });
  });

  it('leaves out only the documents the store refuses, reports them, and stores the rest of their batch', async () => {
    const { writer, failures } = writerOn(store);
    bus.publish(runStart('r1'));
    bus.publish(descriptor('r1'));
    for (let seq = 1; seq <= 10; seq++) {
      bus.publish(sequenceEvent('r1', seq));
      if (seq === 5) bus.publish({ ...sequenceEvent('r1', 1), descriptorId: 'r1/never-described', stream: 'pstat.ac' });
    }
    await writer.flush();
    expect(failures.map((e) => [e.code, e.context.documents, e.context.runIds])).toEqual([['UNKNOWN_STREAM', 1, ['r1']]]);
    expect(await storedSeqs()).toEqual(upTo(10));
    expect(journal.usage().consumers[STORE_CONSUMER]?.behind).toBe(0);
    expect(await writer.close()).toEqual({ committed: 12, failed: 1, dropped: 0 });
  });
});
