/**
 * How a run waits out a lost instrument link (src/engine/run-conditions.ts):
 * the link must stay up `linkSettleS` before the run resumes (a flapping
 * cable does not restart steps each second), and a link down longer than
 * `linkMaxSuspensionS` fails the run (nobody is coming back to it tonight).
 */
export const SUSPENSION_DEFAULTS = {
  /** Seconds a restored link must hold before the run resumes. */
  linkSettleS: 5,
  /** Seconds a run may wait for a lost link before it fails (6 h: an overnight outage of a lab's network). */
  linkMaxSuspensionS: 6 * 3600,
} as const;
