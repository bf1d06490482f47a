import { msToNs, type Clock } from '../../src/core/clock.js';

/**
 * Lab time that moves only when the test says (`advanceS`), at scale 1: for
 * code that reads the clock but never waits on it (a simulated device
 * accumulating counts, a thermal plant stepped by hand). A sleep is a bug of
 * the test: it rejects.
 */
export class ManualClock implements Clock {
  readonly scale = 1;
  private ms: number;

  constructor(startMs = Date.UTC(2025, 0, 1)) {
    this.ms = startMs;
  }

  nowMs(): number {
    return this.ms;
  }

  nowNs(): bigint {
    return msToNs(this.ms);
  }

  advanceS(seconds: number): void {
    this.ms += seconds * 1000;
  }

  sleep(): Promise<void> {
    return Promise.reject(new Error('ManualClock: nothing under this test may wait on the lab clock'));
  }
}
