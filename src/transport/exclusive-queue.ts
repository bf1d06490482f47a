import { TRANSPORT_DEFAULTS } from './defaults.js';
import { TransportError } from './transport.js';

export interface QueueOptions {
  /** Gives up waiting (CANCELED); a task already running is not interrupted by it. */
  signal?: AbortSignal;
  /** Runs before every waiting task that is not urgent (safe-state commands). */
  urgent?: boolean;
}

interface Waiting {
  readonly urgent: boolean;
  start(): void;
}

/**
 * One transaction at a time on a shared line, in arrival order (urgent tasks
 * first). Bounded: beyond `maxWaiting` waiting tasks, `run` rejects with BUSY.
 */
export class ExclusiveQueue {
  private running = false;
  private readonly waiting: Waiting[] = [];

  constructor(private readonly maxWaiting: number = TRANSPORT_DEFAULTS.maxQueuedTransactions) {}

  /** True while a task runs. */
  get busy(): boolean {
    return this.running;
  }

  run<T>(task: () => Promise<T>, options: QueueOptions = {}): Promise<T> {
    const { signal, urgent = false } = options;
    if (signal?.aborted) return Promise.reject(canceled(signal));
    if (!this.running) return this.execute(task);
    if (this.waiting.length >= this.maxWaiting) {
      return Promise.reject(new TransportError(`${this.waiting.length} transactions wait already`, 'BUSY', { waiting: this.waiting.length }));
    }
    return new Promise<T>((resolve, reject) => {
      const entry: Waiting = {
        urgent,
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          this.execute(task).then(resolve, reject);
        },
      };
      const onAbort = () => {
        const index = this.waiting.indexOf(entry);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(canceled(signal!));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const firstOrdinary = this.waiting.findIndex((w) => !w.urgent);
      if (urgent && firstOrdinary >= 0) this.waiting.splice(firstOrdinary, 0, entry);
      else this.waiting.push(entry);
    });
  }

  private async execute<T>(task: () => Promise<T>): Promise<T> {
    this.running = true;
    try {
      return await task();
    } finally {
      this.running = false;
      this.waiting.shift()?.start();
    }
  }
}

function canceled(signal: AbortSignal): TransportError {
  return new TransportError('canceled while waiting for the line', 'CANCELED', {}, { cause: signal.reason });
}
