/** Settings of the simulated MethodSCRIPT potentiostat, with where each value comes from. */

export interface DeviceIdentity {
  /** Firmware-string prefix naming the device (`es4_hr`, `espico`, `nexus1`...). */
  readonly device: string;
  readonly firmwareVersion: string;
  /** Text of the second line of the reply to `t` (before its `*`); its real content is unverified. */
  readonly buildInfo: string;
  readonly serial: string;
}

export const SIMULATOR_DEFAULTS = {
  /** An EmStat4 HR: it has the galvanostat (mode 6) that constant-current steps need. */
  identity: { device: 'es4_hr', firmwareVersion: '1.4', buildInfo: '#operando simulator', serial: 'SIM-ES4HR-0001' } satisfies DeviceIdentity,
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
} as const;

/** Devices with a galvanostat (PROTOCOLS.md: mode 6 on EmStat4 and Nexus), and with it galvanostatic EIS. */
export const GALVANOSTAT_DEVICES: readonly string[] = ['es4_hr', 'es4_lr', 'mes4hr', 'mes4lr', 'nexus1'];

/**
 * EmStat4 current ranges: metadata index and nominal full scale (PalmSens'
 * mscript.py table); a range measures up to about three times its nominal value.
 */
export const CURRENT_RANGES: readonly { readonly index: number; readonly fullScaleA: number }[] = [
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
