import { close as closeFd, fsync, ftruncateSync, openSync, unlinkSync, writeSync, writevSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import { Subject, type Observable } from 'rxjs';
import type { PublishJournal } from '../../core/bus.js';
import type { Document } from '../../core/documents.js';
import { errorMessage } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { JOURNAL_DEFAULTS } from '../defaults.js';
import { isStoredDocument, type StoredDocument } from '../document-store.js';
import { StoreError } from '../errors.js';
import { SEGMENT_MAGIC, decodeRecord, encodeRecord, scanRecords, type JournalSlot, type ScannedRecord } from './record-codec.js';
import { listSegments, readRange, recoverNewestSegment, segmentPath, syncDirectory } from './segment-files.js';

const fsyncFd = promisify(fsync);
const closeFdAsync = promisify(closeFd);

/**
 * Where a document sits in the journal: 1, 2, 3, ... in publication order,
 * without gaps, for the lifetime of the journal's files (a journal emptied at
 * start-up may start again from where its newest segment ended).
 */
export type JournalPosition = number;

export interface JournalEntry {
  readonly position: JournalPosition;
  readonly document: StoredDocument;
}

/** A document as the journal takes it in: its position, or null when it was refused. */
export interface AppendedDocument {
  readonly position: JournalPosition | null;
  readonly document: StoredDocument;
}

/** Consecutive journaled documents, for a consumer to store and then acknowledge. */
export interface JournalBatch {
  readonly entries: readonly JournalEntry[];
  /** The last position the batch covers (a hole, where a document was refused, included): acknowledge it once the batch is stored. */
  readonly last: JournalPosition;
}

/** `warning`: past warnFraction of the bound; `full`: at the bound, documents refused; `failing`: the file cannot be written or synced. */
export type JournalState = 'ok' | 'warning' | 'full' | 'failing';

export interface JournalUsage {
  readonly state: JournalState;
  /** On disk, plus encoded and waiting for a write. */
  readonly bytes: number;
  readonly maxBytes: number;
  readonly warnBytes: number;
  readonly segments: number;
  /** The oldest position the journal still holds (== nextPosition when it holds none). */
  readonly oldestPosition: JournalPosition;
  /** The position the next document gets. */
  readonly nextPosition: JournalPosition;
  /** The last position written to the file (the OS holds it: it survives a crash of the process). */
  readonly writtenPosition: JournalPosition;
  /** The last position fsynced (on a disk that honours fsync it survives a power cut). */
  readonly syncedPosition: JournalPosition;
  /** Each consumer's acknowledged position and how many positions it is behind. */
  readonly consumers: Readonly<Record<string, { readonly acknowledged: JournalPosition; readonly behind: number }>>;
  /** Documents refused since the journal opened (at the bound, or impossible to encode). */
  readonly refused: number;
  /** Bytes of damaged or torn records cut since the journal opened. */
  readonly cutBytes: number;
  readonly lastError: string | null;
}

export interface JournalOptions {
  readonly dir: string;
  /** Who acknowledges: a segment is dropped once every one of them has acknowledged all of it. */
  readonly consumers: readonly string[];
  readonly logger: Logger;
  readonly maxBytes?: number;
  readonly segmentBytes?: number;
  readonly fsyncIntervalMs?: number;
  readonly fsyncBytes?: number;
  readonly maxRecordDocuments?: number;
}

/** A segment file as the journal tracks it. */
interface Segment {
  readonly first: JournalPosition;
  readonly path: string;
  /** Readable bytes: written and sound. */
  bytes: number;
  /** The last position it holds (first - 1 while it holds none). */
  last: JournalPosition;
  /** Open while it is the segment being written. */
  fd: number | null;
}

/** The journal's directory beside its store file (`lab.db` -> `lab.db.journal/`). */
export function journalDirOf(storePath: string): string {
  return `${storePath}.journal`;
}

/**
 * Opens (creating) a journal directory. The newest segment, the one a crash
 * may have torn, is cut at its last sound record (reported); the journal
 * then writes into a new segment, so files once closed are never written again.
 */
export async function openJournal(options: JournalOptions): Promise<Journal> {
  const maxRecordBytes = JOURNAL_DEFAULTS.maxRecordBytes;
  await mkdir(options.dir, { recursive: true });
  const files = await listSegments(options.dir);
  const segments: Segment[] = files.map((f, i) => ({ first: f.first, path: f.path, bytes: f.bytes, last: (files[i + 1]?.first ?? f.first) - 1, fd: null }));
  let cutBytes = 0;
  const newest = files.at(-1);
  let nextPosition = newest?.first ?? 1;
  if (newest) {
    const recovered = await recoverNewestSegment(newest, maxRecordBytes);
    cutBytes = recovered.cutBytes;
    if (recovered.cutBytes > 0) {
      options.logger.warn(
        { file: newest.path, cutBytes, stop: recovered.stop, records: recovered.records },
        'journal: cut a torn tail after a crash (a record the process was writing when it died)',
      );
    }
    segments.pop();
    if (recovered.records > 0) {
      segments.push({ first: newest.first, path: newest.path, bytes: recovered.file.bytes, last: newest.first + recovered.records - 1, fd: null });
    }
    nextPosition = newest.first + recovered.records;
  }
  return new Journal(options, segments, nextPosition, cutBytes);
}

/**
 * The write-ahead journal in front of the store (and, later, the spool a
 * network store replays from). The bus hands it every stored document before
 * any consumer sees it (`append`: an in-memory append). At the end of the
 * current tick (process.nextTick: after the code that published and its
 * promise continuations, before any other timer, I/O or immediate callback)
 * the tick's documents are encoded as records and written to the newest
 * segment file in one write; written data is fsynced off the event loop within
 * fsyncIntervalMs (or sooner past fsyncBytes).
 *
 * Consumers (the store writer, later a network store) acknowledge positions
 * once they have stored them; a segment every consumer has acknowledged is
 * deleted. A consumer that falls behind reads the journal back (`pending`).
 * Acknowledgements are kept in memory only: after a restart every consumer
 * starts again from the oldest record, which is why consumers must be
 * idempotent (the SQLite store is).
 *
 * Bounded: past warnFraction of maxBytes the state is `warning`; at maxBytes
 * documents are refused (run-stops excepted, so an aborted run still ends with
 * its reason), each refused run reported once on refusals$. Nothing is dropped
 * without a report.
 */
export class Journal implements PublishJournal {
  private readonly alarmSubject = new Subject<JournalUsage>();
  private readonly refusalSubject = new Subject<StoreError>();
  private readonly appendedSubject = new Subject<AppendedDocument>();
  private readonly acked = new Map<string, JournalPosition>();
  private readonly maxBytes: number;
  private readonly warnBytes: number;
  private readonly segmentBytes: number;
  private readonly fsyncIntervalMs: number;
  private readonly fsyncBytes: number;
  private readonly maxRecordDocuments: number;
  private readonly logger: Logger;
  private active: Segment | null = null;
  /** Appended this tick, not yet encoded (fewer than maxRecordDocuments): positions nextPosition - pending.length .. nextPosition - 1. */
  private pendingDocs: StoredDocument[] = [];
  /** Encoded records (header and payload buffers) waiting for a write: one tick's, or more while the file cannot be written. */
  private unwritten: Buffer[] = [];
  private unwrittenBytes = 0;
  private written: JournalPosition;
  private synced: JournalPosition;
  private diskBytes = 0;
  private flushScheduled = false;
  private unsyncedBytes = 0;
  /** Descriptors of sealed segments waiting for their last fsync before they are closed. */
  private toClose: number[] = [];
  private directoryDirty = false;
  private syncTimer: NodeJS.Timeout | null = null;
  private syncing: Promise<void> | null = null;
  private writeError: string | null = null;
  private syncError: string | null = null;
  private state: JournalState = 'ok';
  private refused = 0;
  /** Runs already reported refused since the state last left full or failing: one report per run and episode. */
  private readonly refusedRuns = new Set<string>();
  /** Set once close() has written what it holds: nothing is taken or written afterwards. */
  private closed = false;
  private closing: Promise<void> | null = null;

  /** The usage each time the state changes (ok, warning, full, failing). */
  readonly alarm$: Observable<JournalUsage> = this.alarmSubject.asObservable();
  /**
   * Every stored document as it is taken in, with its position (null when
   * refused), synchronously inside `append`, in journal order: the feed of an
   * in-process consumer (the store writer), which reads the journal back only
   * when it falls behind. Completes when the journal closes.
   */
  readonly appended$: Observable<AppendedDocument> = this.appendedSubject.asObservable();
  /** A refused document's run, once per run while the journal stays full or failing: JOURNAL_FULL or JOURNAL_WRITE_FAILED with `runIds: [runId]`. */
  readonly refusals$: Observable<StoreError> = this.refusalSubject.asObservable();

  constructor(
    private readonly options: JournalOptions,
    private readonly segments: Segment[],
    private nextPosition: JournalPosition,
    private cutBytes: number,
  ) {
    this.logger = options.logger;
    this.maxBytes = options.maxBytes ?? JOURNAL_DEFAULTS.maxBytes;
    this.warnBytes = Math.floor(this.maxBytes * JOURNAL_DEFAULTS.warnFraction);
    this.segmentBytes = options.segmentBytes ?? Math.min(JOURNAL_DEFAULTS.segmentBytes, Math.floor(this.maxBytes / JOURNAL_DEFAULTS.segmentsPerBound));
    this.fsyncIntervalMs = options.fsyncIntervalMs ?? JOURNAL_DEFAULTS.fsyncIntervalMs;
    this.fsyncBytes = options.fsyncBytes ?? JOURNAL_DEFAULTS.fsyncBytes;
    this.maxRecordDocuments = options.maxRecordDocuments ?? JOURNAL_DEFAULTS.maxRecordDocuments;
    for (const [name, value] of Object.entries({ maxBytes: this.maxBytes, segmentBytes: this.segmentBytes, maxRecordDocuments: this.maxRecordDocuments })) {
      if (!(Number.isSafeInteger(value) && value >= 1)) throw new RangeError(`journal ${name} must be a positive integer, got ${value}`);
    }
    if (!(this.fsyncIntervalMs > 0 && this.fsyncBytes > 0)) throw new RangeError('journal fsyncIntervalMs and fsyncBytes must be > 0');
    if (options.consumers.length === 0) throw new RangeError('a journal needs at least one consumer, or it would never drop anything');
    this.written = nextPosition - 1;
    this.synced = this.written;
    const oldest = segments[0]?.first ?? nextPosition;
    for (const consumer of options.consumers) this.acked.set(consumer, oldest - 1);
    for (const s of segments) this.diskBytes += s.bytes;
    this.updateState();
  }

  /**
   * Takes a document in (progress and event pages are not journaled: null).
   * Synchronous and cheap: the write comes at the end of the tick. Returns
   * its position, or null when it is refused (reported on refusals$). Never
   * throws: the publisher goes on.
   */
  append(doc: Document): JournalPosition | null {
    if (!isStoredDocument(doc)) return null;
    const position = this.take(doc);
    this.appendedSubject.next({ position, document: doc });
    return position;
  }

  private take(doc: StoredDocument): JournalPosition | null {
    if (this.closed) {
      this.refuse(doc, 'JOURNAL_WRITE_FAILED', 'the journal is closed');
      return null;
    }
    if (doc.kind !== 'run-stop') {
      if (this.bytes() >= this.maxBytes) {
        this.refuse(doc, 'JOURNAL_FULL', `the journal is full (${this.bytes()} of ${this.maxBytes} bytes): the store is not taking documents`);
        return null;
      }
      if (this.unwrittenBytes >= JOURNAL_DEFAULTS.maxUnwrittenBytes) {
        this.refuse(doc, 'JOURNAL_WRITE_FAILED', `the journal cannot write its file (${this.writeError ?? 'unknown error'}) and holds ${this.unwrittenBytes} bytes in memory`);
        return null;
      }
    }
    this.pendingDocs.push(doc);
    // A burst within one tick is encoded a record at a time, so it counts against the bound at once and memory holds bytes, not objects.
    if (this.pendingDocs.length >= this.maxRecordDocuments) this.encodePending();
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(() => this.flush());
    }
    return this.nextPosition++;
  }

  /** The last position given out (0 before the first). */
  lastPosition(): JournalPosition {
    return this.nextPosition - 1;
  }

  acknowledged(consumer: string): JournalPosition {
    const position = this.acked.get(consumer);
    if (position === undefined) throw new RangeError(`journal consumer ${consumer} is not one of ${this.options.consumers.join(', ')}`);
    return position;
  }

  /** `consumer` has stored everything up to `position`: segments every consumer has acknowledged are deleted. */
  acknowledge(consumer: string, position: JournalPosition): void {
    const known = this.acknowledged(consumer);
    if (position >= this.nextPosition) throw new RangeError(`cannot acknowledge position ${position}: the journal has given out positions up to ${this.nextPosition - 1}`);
    if (position <= known) return;
    this.acked.set(consumer, position);
    this.dropAcknowledged();
  }

  /**
   * What the journal holds beyond `consumer`'s acknowledgement, oldest first,
   * in batches of about `maxDocuments`, up to what was appended when the
   * iteration reaches it (it follows appends made while it reads). Reading
   * does not acknowledge. A damaged record ends its segment: what follows in
   * that segment is cut (logged, counted in cutBytes) and reading goes on
   * with the next segment.
   */
  async *pending(consumer: string, maxDocuments: number): AsyncGenerator<JournalBatch> {
    const from = this.acknowledged(consumer) + 1;
    let entries: JournalEntry[] = [];
    let yielded = from - 1;
    let last = yielded;
    for await (const record of this.records(from)) {
      for (let i = Math.max(0, from - record.first); i < record.slots.length; i++) {
        const document = record.slots[i];
        if (document) entries.push({ position: record.first + i, document });
        if (entries.length >= maxDocuments) {
          yield { entries, last: record.first + i };
          yielded = record.first + i;
          entries = [];
        }
      }
      last = record.last;
    }
    if (last > yielded) yield { entries, last };
  }

  usage(): JournalUsage {
    const consumers: Record<string, { acknowledged: JournalPosition; behind: number }> = {};
    for (const [name, acknowledged] of this.acked) consumers[name] = { acknowledged, behind: this.nextPosition - 1 - acknowledged };
    return {
      state: this.state,
      bytes: this.bytes(),
      maxBytes: this.maxBytes,
      warnBytes: this.warnBytes,
      segments: this.segments.length,
      oldestPosition: this.segments[0]?.first ?? this.written + 1,
      nextPosition: this.nextPosition,
      writtenPosition: this.written,
      syncedPosition: this.synced,
      consumers,
      refused: this.refused,
      cutBytes: this.cutBytes,
      lastError: this.writeError ?? this.syncError,
    };
  }

  /**
   * Encodes what was appended and writes it now (normally at the end of the
   * tick). A write that fails leaves the records in memory (bounded by
   * maxUnwrittenBytes) for the next flush, and the state `failing`.
   */
  flush(): void {
    this.flushScheduled = false;
    this.encodePending();
    if (this.unwritten.length === 0 || this.closed) return;
    const length = this.unwrittenBytes;
    const lastPosition = this.nextPosition - 1;
    let segment: Segment | null = null;
    try {
      segment = this.segmentForWrite();
      writeAll(segment.fd!, this.unwritten, length);
    } catch (e) {
      if (segment) this.abandonPartialWrite(segment);
      this.writeError = errorMessage(e);
      this.logger.error({ dir: this.options.dir, err: this.writeError, unwrittenBytes: this.unwrittenBytes }, 'journal: write failed; the records wait in memory and are written at the next tick');
      this.updateState();
      return;
    }
    segment.bytes += length;
    segment.last = lastPosition;
    this.diskBytes += length;
    this.written = lastPosition;
    this.unwritten = [];
    this.unwrittenBytes = 0;
    this.writeError = null;
    this.unsyncedBytes += length;
    this.scheduleSync();
    this.updateState();
  }

  /** Fsyncs everything written so far: sealed segments (then closed), the newest segment, the directory. */
  async sync(): Promise<void> {
    while (this.syncing) await this.syncing;
    if (this.unsyncedBytes === 0 && this.toClose.length === 0 && !this.directoryDirty) return;
    this.syncing = this.syncPass().finally(() => {
      this.syncing = null;
    });
    await this.syncing;
    if (this.unsyncedBytes > 0 || this.toClose.length > 0 || this.directoryDirty) this.scheduleSync();
  }

  /**
   * Writes and fsyncs what is held, closes the files, and deletes the segments
   * every consumer has acknowledged: after a clean shutdown with the store up
   * to date the directory is empty. Documents appended afterwards are refused.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.flush();
    this.closed = true;
    if (this.unwrittenBytes > 0) {
      this.logger.error({ dir: this.options.dir, bytes: this.unwrittenBytes, err: this.writeError }, 'journal: closed with records it could not write; they are lost');
    }
    if (this.syncTimer) clearTimeout(this.syncTimer);
    this.syncTimer = null;
    if (this.active) this.seal(this.active);
    await this.sync();
    this.dropAcknowledged();
    this.alarmSubject.complete();
    this.refusalSubject.complete();
    this.appendedSubject.complete();
  }

  private bytes(): number {
    return this.diskBytes + this.unwrittenBytes;
  }

  /** Turns the tick's documents into records of at most maxRecordDocuments each. */
  private encodePending(): void {
    if (this.pendingDocs.length === 0) return;
    const docs = this.pendingDocs;
    this.pendingDocs = [];
    const first = this.nextPosition - docs.length;
    for (let i = 0; i < docs.length; i += this.maxRecordDocuments) this.encodeSlots(first + i, docs.slice(i, i + this.maxRecordDocuments));
  }

  /**
   * One record, or, when that fails (a document v8 cannot serialise) or is
   * longer than maxRecordBytes, two halves: only a document that cannot be
   * encoded alone becomes a hole (refused, reported).
   */
  private encodeSlots(first: JournalPosition, slots: JournalSlot[]): void {
    let record: [Buffer, Buffer] | null = null;
    let problem = '';
    try {
      record = encodeRecord(first, slots);
      if (record[1].length > JOURNAL_DEFAULTS.maxRecordBytes) {
        problem = `it encodes to ${record[1].length} bytes, more than ${JOURNAL_DEFAULTS.maxRecordBytes}`;
        record = null;
      }
    } catch (e) {
      problem = errorMessage(e);
    }
    if (record) {
      this.unwritten.push(record[0], record[1]);
      this.unwrittenBytes += record[0].length + record[1].length;
      return;
    }
    if (slots.length > 1) {
      const half = Math.ceil(slots.length / 2);
      this.encodeSlots(first, slots.slice(0, half));
      this.encodeSlots(first + half, slots.slice(half));
      return;
    }
    const doc = slots[0];
    if (doc) this.refuse(doc, 'JOURNAL_WRITE_FAILED', `the document cannot be journaled: ${problem}`);
    this.encodeSlots(first, [null]);
  }

  /** The segment to write into: the newest, or a new one once the newest has reached segmentBytes. */
  private segmentForWrite(): Segment {
    if (this.active && this.active.bytes < this.segmentBytes) return this.active;
    if (this.active) this.seal(this.active);
    const first = this.written + 1;
    const file = segmentPath(this.options.dir, first);
    // 'wx': a new file, never one left behind (positions only grow, so names do not repeat).
    const fd = openSync(file, 'wx');
    const segment: Segment = { first, path: file, bytes: 0, last: first - 1, fd };
    this.segments.push(segment);
    this.active = segment;
    this.directoryDirty = true;
    try {
      writeSync(fd, SEGMENT_MAGIC);
    } catch (e) {
      this.abandonPartialWrite(segment);
      throw e;
    }
    segment.bytes = SEGMENT_MAGIC.length;
    this.diskBytes += SEGMENT_MAGIC.length;
    return segment;
  }

  /**
   * After a failed write: cuts what part of it reached the file, so no half
   * record sits before the next one, and seals the segment; the next write
   * goes to a new file. A cut that fails too is left to the scan at the next
   * start (it stops at the last sound record).
   */
  private abandonPartialWrite(segment: Segment): void {
    try {
      ftruncateSync(segment.fd!, segment.bytes);
    } catch (e) {
      this.logger.error({ file: segment.path, err: errorMessage(e) }, 'journal: cannot cut a partial write; the next start cuts it');
    }
    this.seal(segment);
    if (segment.last >= segment.first || !this.segments.includes(segment)) return;
    // Holding no record, it goes: the next segment starts at the same position, under the same name.
    this.segments.splice(this.segments.indexOf(segment), 1);
    this.diskBytes -= segment.bytes;
    try {
      unlinkSync(segment.path);
    } catch (e) {
      this.logger.error({ file: segment.path, err: errorMessage(e) }, 'journal: cannot delete an empty segment');
    }
  }

  /** The segment is written no more: its descriptor waits for a last fsync, then closes. */
  private seal(segment: Segment): void {
    if (this.active === segment) this.active = null;
    if (segment.fd !== null) this.toClose.push(segment.fd);
    segment.fd = null;
    this.scheduleSync();
    this.dropAcknowledged();
  }

  private scheduleSync(): void {
    if (this.unsyncedBytes >= this.fsyncBytes) {
      void this.sync();
      return;
    }
    if (this.syncTimer || this.closed) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = null;
      void this.sync();
    }, this.fsyncIntervalMs);
    // The journal does not keep a process alive; close() syncs what is left.
    this.syncTimer.unref();
  }

  private async syncPass(): Promise<void> {
    if (this.syncTimer) clearTimeout(this.syncTimer);
    this.syncTimer = null;
    this.unsyncedBytes = 0;
    const sealed = this.toClose.splice(0);
    const directory = this.directoryDirty;
    this.directoryDirty = false;
    const activeFd = this.active?.fd ?? null;
    const written = this.written;
    try {
      for (const fd of sealed) {
        try {
          await fsyncFd(fd);
        } finally {
          await closeFdAsync(fd);
        }
      }
      if (activeFd !== null) await fsyncFd(activeFd);
      if (directory) await syncDirectory(this.options.dir);
      this.synced = written;
      this.syncError = null;
    } catch (e) {
      this.syncError = `fsync failed: ${errorMessage(e)}`;
      this.logger.error({ dir: this.options.dir, err: this.syncError }, 'journal: fsync failed; what was written may not survive a power cut');
    }
    this.updateState();
  }

  /** Deletes the sealed segments every consumer has acknowledged, oldest first. */
  private dropAcknowledged(): void {
    let through = Infinity;
    for (const position of this.acked.values()) through = Math.min(through, position);
    while (this.segments.length > 0) {
      const oldest = this.segments[0]!;
      if (oldest === this.active || oldest.last > through) break;
      this.segments.shift();
      this.diskBytes -= oldest.bytes;
      try {
        unlinkSync(oldest.path);
      } catch (e) {
        // Left on disk it is replayed once more at the next start, which the store ignores.
        this.logger.error({ file: oldest.path, err: errorMessage(e) }, 'journal: cannot delete an acknowledged segment');
      }
    }
    this.updateState();
  }

  /**
   * The sound records from position `from` on (the first may start before
   * it), up to what was appended when the iteration reaches the end. Each
   * item says the last position it accounts for: a segment cut by damage
   * yields an empty item that passes over the positions it lost. Segments are
   * read from their files up to their written end; records the file could not
   * take yet (a failing disk) are read from memory.
   */
  private async *records(from: JournalPosition): AsyncGenerator<{ first: JournalPosition; slots: JournalSlot[]; last: JournalPosition }> {
    let position = from;
    let cursor: { segment: Segment; offset: number } | null = null;
    for (;;) {
      this.flush();
      if (position >= this.nextPosition) return;
      if (position > this.written) {
        for (const record of this.scanUnwritten()) {
          if (record.first + record.count > position) yield { first: record.first, slots: decodeRecord(record), last: record.first + record.count - 1 };
        }
        return;
      }
      // Held by a segment: the caller has not acknowledged it, so no segment holding it was dropped.
      const segment = this.segments.find((s) => s.last >= position);
      if (!segment) return;
      const offset: number = cursor?.segment === segment ? cursor.offset : SEGMENT_MAGIC.length;
      const scan = scanRecords(await readRange(segment.path, offset, segment.bytes), 0, null, JOURNAL_DEFAULTS.maxRecordBytes);
      let end: number = offset + scan.end;
      let damage: string | null = scan.stop.kind === 'end' ? null : scan.stop.kind === 'damaged' ? scan.stop.reason : 'the segment ends inside a record';
      for (const record of scan.records) {
        if (record.first + record.count <= position) continue;
        let slots: JournalSlot[];
        try {
          slots = decodeRecord(record);
        } catch (e) {
          damage = errorMessage(e);
          end = offset + record.offset;
          break;
        }
        position = record.first + record.count;
        yield { first: record.first, slots, last: position - 1 };
      }
      cursor = { segment, offset: end };
      if (damage !== null) this.cutDamaged(segment, end, damage);
      // A sealed segment read to its end that does not reach `position` lost records to damage: go on after it.
      if (segment.fd === null && end >= segment.bytes && position <= segment.last) {
        yield { first: position, slots: [], last: segment.last };
        position = segment.last + 1;
      }
    }
  }

  /** The records written to memory but not yet to the file. */
  private scanUnwritten(): ScannedRecord[] {
    return scanRecords(Buffer.concat(this.unwritten, this.unwrittenBytes), 0, this.written + 1, JOURNAL_DEFAULTS.maxRecordBytes).records;
  }

  /**
   * A segment that holds a record that is not one: what follows in it is
   * unreadable, so it ends there (reported once); its positions up to the next
   * segment are lost, and consumers go on from there.
   */
  private cutDamaged(segment: Segment, offset: number, reason: string): void {
    // Written no more: new records go to a new file, not after the damage.
    if (segment === this.active) this.seal(segment);
    const cut = segment.bytes - offset;
    this.cutBytes += cut;
    this.diskBytes -= cut;
    segment.bytes = offset;
    this.logger.error(
      { file: segment.path, offset, cutBytes: cut, reason, lastPosition: segment.last },
      'journal: a damaged record ends its segment; the records after it in the segment are lost',
    );
  }

  private refuse(doc: StoredDocument, code: 'JOURNAL_FULL' | 'JOURNAL_WRITE_FAILED', why: string): void {
    this.refused++;
    this.updateState();
    if (this.refusedRuns.has(doc.runId)) return;
    this.refusedRuns.add(doc.runId);
    // `runIds` as in the store writer's failures, so the lab aborts the run the same way (src/engine/store-failures.ts).
    const error = new StoreError(`${doc.kind} of run ${doc.runId} not journaled: ${why}`, code, { runIds: [doc.runId], kind: doc.kind, usage: this.usage() });
    this.logger.error({ code, runId: doc.runId, kind: doc.kind, err: why }, 'journal: document refused; its run cannot be kept whole');
    this.refusalSubject.next(error);
  }

  private updateState(): void {
    const bytes = this.bytes();
    const state: JournalState =
      this.writeError !== null || this.syncError !== null || this.unwrittenBytes >= JOURNAL_DEFAULTS.maxUnwrittenBytes
        ? 'failing'
        : bytes >= this.maxBytes
          ? 'full'
          : bytes >= this.warnBytes
            ? 'warning'
            : 'ok';
    if (state === this.state) return;
    const previous = this.state;
    this.state = state;
    if (state === 'ok' || state === 'warning') this.refusedRuns.clear();
    const usage = this.usage();
    const log = { dir: this.options.dir, state, previous, bytes, maxBytes: this.maxBytes, lastError: usage.lastError };
    if (state === 'ok') this.logger.info(log, 'journal: back within bounds');
    else if (state === 'warning') this.logger.warn(log, `journal: past ${Math.round(JOURNAL_DEFAULTS.warnFraction * 100)}% of its bound; the store is behind, runs are aborted at the bound`);
    else this.logger.error(log, state === 'full' ? 'journal: full; documents are refused and their runs aborted' : 'journal: cannot write or sync its file');
    this.alarmSubject.next(usage);
  }
}

/** Writes the buffers one after the other: one writev, and what a short write left with plain writes. */
function writeAll(fd: number, buffers: readonly Buffer[], length: number): void {
  const done = writevSync(fd, buffers);
  if (done === length) return;
  const rest = Buffer.concat(buffers, length).subarray(done);
  for (let at = 0; at < rest.length; ) at += writeSync(fd, rest, at, rest.length - at);
}
