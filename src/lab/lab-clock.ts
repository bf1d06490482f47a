import { nsToMs, ScaledClock, type Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';

/**
 * The clock of a lab that starts on a store holding `latestNs` (the latest
 * lab time it has seen, null when empty). A lab faster than real time
 * (simulators) continues from there, 1 ms later, so runs keep sorting by time
 * across restarts and a recovered run's stop never precedes its start. A real
 * lab (scale 1) keeps real time, which a store of its own never passes; a
 * store with later times (filled by a faster simulated lab) is reported.
 */
export function labClock(scale: number, latestNs: bigint | null, logger: Logger, realNowMs = Date.now()): Clock {
  const latestMs = latestNs === null ? null : nsToMs(latestNs);
  if (latestMs === null || latestMs < realNowMs) return new ScaledClock(scale, realNowMs);
  if (scale === 1) {
    logger.warn({ latestMs, realNowMs }, 'the store holds lab times later than now (a faster simulated lab wrote it); this real-time lab keeps real time');
    return new ScaledClock(1, realNowMs);
  }
  logger.info({ fromMs: latestMs + 1 }, 'lab time continues from the latest time in the store');
  return new ScaledClock(scale, latestMs + 1);
}
