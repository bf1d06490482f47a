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
  /**
   * Top the current ranges of potential holds and PEIS (`set_range ba`,
   * `set_autoranging ba`) with the lab file's maxAbsCurrentA instead of
   * `currentAutorangeMaxA`: PROTOCOLS.md ("Ranges") has a current past the
   * top range saturate, flagged overload. Unverified on hardware: that the
   * top autorange caps what a device sources, and how far past its nominal
   * value a range reaches (the simulator's table, after PalmSens' mscript.py,
   * takes about three times): the bound is coarse, which is why the scripts
   * also end a potential hold's loop on the measured current. `false` leaves
   * the ranges at `currentAutorangeMaxA` (the loop condition stays).
   */
  boundCurrentRangeByHardLimit: true as boolean,
} as const;

/** A frequency range of impedance sweeps, in Hz. */
export interface FrequencyRangeHz {
  readonly minHz: number;
  readonly maxHz: number;
}

/**
 * What MethodSCRIPT devices can do, checked by the protocols before a run
 * starts (src/protocols/instrument-bounds.ts), so an impossible request is a
 * 400 naming the bound, not a device error mid-run.
 */
export const METHODSCRIPT_LIMITS = {
  /**
   * Shortest sampling interval of a measurement loop (`meas_loop_ca/cp/ocp`),
   * lab seconds: PalmSens' EmStat Pico and EmStat4 specifications give at
   * most 1000 data points per second for DC techniques (unverified against
   * hardware). The scripts also set `set_max_bandwidth` to 6 / interval
   * (SCRIPT_DEFAULTS), 6 kHz at 1 ms.
   */
  minSampleIntervalS: 1e-3,
  /**
   * EIS frequency range by device id (identify()). All unverified against
   * hardware. Lowest: 10 uHz, PalmSens' specification for the EmStat4 and
   * Nexus, taken for every device. Highest: 200 kHz for the EmStat Pico and
   * the Sensit (PalmSens' specification); 1 MHz for the Nexus. The EmStat4
   * family is listed at 200 kHz in PalmSens' product pages, but the entry
   * holds 1 MHz, the range of the simulated EmStat4 HR the simulated lab's
   * pellet sweeps rely on: lower it to 200 kHz once a real EmStat4 has been
   * checked and the simulator bounded the same way.
   */
  eisFrequencyHz: {
    espico: { minHz: 1e-5, maxHz: 200e3 },
    senswb: { minHz: 1e-5, maxHz: 200e3 },
    es4_lr: { minHz: 1e-5, maxHz: 1e6 },
    es4_hr: { minHz: 1e-5, maxHz: 1e6 },
    mes4lr: { minHz: 1e-5, maxHz: 1e6 },
    mes4hr: { minHz: 1e-5, maxHz: 1e6 },
    nexus1: { minHz: 1e-5, maxHz: 1e6 },
  } satisfies Readonly<Record<string, FrequencyRangeHz>>,
  /** A device not identified (yet), or unknown: the widest range of the devices above. */
  eisFrequencyUnknownDeviceHz: { minHz: 1e-5, maxHz: 1e6 } satisfies FrequencyRangeHz,
} as const;
