/**
 * Timeouts, limits and script settings of the MethodSCRIPT driver, with where
 * each value comes from. Timeouts are real milliseconds (I/O latency) except
 * where marked as lab seconds (they scale with the clock).
 */
export const METHODSCRIPT_DEFAULTS = {
  /**
   * Reply to `t`, `i`, `Z` and the `e` that accepts a script: the device answers
   * within milliseconds; 3 s also covers a serial device server and a loaded host.
   */
  replyTimeoutMs: 3_000,
  /**
   * After a reply with `!` (e.g. `Z!0006`), PalmSens' Python example waits
   * more than 50 ms before the next command; we wait 100 ms.
   */
  pauseAfterErrorReplyMs: 100,
  /**
   * Silence allowed while a script runs, in lab seconds: `sampleGapFactor`
   * sample intervals plus `sampleGapSlackS`. A device delivers one package per
   * interval; missing three in a row means it is stuck. The slack covers the
   * cell switching and ranging before the first point.
   */
  sampleGapFactor: 3,
  sampleGapSlackS: 5,
  /**
   * One EIS point lasts a few periods of its frequency plus settling (the
   * simulator: 3 periods, at least 0.1 s); allow 10 periods of the lowest
   * frequency plus the slack above.
   */
  eisPeriodsPerPointMax: 10,
  /**
   * Longest reply line accepted: a package of a dozen variables with metadata
   * is under 300 characters; anything longer without a newline is garbage.
   */
  maxLineLength: 1024,
} as const;

/** Settings of the generated scripts. */
export const SCRIPT_DEFAULTS = {
  /**
   * set_max_bandwidth x sample interval: PalmSens' example scripts pair a
   * 100 ms interval with `set_max_bandwidth 60` (CA, OCP).
   */
  bandwidthIntervalProduct: 6,
  /**
   * EIS bandwidth over the highest frequency: the PalmSens EIS example sweeps
   * from 100 kHz with `set_max_bandwidth 1M`.
   */
  eisBandwidthFactor: 10,
  /** Potential range for cell voltages: battery cells stay within 5 V vs the reference. */
  potentialRangeV: 5,
  /** Lowest potential autorange (the PalmSens CP example autoranges `ab` from 100 mV). */
  potentialAutorangeMinV: 0.1,
  /**
   * Current autorange for potentiostatic steps and EIS: 1 nA to 10 mA, the
   * span of the EmStat4 ranges shared by the LR and HR models (PalmSens'
   * mscript.py range table).
   */
  currentAutorangeMinA: 1e-9,
  currentAutorangeMaxA: 10e-3,
  /** Applied-current range when a constant-current step asks for 0 A (the smallest common range). */
  minimumCurrentRangeA: 1e-9,
} as const;
