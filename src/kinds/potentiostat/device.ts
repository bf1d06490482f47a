/**
 * What the service needs of a potentiostat driver. The MethodSCRIPT driver
 * (drivers/potentiostat/methodscript/) implements it; another vendor's driver
 * would too.
 */
export type PotentiostatStep =
  | { kind: 'ocp'; durationS: number; intervalS: number }
  | { kind: 'constant-current'; currentA: number; durationS: number; intervalS: number; limits?: { minV?: number; maxV?: number } }
  | { kind: 'constant-potential'; potentialV: number; durationS: number; intervalS: number }
  | { kind: 'eis'; mode?: 'potentiostatic'; startHz: number; endHz: number; points: number; amplitudeV: number; dcV: number }
  /** Galvanostatic EIS: a sine current of `amplitudeA` around `dcA`; Z as for the potentiostatic sweep. */
  | { kind: 'eis'; mode: 'galvanostatic'; startHz: number; endHz: number; points: number; amplitudeA: number; dcA: number };

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
  /** `completed`: ran its full duration; `cut-off`: a limit in the script ended it; `aborted`. */
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
  runStep(step: PotentiostatStep, onSample: (s: PotentiostatSample) => void, signal?: AbortSignal): Promise<StepOutcome>;
  cellOff(): Promise<void>;
  close(): Promise<void>;
}
