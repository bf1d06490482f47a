/** Settings of the simulated MethodSCRIPT potentiostat, with where each value comes from. */

export interface DeviceIdentity {
  /** Firmware-string prefix naming the device (`es4_hr`, `espico`, `nexus1`...). */
  readonly device: string;
  readonly firmwareVersion: string;
  /** Text of the second line of the reply to `t` (before its `*`); its real content is unverified. */
  readonly buildInfo: string;
  readonly serial: string;
  /**
   * What the device answers to `v` after the letter; absent, it answers
   * `v!0003` as firmware without the command does (PROTOCOLS.md). Digits
   * only, so both of PalmSens' published clients read it (the older one
   * parses an integer, the newer one keeps the text). The value is
   * unverified: no published transcript shows a real reply.
   */
  readonly methodScriptVersion?: string;
}

export const SIMULATOR_DEFAULTS = {
  /** An EmStat4 HR: it has the galvanostat (mode 6) that constant-current steps need. */
  identity: { device: 'es4_hr', firmwareVersion: '1.4', buildInfo: '#operando simulator', serial: 'SIM-ES4HR-0001', methodScriptVersion: '0106' } satisfies DeviceIdentity,
  /**
   * Measurement noise (1 sd): 20 uV and 100 pA, the order of an EmStat4's
   * resolution on the ranges a battery cell uses.
   */
  noise: { potentialV: 20e-6, currentA: 100e-12 },
  /** Seed of the noise when the lab file gives none. */
  seed: 0,
  /**
   * One EIS point measures a few periods of its frequency (3 here) but takes
   * at least 0.1 s at high frequencies (ranging, settling, computing).
   */
  eisPeriodsPerPoint: 3,
  eisMinPointS: 0.1,
  /** Longest line the device takes from the host (a script line). */
  maxLineLength: 1024,
  /** Script lines kept for one `e`/`l`: bounded, a host that never sends the empty line must not fill memory. */
  maxScriptLines: 2000,
  /**
   * Elements of all arrays of one script together: PalmSens' examples
   * declare up to two arrays of 10000 (MSExample029); a device has a few
   * hundred kB for them. Bounded so a script cannot fill memory.
   */
  maxArrayElements: 100_000,
  /**
   * Commands run between two turns of the event loop when none waits on the
   * clock: a `loop` without `wait` must not starve the links and timers of
   * the process (it takes no lab time either way).
   */
  commandsPerTurn: 1000,
  /**
   * How far a current range measures and sources past its nominal value
   * before it saturates (overload): three times, the ratio of the EmStat4
   * LR's largest current (±30 mA) to its top range (10 mA) in PalmSens'
   * specifications. Unverified for the other ranges and devices.
   */
  rangeSaturationFactor: 3,
  /**
   * Shortest and longest lab step of the cell while the current is held at
   * the range's limit (compliance), in seconds: the steps grow from the
   * shortest, and shrink as the cell's voltage nears the setpoint, so the
   * hold takes over again within about a millisecond of the cell reaching it.
   */
  complianceStepS: { min: 1e-3, max: 60 },
} as const;

/** Devices with a galvanostat (PROTOCOLS.md: mode 6 on EmStat4 and Nexus), and with it galvanostatic EIS. */
export const GALVANOSTAT_DEVICES: readonly string[] = ['es4_hr', 'es4_lr', 'mes4hr', 'mes4lr', 'nexus1'];

/** A current range: its package metadata index and its nominal full scale (A). */
export interface CurrentRange {
  readonly index: number;
  readonly fullScaleA: number;
}

/**
 * EmStat4 current ranges, metadata index and nominal full scale (PalmSens'
 * mscript.py table): 1 nA and 10 nA on the LR only, 100 mA on the HR only.
 * A range measures up to `rangeSaturationFactor` times its nominal value.
 */
export const CURRENT_RANGES: readonly CurrentRange[] = [
  { index: 3, fullScaleA: 1e-9 },
  { index: 6, fullScaleA: 10e-9 },
  { index: 9, fullScaleA: 100e-9 },
  { index: 12, fullScaleA: 1e-6 },
  { index: 15, fullScaleA: 10e-6 },
  { index: 18, fullScaleA: 100e-6 },
  { index: 21, fullScaleA: 1e-3 },
  { index: 24, fullScaleA: 10e-3 },
  { index: 27, fullScaleA: 100e-3 },
];

/**
 * The current ranges of a device by its id (mscript.py): the EmStat4 LR
 * (and MultiEmStat4 LR) lacks the 100 mA range, the HR the 1 and 10 nA
 * ones. Other devices (EmStat Pico, Nexus) get the HR's table: their own
 * tables and indices are not modelled.
 */
export function currentRangesOf(device: string): readonly CurrentRange[] {
  if (device === 'es4_lr' || device === 'mes4lr') return CURRENT_RANGES.filter((r) => r.fullScaleA <= 10e-3);
  return CURRENT_RANGES.filter((r) => r.fullScaleA >= 100e-9);
}
