import { Subject, endWith, filter, ignoreElements, map, merge, takeUntil, tap, type Observable } from 'rxjs';
import type { DocumentBus } from '../core/bus.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { appendSalvaging, type AppendOutcome } from './append-salvaging.js';
import { batchUntil } from './batch-until.js';
import { JOURNAL_DEFAULTS, STORE_DEFAULTS } from './defaults.js';
import { isStoredDocument, type DocumentStore, type StoredDocument } from './document-store.js';
import { StoreError, isStoreError } from './errors.js';
import type { AppendedDocument, Journal } from './journal/journal.js';
import { STORE_CONSUMER, commitFromJournal } from './journal/replay.js';

export interface StoreWriterOptions {
  readonly logger: Logger;
  /** A batch is committed at most this long (real ms) after its first document. */
  readonly windowMs?: number;
  /** Documents per batch (one transaction). */
  readonly maxBatch?: number;
  /** Documents handed to the store and not yet committed; beyond it batches are refused (QUEUE_FULL), or, with a journal, left to it. */
  readonly maxQueued?: number;
  /**
   * The journal the bus appends to. With it, each commit is acknowledged to
   * the journal (which then drops what is committed), and a batch the store
   * cannot take now (an outage, or maxQueued documents waiting) is not lost:
   * the writer leaves the documents to the journal and commits them from it,
   * retrying every `retryMs`, then goes back to live batches.
   */
  readonly journal?: Journal;
  readonly retryMs?: number;
}

/** One batch the store has committed. */
export interface CommittedBatch {
  readonly documents: number;
  /**
   * The highest event seq of each stream in the batch, by run then stream.
   * Batches commit in publication order, so unless failures$ reported a batch
   * of that run, all the stream's events up to this seq are stored.
   */
  readonly lastSeq: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** Documents by fate since the writer started. */
export interface WriterStats {
  readonly committed: number;
  /** Not stored: refused by the store, or (without a journal) in batches a failing store did not take. */
  readonly failed: number;
  /** Refused because the queue was full (without a journal; with one they wait in it). */
  readonly dropped: number;
}

/** What the writer is doing, for the API (GET /api/store). */
export interface WriterStatus {
  /** `live`: committing batches as they are published; `catching-up`: committing from the journal what the store has not taken yet. */
  readonly mode: 'live' | 'catching-up';
  readonly stats: WriterStats;
  /** Why the store did not take the last batch, while catching up after an outage. */
  readonly lastError: string | null;
}

const CONSUMER = 'store-writer';
const FLUSH = Symbol('flush');

/**
 * The bus consumer that stores documents, batched (after the InfluxDB WriteApi):
 * a batch is committed within `windowMs` of its first document, at `maxBatch`
 * documents, and at once after a run-start or run-stop, so a run shows up and
 * ends in the store promptly. Progress documents are not stored.
 *
 * The bus never waits for a consumer, so the writer cannot push back on
 * acquisition. Documents the store refuses for what they are (a stream of a
 * run it never saw started) are left out of their batch and reported on
 * `failures$` (and logged) with their runs, so the run engine can stop them.
 *
 * Without a journal, a batch a failing store does not take, or one refused
 * because `maxQueued` documents are already waiting, is reported the same way:
 * nothing is lost without a report. With a journal (`options.journal`) such a
 * batch is not lost: the documents are in the journal, the writer switches to
 * `catching-up`, commits from the journal (retrying a failing store every
 * `retryMs`) and goes back to live batches once it has caught up. Live batches
 * that arrive while it catches up are dropped from memory: the catch-up reads
 * them from the journal. With a journal the writer takes its documents from
 * the journal's feed (`appended$`, each with its position, in journal order),
 * not from the bus: the bus hands every document to the journal first.
 */
export class StoreWriter {
  private readonly committedSubject = new Subject<CommittedBatch>();
  private readonly failuresSubject = new Subject<StoreError>();
  private readonly flushes = new Subject<typeof FLUSH>();
  private readonly maxQueued: number;
  /** Commits run one after the other in publication order. */
  private tail: Promise<void> = Promise.resolve();
  private queued = 0;
  private stats: WriterStats = { committed: 0, failed: 0, dropped: 0 };
  private closing: Promise<WriterStats> | null = null;
  private readonly journal: Journal | null;
  private readonly retryMs: number;
  private readonly maxBatch: number;
  /** Set while the journal holds documents the store has not taken; live batches are left to it. */
  private catchingUp = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private lastError: string | null = null;
  private closed = false;

  /** Every committed batch, in commit order. */
  readonly committed$: Observable<CommittedBatch> = this.committedSubject.asObservable();
  /**
   * Every batch (or part of one) not stored, described in the context (`runIds`, `lastSeq`): the
   * store's code (WRITE_FAILED, UNKNOWN_RUN, UNKNOWN_STREAM, CLOSED) or QUEUE_FULL. With a journal
   * only what the store refuses for what it is (UNKNOWN_RUN, UNKNOWN_STREAM): the rest waits in the journal.
   */
  readonly failures$: Observable<StoreError> = this.failuresSubject.asObservable();

