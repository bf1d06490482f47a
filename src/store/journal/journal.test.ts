import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectingLogger, DC_STREAM, descriptor, event, runStart, runStop, sequenceEvent, tempDir } from '../../../tests/support/store-fixtures.js';
import type { EventPage, Progress } from '../../core/documents.js';
import { silentLogger, type Logger } from '../../core/logger.js';
import { JOURNAL_DEFAULTS } from '../defaults.js';
import type { StoredDocument } from '../document-store.js';
import { isStoreError, type StoreError } from '../errors.js';
import { openJournal, type Journal, type JournalEntry, type JournalOptions, type JournalUsage } from './journal.js';
import { SEGMENT_MAGIC, scanRecords } from './record-codec.js';

/** Resolves after the journal's end-of-tick write (queued on process.nextTick before this). */
const endOfTick = () => new Promise<void>((resolve) => process.nextTick(resolve));

async function everything(journal: Journal, consumer = 'store', maxDocuments = 1_000): Promise<{ entries: JournalEntry[]; lasts: number[] }> {
  const entries: JournalEntry[] = [];
  const lasts: number[] = [];
  for await (const batch of journal.pending(consumer, maxDocuments)) {
    for (const e of batch.entries) entries.push(e);
    lasts.push(batch.last);
  }
  return { entries, lasts };
}

