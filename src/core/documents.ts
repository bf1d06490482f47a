/**
 * The documents that flow on the one stream of the service (after bluesky's
 * event model). The store writer, the live fits and the WebSocket fan-out
 * consume it independently.
 *
 * A run opens with `run-start`. Each stream of measurements (a
 * potentiostat's DC samples, its impedance points, a controller's
 * temperatures, an MCA's spectra) is described once by a `descriptor`: its
 * data keys with dtype, shape, unit and source, the flag bits its events may
 * carry, and the configuration of the instruments behind it. Every
 * measurement is then an `event` of that stream: sequence number, timestamp,
 * `data` keyed by data key (the values measured together stay together) and
 * the instrument's status flags. `fit` documents carry live analysis results,
 * `progress` the run's live state, and `run-stop` closes the run.
 *
 * Timestamps are lab-clock nanoseconds since the Unix epoch as `bigint`
 * (a JS number cannot hold them to the nanosecond). Over JSON they travel as
 * decimal strings (see `toJsonSafe`).
 */

/** How a data key's values are typed: numbers (float64), integers, typed arrays, text. */
export type Dtype = 'number' | 'integer' | 'array' | 'string';

/** Element type of an array data key: how its values are held in memory and on disk. */
export type ArrayElementType = 'float64' | 'float32' | 'uint32' | 'int32' | 'uint16';

/** What one data key of a stream holds. */
export interface DataKey {
  readonly dtype: Dtype;
  /** `[]` for a scalar, `[4096]` for a 4096-channel spectrum. */
  readonly shape: readonly number[];
  /** For `array` keys: the element type. */
  readonly elementType?: ArrayElementType;
  /** SI unit symbol (`V`, `A`, `Hz`, `ohm`, `K`, `%`, `s`, `counts`); `''` for a dimensionless number or text. */
  readonly unit: string;
  /** The instrument (lab-file id) that measured it. */
  readonly source: string;
  /** What the instrument calls it, e.g. `MethodSCRIPT ab (WE vs RE potential)`, `Eurotherm tag 1 (PV)`. */
  readonly nativeQuantity: string;
  /** Decimal places worth showing (the instrument's resolution), when known. */
  readonly precision?: number;
  readonly description: string;
}

/** Keys a live plot of the stream shows by default: `x` is a data key or `time`. */
export interface PlotHints {
  readonly x: string;
  readonly y: readonly string[];
}

/** Describes one stream of a run, once, before its first event. */
export interface Descriptor {
  readonly kind: 'descriptor';
  readonly runId: string;
  /** Unique across runs; events name it. */
  readonly descriptorId: string;
  /** The stream's name in the run, `<instrument>.<what>`: `pstat1.dc`, `pstat1.eis`, `furnace1.temperature`. */
  readonly stream: string;
  readonly timestampNs: bigint;
  readonly dataKeys: Readonly<Record<string, DataKey>>;
  /** The status bits an event's `flags` may carry, by name (`overload: 2`). */
  readonly flags: Readonly<Record<string, number>>;
  /** The configuration of each instrument behind the stream when the stream opened (driver, transport, limits, identity). */
  readonly configuration: Readonly<Record<string, unknown>>;
  readonly hints: { readonly plot?: PlotHints };
}

/** A value of one data key in one event. */
export type EventValue = number | string | EventArray;

/** The typed arrays an `array` data key may hold. */
export type EventArray = Float64Array | Float32Array | Uint32Array | Int32Array | Uint16Array;

/** The typed array behind each element type: what events hold and what the store writes, little-endian. */
export const ARRAY_CONSTRUCTORS = {
  float64: Float64Array,
  float32: Float32Array,
  uint32: Uint32Array,
  int32: Int32Array,
  uint16: Uint16Array,
} as const satisfies Record<ArrayElementType, unknown>;

/** One measurement of a stream: the values taken together, with the instrument's status. */
export interface StreamEvent {
  readonly kind: 'event';
  readonly runId: string;
  readonly descriptorId: string;
  /** The descriptor's stream name (so consumers need not look it up to filter). */
  readonly stream: string;
  /** 1, 2, 3, ... per stream, in the order the events reached the service. */
  readonly seq: number;
  readonly timestampNs: bigint;
  readonly data: Readonly<Record<string, EventValue>>;
  /** Status bits named by the descriptor's `flags` (0: nothing to report). */
  readonly flags: number;
}

/** Consecutive events of one stream in columns (bluesky's event page): the WebSocket's compact form. */
export interface EventPage {
  readonly kind: 'event-page';
  readonly runId: string;
  readonly descriptorId: string;
  readonly stream: string;
  readonly seq: readonly number[];
  readonly timestampsNs: readonly bigint[];
  readonly data: Readonly<Record<string, readonly EventValue[]>>;
  readonly flags: readonly number[];
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
  /** Events published in the run, per stream. */
  readonly events: Readonly<Record<string, number>>;
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

export type Document = RunStart | Descriptor | StreamEvent | EventPage | RunStop | FitResult | Progress;

/** Events of a run-stop, all streams together. */
export function totalEvents(counts: Readonly<Record<string, number>>): number {
  let total = 0;
  for (const n of Object.values(counts)) total += n;
  return total;
}

/** The names of the flag bits set in `flags`, in the descriptor's order. */
export function flagNames(flagBits: Readonly<Record<string, number>>, flags: number): string[] {
  const names: string[] = [];
  for (const [name, bit] of Object.entries(flagBits)) if ((flags & bit) !== 0) names.push(name);
  return names;
}

/** A JSON-safe copy: bigints become decimal strings, typed arrays plain arrays, NaN null. */
export function toJsonSafe<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value, jsonReplacer));
}

/** The replacer behind `toJsonSafe`, for callers that serialise themselves. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as EventArray);
  return value;
}
