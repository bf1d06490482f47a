/**
 * The documents that flow on the one stream of the service (after bluesky's
 * document model). The store writer, the live fits and the WebSocket fan-out
 * consume it independently.
 *
 * Timestamps are lab-clock nanoseconds since the Unix epoch as `bigint`
 * (a JS number cannot hold them to the nanosecond). Over JSON they travel as
 * decimal strings (see `toJsonSafe`).
 */

/** One measured value with its unit, from one instrument, in one run. */
export interface Reading {
  readonly kind: 'reading';
  readonly runId: string;
  /** Per-run sequence number, 0, 1, 2, ... in the order readings reached the service. */
  readonly seq: number;
  readonly instrument: string;
  /** Quantity name, e.g. `potential`, `current`, `temperature`, `z_re`. */
  readonly quantity: string;
  readonly value: number;
  /** SI unit symbol, e.g. `V`, `A`, `K`, `ohm`, `Hz`, `s`. */
  readonly unit: string;
  readonly timestampNs: bigint;
}

export type ExitStatus = 'success' | 'abort' | 'fail';

/** Opens a run: what is done, with what, on which instruments as configured now. */
export interface RunStart {
  readonly kind: 'run-start';
  readonly runId: string;
  readonly timestampNs: bigint;
  /** Protocol name and version, e.g. `gitt@1`. */
  readonly protocol: string;
  /** The validated protocol parameters. */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** Sample, operator, free-form notes. */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Snapshot of every instrument's configuration (driver, transport, limits, identity). */
  readonly instruments: Readonly<Record<string, unknown>>;
}

/** Closes a run with a machine-readable exit status and a human reason. */
export interface RunStop {
  readonly kind: 'run-stop';
  readonly runId: string;
  readonly timestampNs: bigint;
  readonly exitStatus: ExitStatus;
  /** Why it stopped: `completed`, `voltage cut-off`, `aborted by operator`, an error message, ... */
  readonly reason: string;
  /** Readings published in the run. */
  readonly readings: number;
}

/** A fit result (GITT pulse, EIS spectrum, Arrhenius, ...) published as a document. */
export interface FitResult {
  readonly kind: 'fit';
  readonly runId: string;
  readonly timestampNs: bigint;
  /** Analysis method, e.g. `gitt`, `eis`, `kk`, `arrhenius`. */
  readonly method: string;
  /** Position in the run: pulse number, sweep number, temperature step. */
  readonly index: number;
  /** The result: parameters with units, standard errors, goodness of fit, warnings. */
  readonly result: Readonly<Record<string, unknown>>;
}

/** Progress of a run, e.g. pulse 3 of 20, with an estimated time to completion. */
export interface Progress {
  readonly kind: 'progress';
  readonly runId: string;
  readonly timestampNs: bigint;
  /** What the run is doing now, e.g. `pulse`, `rest`, `paused`. */
  readonly phase: string;
  readonly step: number;
  /** Total steps when known. */
  readonly of: number | null;
  /** Estimated lab seconds to completion when known. */
  readonly etaS: number | null;
  readonly message: string;
}

export type Document = Reading | RunStart | RunStop | FitResult | Progress;

/** A JSON-safe copy: bigints become decimal strings. */
export function toJsonSafe<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
}