describe('Journal', () => {
  let tmp: ReturnType<typeof tempDir>;
  let dir: string;
  const open: Journal[] = [];

  const openAt = async (options: Partial<JournalOptions> & { logger?: Logger } = {}) => {
    const journal = await openJournal({ dir, consumers: ['store'], logger: silentLogger, ...options });
    open.push(journal);
    return journal;
  };
  const segments = () => readdirSync(dir).filter((f) => f.endsWith('.seg'));
  /** Appends `docs` one tick at a time, `perTick` each. */
  const appendInTicks = async (journal: Journal, docs: readonly StoredDocument[], perTick: number) => {
    for (let i = 0; i < docs.length; i += perTick) {
      for (const d of docs.slice(i, i + perTick)) journal.append(d);
      await endOfTick();
    }
  };
  const run = (events: number, runId = 'r1'): StoredDocument[] => [runStart(runId), descriptor(runId), ...Array.from({ length: events }, (_, i) => sequenceEvent(runId, i + 1))];

  beforeEach(() => {
    tmp = tempDir();
    dir = path.join(tmp.dir, 'lab.db.journal');
  });
  afterEach(async () => {
    for (const j of open.splice(0)) await j.close();
    tmp.remove();
  });

  it('writes the documents of a tick at the end of the tick, in one record', async () => {
    const journal = await openAt();
    const docs = run(100);
    for (const d of docs) journal.append(d);
    expect(journal.usage()).toMatchObject({ nextPosition: 103, writtenPosition: 0 });
    expect(segments()).toEqual([]);

    await endOfTick();
    expect(journal.usage().writtenPosition).toBe(102);
    const [file] = segments();
    const buf = readFileSync(path.join(dir, file!));
    expect(buf.subarray(0, SEGMENT_MAGIC.length)).toEqual(SEGMENT_MAGIC);
    const scan = scanRecords(buf, SEGMENT_MAGIC.length, 1, JOURNAL_DEFAULTS.maxRecordBytes);
    expect(scan.records.map((r) => [r.first, r.count])).toEqual([[1, 102]]);
    expect(scan.stop).toEqual({ kind: 'end' });
  });

  it('journals stored documents only, numbering them 1, 2, 3 in the order they come, and hands them on with their positions', async () => {
    const journal = await openAt();
    const fed: Array<[number | null, string]> = [];
    journal.appended$.subscribe(({ position, document }) => fed.push([position, document.kind]));
    const progress: Progress = { kind: 'progress', runId: 'r1', timestampNs: 1n, phase: 'rest', step: 1, of: 2, etaS: null, message: '' };
    const page: EventPage = { kind: 'event-page', runId: 'r1', descriptorId: 'd', stream: DC_STREAM, seq: [1], timestampsNs: [1n], data: {}, flags: [0] };
    const start = runStart('r1');
    expect(journal.append(start)).toBe(1);
    expect(journal.append(progress)).toBeNull();
    expect(journal.append(page)).toBeNull();
    const stop = runStop('r1', {});
    expect(journal.append(stop)).toBe(2);
    expect(fed).toEqual([
      [1, 'run-start'],
      [2, 'run-stop'],
    ]);
    expect(journal.lastPosition()).toBe(2);
  });

  it('gives back exactly what it holds after a reopen, typed arrays and bigints included', async () => {
    const first = await openAt();
    const spectrum = event('r1', 1, { counts: Uint32Array.from([0, 7, 4_294_967_295]), live: -0, dead: Number.NaN }, 5n, 'mca.spectrum');
    const docs = [...run(30), spectrum, runStop('r1', { [DC_STREAM]: 30 })];
    await appendInTicks(first, docs, 7);
    await first.close();
    expect(segments()).toHaveLength(1);

    const second = await openAt();
    const { entries, lasts } = await everything(second, 'store', 10);
    expect(entries.map((e) => e.position)).toEqual(docs.map((_, i) => i + 1));
    expect(entries.map((e) => e.document)).toEqual(docs);
    expect(lasts).toEqual([10, 20, 30, 34]);
    expect(second.usage()).toMatchObject({ nextPosition: 35, writtenPosition: 34, oldestPosition: 1, cutBytes: 0 });
  });

  it('rotates segments, drops those every consumer has acknowledged, and leaves nothing after a clean close', async () => {
    const journal = await openAt({ consumers: ['store', 'influx'], segmentBytes: 2_048 });
    await appendInTicks(journal, run(200), 20);
    const files = segments();
    expect(files.length).toBeGreaterThan(3);
    const firsts = files.map((f) => Number(f.slice(0, 16)));
    expect(firsts[0]).toBe(1);

    journal.acknowledge('store', 202);
    expect(segments()).toEqual(files);
    // The second consumer follows its own acknowledgements: the first segment goes once it is past it.
    journal.acknowledge('influx', firsts[1]! - 1);
    expect(segments()).toEqual(files.slice(1));
    expect(journal.usage().consumers).toEqual({ store: { acknowledged: 202, behind: 0 }, influx: { acknowledged: firsts[1]! - 1, behind: 202 - firsts[1]! + 1 } });
    const { entries } = await everything(journal, 'influx');
    expect(entries[0]?.position).toBe(firsts[1]);

    journal.acknowledge('influx', 202);
    // The segment being written stays until it is sealed.
    expect(segments()).toEqual(files.slice(-1));
    await journal.close();
    expect(segments()).toEqual([]);
    expect(() => journal.acknowledge('nobody', 1)).toThrow(RangeError);
  });

  it('refuses to acknowledge a position it never gave out', async () => {
    const journal = await openAt();
    journal.append(runStart('r1'));
    expect(() => journal.acknowledge('store', 2)).toThrow(RangeError);
  });

  it.each([
    ['a record half written', (file: string) => truncateSync(file, statSync(file).size - 9)],
    ['a tail of zeros (pages the disk did not write before a power cut)', (file: string) => writeFileSync(file, Buffer.alloc(4096), { flag: 'a' })],
  ])('cuts a torn tail at reopen (%s), reports it, and goes on after the last sound record', async (_what, tear) => {
    const first = await openAt();
    await appendInTicks(first, run(28), 10);
    await first.close();
    const [file] = segments();
    const sizeBefore = statSync(path.join(dir, file!)).size;
    tear(path.join(dir, file!));

    const { logger, logs } = collectingLogger();
    const second = await openAt({ logger });
    const lost = sizeBefore - statSync(path.join(dir, file!)).size;
    expect(logs.warn).toEqual([{ obj: expect.objectContaining({ cutBytes: expect.any(Number) }), msg: expect.stringMatching(/torn tail/) }]);
    expect(second.usage().cutBytes).toBe((logs.warn[0]!.obj as { cutBytes: number }).cutBytes);
    const kept = lost > 0 ? 20 : 30;
    const { entries } = await everything(second);
    expect(entries.map((e) => e.position)).toEqual(Array.from({ length: kept }, (_, i) => i + 1));

    // New documents take the next positions, in a new segment.
    expect(second.append(sequenceEvent('r1', 99))).toBe(kept + 1);
    await endOfTick();
    expect(segments()).toEqual([file, `${String(kept + 1).padStart(16, '0')}.seg`]);
    await second.close();
    const third = await openAt();
    expect((await everything(third)).entries.map((e) => e.position)).toEqual(Array.from({ length: kept + 1 }, (_, i) => i + 1));
  });

  it('reads past a damaged record: the rest of its segment is cut and reported, the next segments follow', async () => {
    const first = await openAt({ segmentBytes: 1_024 });
    // Three events a tick: records short enough to stay plain documents, several to a segment.
    await appendInTicks(first, run(60), 3);
    await first.close();
    const files = segments();
    expect(files.length).toBeGreaterThanOrEqual(3);
    const damagedFile = path.join(dir, files[0]!);
    const bytes = readFileSync(damagedFile);
    const records = scanRecords(bytes, SEGMENT_MAGIC.length, 1, JOURNAL_DEFAULTS.maxRecordBytes).records;
    expect(records.length).toBeGreaterThanOrEqual(2);
    bytes[records[1]!.offset + 30]! ^= 0x40;
    writeFileSync(damagedFile, bytes);

    const { logger, logs } = collectingLogger();
    const second = await openAt({ logger });
    const { entries, lasts } = await everything(second);
    const secondSegmentFirst = Number(files[1]!.slice(0, 16));
    const expected = [...Array.from({ length: records[0]!.count }, (_, i) => i + 1), ...Array.from({ length: 62 - secondSegmentFirst + 1 }, (_, i) => secondSegmentFirst + i)];
    expect(entries.map((e) => e.position)).toEqual(expected);
    expect(lasts.at(-1)).toBe(62);
    expect(logs.error).toEqual([{ obj: expect.objectContaining({ reason: 'checksum mismatch', file: damagedFile }), msg: expect.stringMatching(/damaged record/) }]);
    expect(second.usage().cutBytes).toBe(bytes.length - records[1]!.offset);
    second.acknowledge('store', 62);
    expect(segments()).toEqual([]);
  });

  it('refuses to open a directory holding a file named as a segment that is not one, and leaves it alone', async () => {
    mkdirSync(dir, { recursive: true });
    const foreign = path.join(dir, '0000000000000001.seg');
    writeFileSync(foreign, 'SQLite format 3\0 and more');
    const opened = openJournal({ dir, consumers: ['store'], logger: silentLogger });
    await expect(opened).rejects.toSatisfy((e: unknown) => isStoreError(e, 'JOURNAL_DAMAGED'));
    expect(readFileSync(foreign, 'utf8')).toBe('SQLite format 3\0 and more');
  });

  it('warns near its bound, refuses at it (one report per run), keeps taking run-stops, and recovers once acknowledged', async () => {
    const journal = await openAt({ maxBytes: 40_000, segmentBytes: 4_000 });
    const alarms: JournalUsage[] = [];
    const refusals: StoreError[] = [];
    journal.alarm$.subscribe((u) => alarms.push(u));
    journal.refusals$.subscribe((e) => refusals.push(e));
    journal.append(runStart('r1'));
    journal.append(runStart('r2'));
    let seq = 0;
    let refusedAt: number | null = null;
    while (refusedAt === null && seq < 10_000) {
      for (let i = 0; i < 10; i++) {
        const position = journal.append(sequenceEvent('r1', ++seq));
        if (position === null) {
          refusedAt ??= seq;
          break;
        }
        if (alarms.length === 0) expect(refusals).toEqual([]);
      }
      await endOfTick();
    }
    expect(refusedAt).not.toBeNull();
    expect(alarms.map((a) => a.state)).toEqual(['warning', 'full']);
    expect(alarms[0]!.bytes).toBeGreaterThanOrEqual(32_000);
    expect(alarms[0]!.bytes).toBeLessThan(40_000);
    expect(refusals.map((e) => [e.code, (e.context.runIds as string[])[0]])).toEqual([['JOURNAL_FULL', 'r1']]);

    expect(journal.append(sequenceEvent('r1', seq + 1))).toBeNull();
    expect(journal.append(sequenceEvent('r2', 1))).toBeNull();
    expect(refusals.map((e) => [e.code, (e.context.runIds as string[])[0]])).toEqual([
      ['JOURNAL_FULL', 'r1'],
      ['JOURNAL_FULL', 'r2'],
    ]);
    const fed: Array<number | null> = [];
    journal.appended$.subscribe(({ position }) => fed.push(position));
    expect(journal.append(runStop('r1', { [DC_STREAM]: seq }))).toBe(journal.lastPosition());
    expect(journal.append(sequenceEvent('r1', seq + 2))).toBeNull();
    expect(fed).toEqual([journal.lastPosition(), null]);
    expect(journal.usage().refused).toBe(4);

    journal.acknowledge('store', journal.lastPosition());
    await endOfTick();
    expect(alarms.map((a) => a.state)).toEqual(['warning', 'full', 'ok']);
    expect(journal.append(runStart('r3'))).not.toBeNull();
  });

  it('follows what is appended while a consumer reads', async () => {
    const journal = await openAt({ segmentBytes: 1_024 });
    await appendInTicks(journal, run(20), 5);
    const seen: number[] = [];
    let more = 30;
    for await (const batch of journal.pending('store', 8)) {
      for (const e of batch.entries) seen.push(e.position);
      while (more < 40) journal.append(sequenceEvent('r1', ++more));
    }
    expect(seen).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
  });

  it('is durable once synced: sync() brings the synced position up to the written one', async () => {
    const journal = await openAt();
    await appendInTicks(journal, run(10), 4);
    await journal.sync();
    expect(journal.usage()).toMatchObject({ writtenPosition: 12, syncedPosition: 12 });
  });

  it('keeps records in memory while its file cannot be written, serves them to consumers, and writes them when it can', async () => {
    const { logger, logs } = collectingLogger();
    const journal = await openAt({ logger });
    const states: string[] = [];
    journal.alarm$.subscribe((u) => states.push(u.state));
    // The directory gone: the segment cannot be created.
    rmSync(dir, { recursive: true });
    const docs = run(5);
    await appendInTicks(journal, docs, 10);
    expect(journal.usage()).toMatchObject({ state: 'failing', writtenPosition: 0, lastError: expect.stringMatching(/ENOENT/) });
    expect(logs.error[0]?.msg).toMatch(/write failed/);
    expect((await everything(journal)).entries.map((e) => e.document)).toEqual(docs);

    mkdirSync(dir);
    journal.append(sequenceEvent('r1', 6));
    await endOfTick();
    expect(journal.usage()).toMatchObject({ state: 'ok', writtenPosition: 8, lastError: null });
    expect(states).toEqual(['failing', 'ok']);
    await journal.close();
    const reopened = await openAt();
    expect((await everything(reopened)).entries.map((e) => e.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
