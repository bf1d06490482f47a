/**
 * Every timeout, retry count and queue bound of the temperature drivers, with
 * where each value comes from. These are real (wall-clock) durations of the
 * serial or network link, not lab time: an instrument does not answer faster
 * when the lab clock is scaled. The bound on transactions waiting for the line
 * is the transport layer's (TRANSPORT_DEFAULTS.maxQueuedTransactions).
 */

export interface RetryPolicy {
  /** Attempts after the first one; only retriable failures (timeouts, garbled replies) are retried. */
  readonly retries: number;
  /** First backoff; doubled per retry, capped, with +-50 % jitter. */
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
}

export const EUROTHERM_DEFAULTS = {
  /** Serial speed when the URL gives none: the 2000 series' factory setting (8N1 at 9600). */
  baudRate: 9600,
  /**
   * Per Modbus transaction. At 9600 baud 8N1 a byte takes 1.04 ms; our longest
   * exchange (read 10 float registers: 8 + 25 bytes) is < 35 ms on the wire,
   * and the 2000-series comms handbook (HA026230) puts the instrument's reply
   * latency in the tens of ms (unverified). 500 ms is > 10x that and short
   * next to the service's 1 s polling.
   */
  transactionTimeoutMs: 500,
  /** TCP connect (a Modbus gateway on the lab LAN answers in ms; 5 s covers a busy gateway). */
  connectTimeoutMs: 5000,
  /**
   * Two retries: RS-485 noise garbles an occasional frame; three failures in a
   * row mean the link or the instrument is down, which retries do not fix.
   * The first backoff (50 ms) is far above the 3.5-character silence
   * (4 ms at 9600 baud) that ends an RTU frame, so a late reply is consumed
   * before the retry goes out.
   */
  retry: { retries: 2, backoffBaseMs: 50, backoffMaxMs: 1000 } satisfies RetryPolicy,
} as const;

export const LAKESHORE336_DEFAULTS = {
  /** The 336's only serial format: 57600 baud, 7 data bits, odd parity, 1 stop bit. */
  serial: { baudRate: 57600, dataBits: 7, parity: 'odd', stopBits: 1 },
  /**
   * Per command line. The 336 manual asks hosts to wait for each reply before
   * the next command; replies take a few tens of ms at 57600 baud (unverified).
   * 1 s is generous and still short next to the 1 s polling.
   */
  replyTimeoutMs: 1000,
  connectTimeoutMs: 5000,
  /** Same reasoning as the Eurotherm: a garbled line is worth two retries, no more. */
  retry: { retries: 2, backoffBaseMs: 50, backoffMaxMs: 1000 } satisfies RetryPolicy,
  /** Longest reply line accepted (the longest real reply, *IDN?, is < 60 characters). */
  maxLineLength: 256,
} as const;

/**
 * Shortest temperature polling interval a program may ask for, lab seconds,
 * checked before a run starts (src/protocols/instrument-bounds.ts). A poll
 * reads the process value, the setpoints, the output and the status: a few
 * transactions of tens of ms each on a 9600-baud line, each allowed up to its
 * timeout above (500 ms Eurotherm, 1 s Lake Shore). Polls closer than 1 s
 * would queue behind each other on a slow link, and a furnace or NMR VT unit
 * does not change meaningfully within a second.
 */
export const TEMPERATURE_POLL_LIMITS = {
  eurotherm: { minPollIntervalS: 1 },
  lakeshore336: { minPollIntervalS: 1 },
} as const;