  constructor(
    private readonly bus: DocumentBus,
    private readonly store: DocumentStore,
    private readonly options: StoreWriterOptions,
  ) {
    const windowMs = options.windowMs ?? STORE_DEFAULTS.windowMs;
    const maxBatch = options.maxBatch ?? STORE_DEFAULTS.maxBatch;
    this.maxBatch = maxBatch;
    this.maxQueued = options.maxQueued ?? STORE_DEFAULTS.maxQueued;
    this.journal = options.journal ?? null;
    this.retryMs = options.retryMs ?? JOURNAL_DEFAULTS.retryMs;
    if (!(this.retryMs > 0)) throw new RangeError(`retryMs must be > 0, got ${this.retryMs}`);
    if (!(windowMs > 0)) throw new RangeError(`windowMs must be > 0, got ${windowMs}`);
    if (!(Number.isInteger(maxBatch) && maxBatch >= 1)) throw new RangeError(`maxBatch must be an integer >= 1, got ${maxBatch}`);
    if (!(Number.isInteger(this.maxQueued) && this.maxQueued >= maxBatch)) {
      throw new RangeError(`maxQueued must be a finite integer holding at least one batch (${maxBatch}), got ${this.maxQueued}`);
    }

    const journal = this.journal;
    bus.attachPipeline(
      CONSUMER,
      (docs$) =>
        merge(
          (journal
            ? // The bus closing ends the journal's feed for the writer as it ends the bus's own.
              journal.appended$.pipe(takeUntil(docs$.pipe(ignoreElements(), endWith(true))))
            : docs$.pipe(
                filter(isStoredDocument),
                map((document): AppendedDocument => ({ position: null, document })),
              )
          ).pipe(
            // The bus closing ends flush requests too, so the pipeline completes and emits its tail.
            tap({ complete: () => this.flushes.complete() }),
          ),
          this.flushes,
        ).pipe(
          batchUntil(windowMs, maxBatch, (item) => item === FLUSH || item.document.kind === 'run-start' || item.document.kind === 'run-stop'),
          map((items) => items.filter((item): item is AppendedDocument => item !== FLUSH)),
          filter((batch) => batch.length > 0),
        ),
      (batch) => this.enqueue(batch),
    );
  }

  /**
   * Commits what is buffered now (while catching up: tries the journal now
   * instead of at the next retry); resolves when it and every earlier batch
   * are settled.
   */
  async flush(): Promise<WriterStats> {
    this.flushes.next(FLUSH);
    if (this.retryTimer) this.catchUpNow();
    await this.tail;
    return this.stats;
  }

  status(): WriterStatus {
    return { mode: this.catchingUp ? 'catching-up' : 'live', stats: this.stats, lastError: this.lastError };
  }

  /**
   * Commits what is buffered, detaches from the bus and completes committed$
   * and failures$. Resolves with what became of every document (nothing
   * published after close is seen).
   */
  close(): Promise<WriterStats> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<WriterStats> {
    this.flushes.next(FLUSH);
    this.bus.detach(CONSUMER);
    this.flushes.complete();
    // One last try of a store that was failing; after it, no retry is scheduled.
    if (this.retryTimer) this.catchUpNow();
    this.closed = true;
    await this.tail;
    if (this.catchingUp && this.journal) {
      const behind = this.journal.usage().consumers[STORE_CONSUMER]?.behind ?? 0;
      this.options.logger.warn({ behind, err: this.lastError }, 'store writer closed while the store is behind: the journal keeps the documents for the next start');
    }
    this.committedSubject.complete();
    this.failuresSubject.complete();
    return this.stats;
  }

  private enqueue(entries: AppendedDocument[]): void {
    if (this.journal) {
      this.enqueueJournaled(entries);
      return;
    }
    const batch = entries.map((e) => e.document);
    if (this.queued + batch.length > this.maxQueued) {
      this.stats = { ...this.stats, dropped: this.stats.dropped + batch.length };
      this.report(
        new StoreError(`store writer queue full (${this.queued} documents waiting): ${batch.length} documents not stored`, 'QUEUE_FULL', {
          ...describe(batch),
          queued: this.queued,
        }),
      );
      return;
    }
    this.queued += batch.length;
    this.tail = this.tail.then(() => this.commit(batch));
  }

  /** Without a journal. Never rejects: the outcome goes to committed$ or failures$. */
  private async commit(batch: StoredDocument[]): Promise<void> {
    try {
      this.settle(await appendSalvaging(this.store, batch));
    } catch (e) {
      this.stats = { ...this.stats, failed: this.stats.failed + batch.length };
      this.report(storeFailure(e, batch));
    } finally {
      this.queued -= batch.length;
    }
  }

