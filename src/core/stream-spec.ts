import { ARRAY_CONSTRUCTORS, type DataKey, type EventValue, type PlotHints } from './documents.js';

/**
 * What a stream is before it has a descriptor: the instrument kinds declare
 * these (src/kinds/<kind>/streams.ts) and protocols open them with
 * `ctx.stream(spec)`; the run engine publishes the descriptor with the first
 * event.
 */
export interface StreamSpec {
  /** `<instrument>.<what>`, unique in a run. */
  readonly name: string;
  readonly dataKeys: Readonly<Record<string, DataKey>>;
  readonly flags: Readonly<Record<string, number>>;
  /** Configuration snapshots of the instruments behind the stream, by instrument id. */
  readonly configuration: Readonly<Record<string, unknown>>;
  readonly hints: { readonly plot?: PlotHints };
}

/** A number data key of an instrument's stream (the usual kind: a scalar with a unit). */
export function numberKey(source: string, unit: string, nativeQuantity: string, precision: number, description: string): DataKey {
  return { dtype: 'number', shape: [], unit, source, nativeQuantity, precision, description };
}

/** A stream of a running run: each `emit` becomes one event document. */
export interface EventStream {
  readonly name: string;
  /** `flags`: bits named in the spec's `flags` (default 0). */
  emit(data: Readonly<Record<string, EventValue>>, timestampNs: bigint, flags?: number): void;
}

/**
 * The scalar (number and integer) keys one stream may have: the store keeps
 * each in a column of its own. The widest stream today (temperature) has four.
 */
export const MAX_SCALAR_KEYS = 16;

/** The largest array a data key may declare (an MCA's 16k channels, with room). */
export const MAX_ARRAY_LENGTH = 1 << 16;

const KEY_NAME = /^[a-z][a-z0-9_]{0,63}$/;
const STREAM_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}\.[a-z][a-z0-9_-]{0,31}$/;

/** What is wrong with a spec, or null: names, dtypes and shapes that agree, no more scalars than the store holds. */
export function streamSpecProblem(spec: StreamSpec): string | null {
  if (!STREAM_NAME.test(spec.name)) return `stream name "${spec.name}" is not <instrument>.<what>`;
  const keys = Object.entries(spec.dataKeys);
  if (keys.length === 0) return `stream ${spec.name} has no data keys`;
  let scalars = 0;
  for (const [name, key] of keys) {
    if (!KEY_NAME.test(name)) return `data key "${name}" of ${spec.name}: lower case letters, digits and _, starting with a letter`;
    if (key.dtype === 'array') {
      const [length, ...more] = key.shape;
      if (more.length > 0 || length === undefined || !Number.isInteger(length) || length < 1 || length > MAX_ARRAY_LENGTH) {
        return `data key ${name} of ${spec.name}: an array has the shape [n] with 1 <= n <= ${MAX_ARRAY_LENGTH}`;
      }
      if (key.elementType === undefined) return `data key ${name} of ${spec.name}: an array needs an elementType`;
    } else {
      if (key.shape.length !== 0) return `data key ${name} of ${spec.name}: a ${key.dtype} has the shape []`;
      if (key.dtype !== 'string') scalars++;
    }
  }
  if (scalars > MAX_SCALAR_KEYS) return `stream ${spec.name} has ${scalars} scalar keys, more than ${MAX_SCALAR_KEYS}`;
  for (const [flag, bit] of Object.entries(spec.flags)) {
    if (!KEY_NAME.test(flag) || !Number.isInteger(Math.log2(bit)) || bit > 2 ** 30) return `flag ${flag} of ${spec.name} is not a single bit`;
  }
  return null;
}

/** What is wrong with one event's data for its stream, or null. */
export function eventDataProblem(spec: StreamSpec, data: Readonly<Record<string, EventValue>>): string | null {
  const names = Object.keys(data);
  for (const name of names) if (!(name in spec.dataKeys)) return `${spec.name}: unknown data key ${name}`;
  for (const [name, key] of Object.entries(spec.dataKeys)) {
    const value = data[name];
    if (value === undefined) return `${spec.name}: data key ${name} is missing`;
    switch (key.dtype) {
      case 'number':
        if (typeof value !== 'number') return `${spec.name}: ${name} must be a number`;
        break;
      case 'integer':
        if (typeof value !== 'number' || !Number.isSafeInteger(value)) return `${spec.name}: ${name} must be a safe integer`;
        break;
      case 'string':
        if (typeof value !== 'string') return `${spec.name}: ${name} must be text`;
        break;
      case 'array':
        if (!(value instanceof ARRAY_CONSTRUCTORS[key.elementType!]) || value.length !== key.shape[0]) {
          return `${spec.name}: ${name} must be a ${key.elementType} array of ${key.shape[0]} values`;
        }
        break;
    }
  }
  return null;
}
