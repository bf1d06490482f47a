import { describe, expect, it } from 'vitest';
import { msToNs } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { labClock } from './lab-clock.js';

const NOW_MS = Date.UTC(2026, 11, 7, 9, 0, 0);

function recordingLogger(): Logger & { warnings: unknown[] } {
  const warnings: unknown[] = [];
  return { warnings, info() {}, debug() {}, error() {}, warn: (o) => void warnings.push(o) };
}

describe('labClock', () => {
  it('starts at real time on an empty store, or one whose latest time has passed', () => {
    for (const latest of [null, msToNs(NOW_MS - 60_000)]) {
      const clock = labClock(600, latest, recordingLogger(), NOW_MS);
      expect(clock.nowMs()).toBeGreaterThanOrEqual(NOW_MS);
      expect(clock.nowMs()).toBeLessThan(NOW_MS + 600 * 5_000);
    }
  });

  it('continues a faster-than-real lab from just after the latest time in its store', () => {
    const latest = msToNs(NOW_MS + 30 * 86_400_000);
    const clock = labClock(600, latest, recordingLogger(), NOW_MS);
    expect(clock.nowNs()).toBeGreaterThan(latest);
    expect(clock.nowMs()).toBeLessThan(NOW_MS + 30 * 86_400_000 + 600 * 5_000);
    expect(clock.scale).toBe(600);
  });

  it('keeps a real-time lab on real time, and says that its store holds later times', () => {
    const logger = recordingLogger();
    const clock = labClock(1, msToNs(NOW_MS + 86_400_000), logger, NOW_MS);
    expect(clock.nowMs() - NOW_MS).toBeLessThan(5_000);
    expect(clock.nowMs()).toBeGreaterThanOrEqual(NOW_MS);
    expect(logger.warnings).toHaveLength(1);
  });
});
