/**
 * What the service needs of a potentiostat driver. The MethodSCRIPT driver
 * (drivers/potentiostat/methodscript/) implements it; another vendor's driver
 * would too.
 *
 * A step's `limits` (constant current) are protocol cut-offs: crossing one ends
 * the step normally (`cut-off`). Hard limits are another thing: see HardLimitedStep.
 */
export type PotentiostatStep =
  | { kind: 'ocp'; durationS: number; intervalS: number }
  | { kind: 'constant-current'; currentA: number; durationS: number; intervalS: number; limits?: { minV?: number; maxV?: number } }
  | { kind: 'constant-potential'; potentialV: number; durationS: number; intervalS: number }
  | { kind: 'eis'; mode?: 'potentiostatic'; startHz: number; endHz: number; points: number; amplitudeV: number; dcV: number }
  /** Galvanostatic EIS: a sine current of `amplitudeA` around `dcA`; Z as for the potentiostatic sweep. */
  | { kind: 'eis'; mode: 'galvanostatic'; startHz: number; endHz: number; points: number; amplitudeA: number; dcA: number };

/**
 * The hard limits of the lab file (`limits` of the potentiostat): the cell
 * voltage window and the largest |current|.
 */
export interface PotentiostatHardLimits {
  readonly minV: number;
  readonly maxV: number;
  readonly maxAbsCurrentA: number;
}

/**
 * A step as a device receives it: with the instrument's hard limits, which
 * `PotentiostatInstrument.runStep` adds to every step. The device holds the
 * cell within them on its own, at its own sample rate (a MethodSCRIPT device
 * through conditions in its script), so neither a dead service nor a dead link
 * can push a cell past them; a step a device ends at a hard limit still
 * reaches the service as a sample beyond it (LIMIT_EXCEEDED).
 */
export type HardLimitedStep = PotentiostatStep & { readonly hardLimits: PotentiostatHardLimits };

/**
 * The status bits a potentiostat sample may carry (event `flags` of its
 * streams). They are MethodSCRIPT's measurement-status bits, which any
 * potentiostat can report in the same terms.
 */
export const POTENTIOSTAT_FLAGS = {
  /** The sample was not taken at its scheduled time. */
  timing_error: 0x1,
  /** The signal exceeded the current (or potential) range: the value is clipped. */
  overload: 0x2,
  /** The signal is below the range's useful resolution. */
  underload: 0x4,
  /** The signal is close to the range's end. */
  overload_warning: 0x8,
} as const;

export interface PotentiostatSample {
  /** Seconds since the step started, in the instrument's time. */
  readonly elapsedS: number;
  readonly potentialV?: number;
  readonly currentA?: number;
  readonly frequencyHz?: number;
  readonly zReOhm?: number;
  readonly zImOhm?: number;
  /** Bits of POTENTIOSTAT_FLAGS; 0 when the sample is clean. */
  readonly flags: number;
}

export interface StepOutcome {
  /**
   * `completed`: ran its full duration; `cut-off`: a limit in the script ended
   * it (a protocol cut-off, or a hard limit: `PotentiostatInstrument` turns the
   * sample beyond a hard limit into LIMIT_EXCEEDED, so a protocol sees
   * `cut-off` for its own cut-offs only); `aborted`.
   */
  readonly ending: 'completed' | 'cut-off' | 'aborted';
}

/** What the driver calls the quantities it delivers, for the descriptors of the potentiostat's streams. */
export interface PotentiostatNativeQuantities {
  readonly potential: string;
  readonly current: string;
  readonly frequency: string;
  readonly zRe: string;
  readonly zIm: string;
}

export interface PotentiostatDevice {
  readonly nativeQuantities: PotentiostatNativeQuantities;
  identify(): Promise<Record<string, unknown>>;
  runStep(step: HardLimitedStep, onSample: (s: PotentiostatSample) => void, signal?: AbortSignal): Promise<StepOutcome>;
  cellOff(): Promise<void>;
  close(): Promise<void>;
}
