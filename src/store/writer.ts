import { Subject, filter, map, merge, tap, type Observable } from 'rxjs';
import type { DocumentBus } from '../core/bus.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { batchUntil } from './batch-until.js';
import { STORE_DEFAULTS } from './defaults.js';
import { isStoredDocument, type DocumentStore, type StoredDocument } from './document-store.js';
import { StoreError, isStoreError } from './errors.js';

export interface StoreWriterOptions {
  readonly logger: Logger;
  /** A batch is committed at most this long (real ms) after its first document. */
  readonly windowMs?: number;
  /** Documents per batch (one transaction). */
  readonly maxBatch?: number;
  /** Documents handed to the store and not yet committed; beyond it batches are refused (QUEUE_FULL). */
  readonly maxQueued?: number;
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
  /** In batches the store rejected. */
  readonly failed: number;
  /** Refused because the queue was full. */
  readonly dropped: number;
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
 * acquisition. It fails loudly instead: a batch the store rejects, or one
 * refused because `maxQueued` documents are already waiting, is reported on
 * `failures$` (and logged) with its runs, so the run engine can stop them;
 * nothing is lost without a report. There are no retries here: the disk spool
 * in front of a network store is the place for them.
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

  /** Every committed batch, in commit order. */
  readonly committed$: Observable<CommittedBatch> = this.committedSubject.asObservable();
  /** Every batch not stored, described in the context: the store's code (WRITE_FAILED, UNKNOWN_RUN, CLOSED) or QUEUE_FULL. */
  readonly failures$: Observable<StoreError> = this.failuresSubject.asObservable();

  constructor(
    private readonly bus: DocumentBus,
    private readonly store: DocumentStore,
    private readonly options: StoreWriterOptions,
  ) {
    const windowMs = options.windowMs ?? STORE_DEFAULTS.windowMs;
    const maxBatch = options.maxBatch ?? STORE_DEFAULTS.maxBatch;
    this.maxQueued = options.maxQueued ?? STORE_DEFAULTS.maxQueued;
    if (!(windowMs > 0)) throw new RangeError(`windowMs must be > 0, got ${windowMs}`);
    if (!(Number.isInteger(maxBatch) && maxBatch >= 1)) throw new RangeError(`maxBatch must be an integer >= 1, got ${maxBatch}`);
    if (!(Number.isInteger(this.maxQueued) && this.maxQueued >= maxBatch)) {
      throw new RangeError(`maxQueued must be a finite integer holding at least one batch (${maxBatch}), got ${this.maxQueued}`);
    }

    bus.attachPipeline(
      CONSUMER,
      (docs$) =>
        merge(
          // The bus closing ends flush requests too, so the pipeline completes and emits its tail.
          docs$.pipe(filter(isStoredDocument), tap({ complete: () => this.flushes.complete() })),
          this.flushes,
        ).pipe(
          batchUntil(windowMs, maxBatch, (item) => item === FLUSH || item.kind === 'run-start' || item.kind === 'run-stop'),
          map((items) => items.filter((item): item is StoredDocument => item !== FLUSH)),
          filter((batch) => batch.length > 0),
        ),
      (batch) => this.enqueue(batch),
    );
  }

  /** Commits what is buffered now; resolves when it and every earlier batch are settled. */
  async flush(): Promise<WriterStats> {
    this.flushes.next(FLUSH);
    await this.tail;
    return this.stats;
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
    await this.tail;
    this.committedSubject.complete();
    this.failuresSubject.complete();
    return this.stats;
  }

  private enqueue(batch: StoredDocument[]): void {
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

  /** Never rejects: the outcome goes to committed$ or failures$. */
  private async commit(batch: StoredDocument[]): Promise<void> {
    try {
      await this.store.append(batch);
    } catch (e) {
      this.stats = { ...this.stats, failed: this.stats.failed + batch.length };
      const cause = isStoreError(e) ? e : null;
      this.report(
        new StoreError(cause?.message ?? `store write failed: ${errorMessage(e)}`, cause?.code ?? 'WRITE_FAILED', { ...cause?.context, ...describe(batch) }, { cause: e }),
      );
      return;
    } finally {
      this.queued -= batch.length;
    }
    this.stats = { ...this.stats, committed: this.stats.committed + batch.length };
    this.committedSubject.next({ documents: batch.length, lastSeq: lastSeq(batch) });
  }

  private report(error: StoreError): void {
    this.options.logger.error({ code: error.code, err: error.message, ...error.context }, 'documents not stored');
    this.failuresSubject.next(error);
  }
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
