import { Subject, type Observable, type Subscription } from 'rxjs';
import type { Document } from './documents.js';
import { errorMessage } from './errors.js';
import type { Logger } from './logger.js';

export interface ConsumerHealth {
  readonly name: string;
  /** `running`, or `failed` once a pipeline consumer has errored (it is then detached). */
  readonly state: 'running' | 'failed' | 'detached';
  /** Documents whose handling threw (per-document consumers keep going). */
  readonly errors: number;
  readonly lastError: string | null;
}

/**
 * Where `publish` hands every document before any consumer sees it: the
 * write-ahead journal (src/store/journal/). It takes what it stores, keeps it
 * in memory for the rest of the tick and writes it at the end of the tick;
 * `append` is synchronous and never throws.
 */
export interface PublishJournal {
  append(doc: Document): unknown;
}

/**
 * The one document stream. Consumers attach independently: one that throws is
 * logged and isolated, and acquisition goes on. (A bare RxJS Subject would
 * rethrow a subscriber's error asynchronously and crash the process.)
 */
export class DocumentBus {
  private readonly subject = new Subject<Document>();
  private readonly consumers = new Map<string, { health: ConsumerHealth; subscription: Subscription | null }>();
  private closed = false;

  /** With a journal, every document is journaled before consumers see it. */
  constructor(
    private readonly logger: Logger,
    private readonly journal: PublishJournal | null = null,
  ) {}

  /** Everything published from now on; completes when the bus closes. */
  get documents$(): Observable<Document> {
    return this.subject.asObservable();
  }

  /** Nothing is journaled or delivered once the bus is closed. */
  publish(doc: Document): void {
    if (this.closed) return;
    this.journal?.append(doc);
    this.subject.next(doc);
  }

  /** A consumer called for every document; a throw is logged and counted, the next document still comes. */
  attach(name: string, handle: (doc: Document) => void): void {
    this.attachPipeline(name, (docs$) => docs$, handle);
  }

  /**
   * A consumer built as an RxJS pipeline over the stream (batching, throttling).
   * `handle` is called for each value the pipeline emits; a throw there is
   * logged and counted. An error of the pipeline itself detaches it as `failed`.
   */
  attachPipeline<T>(name: string, build: (docs$: Observable<Document>) => Observable<T>, handle: (value: T) => void = () => {}): void {
    if (this.consumers.has(name)) throw new Error(`consumer ${name} is attached already`);
    const entry: { health: ConsumerHealth; subscription: Subscription | null } = {
      health: { name, state: 'running', errors: 0, lastError: null },
      subscription: null,
    };
    const update = (h: Partial<ConsumerHealth>) => {
      entry.health = { ...entry.health, ...h };
    };
    this.consumers.set(name, entry);
    entry.subscription = build(this.subject.asObservable()).subscribe({
      next: (value) => {
        try {
          handle(value);
        } catch (e) {
          update({ errors: entry.health.errors + 1, lastError: errorMessage(e) });
          this.logger.error({ consumer: name, err: errorMessage(e) }, 'consumer failed on a document; it goes on with the next');
        }
      },
      error: (e: unknown) => {
        update({ state: 'failed', lastError: errorMessage(e) });
        this.logger.error({ consumer: name, err: errorMessage(e) }, 'consumer pipeline failed and is detached');
      },
    });
  }

  detach(name: string): void {
    const entry = this.consumers.get(name);
    if (!entry) return;
    entry.subscription?.unsubscribe();
    this.consumers.delete(name);
  }

  health(): ConsumerHealth[] {
    return [...this.consumers.values()].map((c) => c.health);
  }

  /** Completes the stream: pipeline consumers flush what they hold (bufferTime emits its last batch). */
  close(): void {
    this.closed = true;
    this.subject.complete();
  }
}
