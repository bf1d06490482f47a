import type { RetryPolicy } from './defaults.js';

/**
 * Runs `attempt`, retrying failures that `isRetriable` accepts, at most
 * `policy.retries` times, with exponential backoff and +-50 % jitter (so
 * several drivers recovering at once do not retry in lockstep). The last
 * failure is thrown. Backoff is link (wall-clock) time, hence setTimeout.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  policy: RetryPolicy,
  isRetriable: (error: unknown) => boolean,
  random: () => number = Math.random,
): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      if (retry >= policy.retries || !isRetriable(error)) throw error;
      const backoffMs = Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** retry) * (0.5 + random());
      await new Promise((resolve) => setTimeout(resolve, backoffMs));
    }
  }
}
