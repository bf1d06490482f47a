import { msToNs, type Clock } from '../../src/core/clock.js';

/**
 * A test clock on which waiting takes no real time: `sleep(ms)` moves lab time
 * on by `ms` and resolves on the next macrotask. For one sleeper at a time
 * (one simulated device), which is how the simulator uses its clock.
 */
export class InstantClock implements Clock {
  private now: number;

  /** `scale`: lab seconds per real second; by default "very many" (drivers bound their waits below by real timeouts). */
  constructor(
    startMs = Date.UTC(2025, 0, 1),
    readonly scale = 1e9,
  ) {
    this.now = startMs;
  }

  nowMs(): number {
    return this.now;
  }

  nowNs(): bigint {
    return msToNs(this.now);
  }

  /** Moves lab time on without a sleeper (idle time between scripts). */
  advance(ms: number): void {
    this.now += ms;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearImmediate(handle);
        reject(signal?.reason);
      };
      const handle = setImmediate(() => {
        signal?.removeEventListener('abort', onAbort);
        this.now += Math.max(0, ms);
        resolve();
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
