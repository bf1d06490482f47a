/**
 * Every timeout, retry count and bound of the MCA drivers and of the MCA
 * instrument's acquisitions, with where each value comes from. Link
 * durations are real (wall-clock) milliseconds: an instrument does not
 * answer faster when the lab clock is scaled. "Unverified" marks values
 * taken from public descriptions of the DP5, not checked on hardware: each
 * can be set per instrument (lab-file `options`, or the URL).
 */

export interface RetryPolicy {
  /** Attempts after the first one; only retriable failures (timeouts, garbled packets, busy) are retried. */
  readonly retries: number;
  /** First backoff; doubled per retry, capped, with +-50 % jitter. */
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
}

/** The largest spectrum: 8192 channels of 3 bytes, then the 64 status bytes (PID 81 0C). */
const LARGEST_REPLY_DATA_BYTES = 8192 * 3 + 64;

export const DP5_DEFAULTS = {
  /**
   * Serial speed when a `serial://` URL gives none, and the speed assumed for
   * the serial side of a `tcp://` device server: 115200 baud 8N1, the DP5's
   * RS-232 setting in Amptek's DP5 user manual (unverified on hardware).
   */
  baudRate: 115_200,
  /**
   * UDP port of the DP5's Ethernet interface, used when a `udp://` URL gives
   * none: 10001, the port public DP5 host code sends to. Unverified: the
   * URL's port (or the `udpPort` option) wins.
   */
  udpPort: 10_001,
  /**
   * A short reply (status, ACK, echo, configuration readback): the DP5
   * answers within milliseconds (72 bytes of status take 6 ms at 115200
   * baud); 1 s leaves room for a loaded host and a device server on the path.
   */
  replyTimeoutMs: 1_000,
  /**
   * Long replies are given `replyTimeoutMs` plus this many times the time
   * their bytes take on the line: a 8192-channel spectrum with status (24648
   * bytes) takes 2.1 s at 115200 baud, so it gets 1 s + 4.3 s. Over UDP
   * (Ethernet) the line time is negligible.
   */
  lineTimeFactor: 2,
  /** TCP connect to a device server, and the name lookup of a UDP link: 5 s, as for the other drivers. */
  connectTimeoutMs: 5_000,
  /**
   * Two retries: a garbled or lost packet (RS-232 noise, a dropped datagram)
   * is worth another try; three failures in a row mean the link or the
   * device is down, which retries do not fix. Every DP5 request the driver
   * sends is idempotent (reads, setting a value, clear, enable, disable), so a
   * retry cannot do harm. The first backoff (50 ms) lets a late reply to the
   * abandoned attempt arrive before the next one goes out.
   */
  retry: { retries: 2, backoffBaseMs: 50, backoffMaxMs: 1_000 } satisfies RetryPolicy,
  /**
   * Longest text configuration sent in one packet (`20 02`): 512 bytes, the
   * limit public DP5 host code keeps to (unverified); longer configurations
   * are refused (BAD_CONFIGURATION) rather than split.
   */
  maxTextConfigurationBytes: 512,
  /**
   * The framer's bound: no reply carries more data than a 8192-channel
   * spectrum with status, so a length field above it is garbage
   * (PACKET_TOO_LONG) and the buffer never holds more than one such packet.
   */
  maxReplyDataBytes: LARGEST_REPLY_DATA_BYTES,
  /**
   * Preset real time (`PRET`): seconds with one decimal, at most
   * 99,999,999.9 s (the DP5's command reference; unverified). A preset that
   * rounds to 0 would mean "no preset" and is refused.
   */
  presetRealTimeResolutionS: 0.1,
  maxPresetRealTimeS: 99_999_999.9,
} as const;

/**
 * How the MCA instrument follows an acquisition (src/kinds/mca/instrument.ts).
 * It polls the status until the device reports the preset real time reached:
 * each wait lasts until the preset should be reached by the device's own real
 * time, bounded in real time so the poll neither hammers the link nor leaves
 * it unwatched. Waits are lab time on the lab clock, so the real-time bounds
 * are multiplied by the clock's scale (at 600x, 1 s real is 600 s of lab time).
 */
export const MCA_ACQUISITION_DEFAULTS = {
  /**
   * Shortest wait after a poll that found the MCA still counting, real ms: a
   * status exchange takes ~10 ms at 115200 baud; polling faster than every
   * 50 ms would keep the line busy for nothing. (The first wait is the
   * preset itself, so an acquisition is normally seen to end by the first
   * poll after it.)
   */
  minPollRealMs: 50,
  /**
   * Longest wait between polls, real ms: one status a second keeps a link
   * that fails silently (UDP) noticed within a few seconds (reply timeout
   * and retries), as the temperature polls do.
   */
  maxPollRealMs: 1_000,
  /**
   * An acquisition whose preset is still not reached after this many times
   * its real time, plus `stallSlackRealMs` of real time, has stalled (the
   * device stopped counting real time: disabled by someone else, gated):
   * McaError ACQUISITION_STALLED. 1.5x is far beyond any difference between
   * the device's crystal and the host's clock.
   */
  stallFactor: 1.5,
  stallSlackRealMs: 10_000,
} as const;