  private enqueueJournaled(batch: AppendedDocument[]): void {
    // While catching up these documents are read back from the journal.
    if (this.catchingUp) return;
    if (this.queued + batch.length > this.maxQueued) {
      this.startCatchUp(0, `more than ${this.maxQueued} documents waiting for the store`);
      return;
    }
    this.queued += batch.length;
    this.tail = this.tail.then(() => this.commitLive(batch));
  }

  /** With a journal. Never rejects: a store that fails starts a catch-up from the journal. */
  private async commitLive(batch: AppendedDocument[]): Promise<void> {
    const journal = this.journal!;
    try {
      if (this.catchingUp) return;
      // A catch-up may have committed some of these already; what is left must follow the acknowledged position.
      const next = journal.acknowledged(STORE_CONSUMER) + 1;
      const fresh: StoredDocument[] = [];
      let first: number | null = null;
      let last = next - 1;
      for (const { position, document } of batch) {
        if (position !== null && position < next) continue;
        fresh.push(document);
        // No position: the journal refused it (reported); it is stored if the store takes it, and kept nowhere else.
        if (position === null) continue;
        first ??= position;
        last = position;
      }
      if (first !== null && first > next) {
        // The documents before these were left to the journal (dropped while catching up): read them from there.
        this.startCatchUp(0, 'documents were left to the journal');
        return;
      }
      if (fresh.length === 0) return;
      let outcome: AppendOutcome;
      try {
        outcome = await appendSalvaging(this.store, fresh);
      } catch (e) {
        this.startCatchUp(this.retryMs, errorMessage(e));
        return;
      }
      if (last >= next) journal.acknowledge(STORE_CONSUMER, last);
      this.settle(outcome);
    } finally {
      this.queued -= batch.length;
    }
  }

  /** The documents are in the journal: commit them from there, now or after `delayMs` (a failing store). */
  private startCatchUp(delayMs: number, why: string): void {
    if (!this.catchingUp) this.options.logger.warn({ err: why }, 'store writer: the store is behind; committing from the journal');
    this.catchingUp = true;
    this.lastError = why;
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => this.catchUpNow(), delayMs);
  }

  private catchUpNow(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.tail = this.tail.then(() => this.catchUp());
  }

  /** Never rejects: a store that still fails schedules the next try. */
  private async catchUp(): Promise<void> {
    const journal = this.journal!;
    try {
      // Until nothing was appended since the last read: a batch dropped meanwhile is then already committed.
      for (;;) {
        const before = journal.acknowledged(STORE_CONSUMER);
        await commitFromJournal(journal, STORE_CONSUMER, this.store, this.maxBatch, (outcome) => this.settle(outcome));
        const after = journal.acknowledged(STORE_CONSUMER);
        if (after >= journal.lastPosition()) break;
        if (after === before) {
          throw new StoreError(`the journal gives nothing from position ${after + 1} though it gave out ${journal.lastPosition()}`, 'JOURNAL_DAMAGED', { after });
        }
      }
    } catch (e) {
      this.lastError = errorMessage(e);
      this.options.logger.debug({ err: this.lastError }, 'store writer: the store still fails; the journal keeps the documents');
      if (!this.closed) this.retryTimer = setTimeout(() => this.catchUpNow(), this.retryMs);
      return;
    }
    this.catchingUp = false;
    this.lastError = null;
    this.options.logger.info({}, 'store writer: caught up from the journal; back to live batches');
  }

  /** Counts and reports what a batch became. */
  private settle({ stored, rejections }: AppendOutcome): void {
    for (const r of rejections) {
      this.stats = { ...this.stats, failed: this.stats.failed + r.documents.length };
      this.report(storeFailure(r.error, r.documents));
    }
    if (stored.length === 0) return;
    this.stats = { ...this.stats, committed: this.stats.committed + stored.length };
    this.committedSubject.next({ documents: stored.length, lastSeq: lastSeq(stored) });
  }

  private report(error: StoreError): void {
    this.options.logger.error({ code: error.code, err: error.message, ...error.context }, 'documents not stored');
    this.failuresSubject.next(error);
  }
}

/** A failure report naming what was not stored. */
function storeFailure(e: unknown, batch: readonly StoredDocument[]): StoreError {
  const cause = isStoreError(e) ? e : null;
  return new StoreError(cause?.message ?? `store write failed: ${errorMessage(e)}`, cause?.code ?? 'WRITE_FAILED', { ...cause?.context, ...describe(batch) }, { cause: e });
}

function lastSeq(batch: readonly StoredDocument[]): Record<string, Record<string, number>> {
  const last: Record<string, Record<string, number>> = {};
  for (const doc of batch) {
    if (doc.kind !== 'event') continue;
    const streams = (last[doc.runId] ??= {});
    streams[doc.stream] = Math.max(streams[doc.stream] ?? 0, doc.seq);
  }
  return last;
}

/** What a lost batch held, for the report. */
function describe(batch: readonly StoredDocument[]): { documents: number; runIds: string[]; lastSeq: Record<string, Record<string, number>> } {
  return { documents: batch.length, runIds: [...new Set(batch.map((d) => d.runId))], lastSeq: lastSeq(batch) };
}
