import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withRetries } from './retry.js';

const POLICY = { retries: 2, backoffBaseMs: 100, backoffMaxMs: 150 };
const retriable = (e: unknown) => e === 'transient';

describe('withRetries', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('retries retriable failures at most `retries` times, with capped exponential backoff', async () => {
    const attempt = vi.fn(() => Promise.reject('transient'));
    // random() = 1 gives the largest jitter: 1.5 x the backoff.
    const result = withRetries(attempt, POLICY, retriable, () => 1).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(149);
    expect(attempt).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempt).toHaveBeenCalledTimes(2);
    // Second backoff: 200 ms capped at 150, x 1.5.
    await vi.advanceTimersByTimeAsync(225);
    expect(attempt).toHaveBeenCalledTimes(3);
    expect(await result).toBe('transient');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(attempt).toHaveBeenCalledTimes(3);
  });

  it('returns the first success', async () => {
    const attempt = vi.fn().mockRejectedValueOnce('transient').mockResolvedValueOnce(42);
    const result = withRetries(attempt, POLICY, retriable, () => 0);
    await vi.advanceTimersByTimeAsync(50);
    await expect(result).resolves.toBe(42);
    expect(attempt).toHaveBeenCalledTimes(2);
  });

  it('throws a failure that is not retriable at once', async () => {
    const attempt = vi.fn(() => Promise.reject('permanent'));
    await expect(withRetries(attempt, POLICY, retriable)).rejects.toBe('permanent');
    expect(attempt).toHaveBeenCalledTimes(1);
  });
});
