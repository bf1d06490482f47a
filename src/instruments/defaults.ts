/**
 * How an instrument whose link is lost is reconnected (real time: the link's
 * time, not the lab's). A lab file may override them per instrument
 * (`reconnect:`).
 */
export const RECONNECT_DEFAULTS = {
  /**
   * First attempt after a link is lost: a USB-serial adapter that reset, a
   * serial device server that rebooted or a TCP connection that was reset is
   * usually back within a second.
   */
  initialDelayMs: 500,
  /** Each failed attempt doubles the wait (exponential backoff). */
  factor: 2,
  /** The longest wait between attempts: an instrument switched back on is found within half a minute. */
  maxDelayMs: 30_000,
  /** Each wait varies by up to ±20 %, so instruments behind one device server do not retry in lockstep. */
  jitter: 0.2,
  /**
   * After this long without a link the instrument is given up
   * (`disconnected`) until an operator asks again (POST
   * /api/instruments/{id}/reconnect): retries are bounded. A day covers a
   * night and a weekend morning.
   */
  giveUpAfterMs: 24 * 3_600_000,
  /**
   * One attempt (open the link, identify, write what the device must hold,
   * safe state) failing after this long counts as failed: the drivers' own
   * reply timeouts are a few seconds each.
   */
  attemptTimeoutMs: 20_000,
} as const;

export type ReconnectPolicy = { -readonly [K in keyof typeof RECONNECT_DEFAULTS]: number };
