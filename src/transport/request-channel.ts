import type { Observable, Subscription } from 'rxjs';
import { TRANSPORT_DEFAULTS } from './defaults.js';
import { ExclusiveQueue, type QueueOptions } from './exclusive-queue.js';
import { TransportError, type Transport } from './transport.js';

export interface RequestOptions {
  /** Real milliseconds until TIMEOUT; the channel's default when absent. */
  timeoutMs?: number;
  /** Cancels the wait (and the wait for the line): rejects with CANCELED. */
  signal?: AbortSignal;
}

/**
 * Reads the frames of a reply one by one: returns the result once the reply is
 * complete, `undefined` to wait for more. A throw (a typed parse error) fails
 * the request with that error.
 */
export type Collector<F, R> = (frame: F) => R | undefined;

/**
 * Request/response over a transport for command/reply protocols (Lake Shore,
 * SCPI, MethodSCRIPT's `t` and `i`): one transaction at a time, per-request
 * timeout, cancellation by AbortSignal.
 *
 * `frames$` must be hot and shared (framing state lives in one place), e.g.
 * `transport.data$.pipe(lines, share())` kept subscribed by its owner: frames
 * that arrive while no request waits are not kept.
 *
 * A timeout or a cancel leaves the transport open; a late reply to the
 * abandoned request then arrives unclaimed, so callers of protocols without
 * request ids resynchronise (e.g. drain or send a known query) after one.
 */
export class RequestChannel<F> {
  private readonly queue: ExclusiveQueue;
  private readonly defaultTimeoutMs: number;

  constructor(
    readonly transport: Transport,
    readonly frames$: Observable<F>,
    options: { timeoutMs?: number; maxQueued?: number } = {},
  ) {
    this.defaultTimeoutMs = options.timeoutMs ?? TRANSPORT_DEFAULTS.requestTimeoutMs;
    this.queue = new ExclusiveQueue(options.maxQueued);
  }

  /** True while a transaction holds the line. */
  get busy(): boolean {
    return this.queue.busy;
  }

  /** Writes `data` and collects the reply, queued behind other transactions. */
  request<R>(data: Uint8Array | string, collect: Collector<F, R>, options: RequestOptions = {}): Promise<R> {
    return this.exclusive(() => this.exchange(data, collect, options), { signal: options.signal });
  }

  /** Writes without waiting for a reply, queued behind other transactions. */
  send(data: Uint8Array | string, options: Pick<RequestOptions, 'signal'> = {}): Promise<void> {
    return this.exclusive(() => this.transport.write(data), options);
  }

  /** Runs a transaction of several exchanges (or a long stream) with the line to itself. */
  exclusive<T>(task: () => Promise<T>, options: QueueOptions = {}): Promise<T> {
    return this.queue.run(task, options);
  }

  /** One exchange without queueing: only inside `exclusive`. */
  exchange<R>(data: Uint8Array | string, collect: Collector<F, R>, options: RequestOptions = {}): Promise<R> {
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(new TransportError('request canceled', 'CANCELED', {}, { cause: signal.reason }));
    return new Promise<R>((resolve, reject) => {
      let settled = false;
      let subscription: Subscription | undefined;
      const finish = (error: unknown, result?: R) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        subscription?.unsubscribe();
        if (error !== undefined) reject(error);
        else resolve(result as R);
      };
      const onAbort = () => finish(new TransportError('request canceled', 'CANCELED', { url: this.transport.url }, { cause: signal?.reason }));
      const timer = setTimeout(
        () => finish(new TransportError(`${this.transport.url}: no complete reply within ${timeoutMs} ms`, 'TIMEOUT', { url: this.transport.url, timeoutMs })),
        timeoutMs,
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      // Subscribe before writing: a fast reply must not slip past.
      subscription = this.frames$.subscribe({
        next: (frame) => {
          let result: R | undefined;
          try {
            result = collect(frame);
          } catch (e) {
            finish(e);
            return;
          }
          if (result !== undefined) finish(undefined, result);
        },
        error: (e: unknown) => finish(e),
        complete: () => finish(new TransportError(`${this.transport.url}: closed while waiting for a reply`, 'CANCELED', { url: this.transport.url })),
      });
      // frames$ may end during subscribe (a transport lost before): finish ran before `subscription` was set.
      if (settled) {
        subscription.unsubscribe();
        return;
      }
      this.transport.write(data).catch((e: unknown) => finish(e));
    });
  }
}
