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

export interface PotentiostatSample {
  /** Seconds since the step started, in the instrument's time. */
  readonly elapsedS: number;
  readonly potentialV?: number;
  readonly currentA?: number;
  readonly frequencyHz?: number;
  readonly zReOhm?: number;
  readonly zImOhm?: number;
}

export interface StepOutcome {
  /** `completed`: ran its full duration; `cut-off`: a limit in the script ended it; `aborted`. */
  readonly ending: 'completed' | 'cut-off' | 'aborted';
}

export interface PotentiostatDevice {
  identify(): Promise<Record<string, unknown>>;
  runStep(step: PotentiostatStep, onSample: (s: PotentiostatSample) => void, signal?: AbortSignal): Promise<StepOutcome>;
  cellOff(): Promise<void>;
  close(): Promise<void>;
}
