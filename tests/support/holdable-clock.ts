import { msToNs, type Clock } from '../../src/core/clock.js';

/**
 * Lab time running `scale` times faster than real time that a test can hold
 * still and release: while held no lab time passes, and sleepers wait for the
 * release. A test that must finish something in the real world (kill a
 * process and see it gone) at one instant of lab time holds the clock
 * meanwhile, so at 600x the few milliseconds it takes are not minutes of lab
 * time racing past.
 */
export class HoldableClock implements Clock {
  /** Lab time at `anchorRealMs`. */
  private labMs: number;
  private anchorRealMs: number;
  private held = false;
  private readonly waitingForRelease = new Set<() => void>();

  constructor(readonly scale: number) {
    this.anchorRealMs = Date.now();
    this.labMs = this.anchorRealMs;
  }

  nowMs(): number {
    return this.held ? this.labMs : this.labMs + (Date.now() - this.anchorRealMs) * this.scale;
  }

  nowNs(): bigint {
    return msToNs(this.nowMs());
  }

  hold(): void {
    if (this.held) return;
    this.labMs = this.nowMs();
    this.held = true;
  }

  release(): void {
    if (!this.held) return;
    this.anchorRealMs = Date.now();
    this.held = false;
    for (const wake of [...this.waitingForRelease]) wake();
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    const targetMs = this.nowMs() + ms;
    for (;;) {
      if (signal?.aborted) throw signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
      const remainingMs = targetMs - this.nowMs();
      if (remainingMs <= 0) return;
      // Until the lab time could have come (a timer) or, while held, until the release; then look again.
      await new Promise<void>((resolve, reject) => {
        let timer: NodeJS.Timeout | undefined;
        const cleanup = () => {
          clearTimeout(timer);
          this.waitingForRelease.delete(wake);
          signal?.removeEventListener('abort', onAbort);
        };
        const wake = () => {
          cleanup();
          resolve();
        };
        const onAbort = () => {
          cleanup();
          reject(signal?.reason ?? new DOMException('The operation was aborted', 'AbortError'));
        };
        if (this.held) this.waitingForRelease.add(wake);
        else timer = setTimeout(wake, remainingMs / this.scale);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
  }
}
