import { endianness } from 'node:os';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { ARRAY_CONSTRUCTORS, type ArrayElementType, type DataKey, type EventArray } from '../../core/documents.js';
import { MAX_SCALAR_KEYS } from '../../core/stream-spec.js';

/**
 * Where each data key of a stream lives in the events tables, derived from
 * the descriptor's data keys in their order: number and integer keys in the
 * columns v0, v1, ... (at most MAX_SCALAR_KEYS), text keys in the `text` JSON
 * column, array keys in `event_arrays` by their index among the arrays.
 */
export interface EventLayout {
  readonly scalars: ReadonlyArray<{ readonly key: string; readonly column: string }>;
  readonly texts: readonly string[];
  readonly arrays: ReadonlyArray<{ readonly key: string; readonly index: number; readonly elementType: ArrayElementType }>;
}

export function eventLayout(dataKeys: Readonly<Record<string, DataKey>>): EventLayout {
  const scalars: Array<{ key: string; column: string }> = [];
  const texts: string[] = [];
  const arrays: Array<{ key: string; index: number; elementType: ArrayElementType }> = [];
  for (const [key, dk] of Object.entries(dataKeys)) {
    if (dk.dtype === 'array') arrays.push({ key, index: arrays.length, elementType: dk.elementType ?? 'float64' });
    else if (dk.dtype === 'string') texts.push(key);
    else scalars.push({ key, column: `v${scalars.length}` });
  }
  if (scalars.length > MAX_SCALAR_KEYS) throw new RangeError(`${scalars.length} number keys: the store holds at most ${MAX_SCALAR_KEYS} per stream`);
  return { scalars, texts, arrays };
}

/** Deflated only when that saves at least a quarter: counts of a sparse spectrum shrink a lot, noise does not. */
const DEFLATE_WORTH = 0.75;

export const ENCODING_RAW = 0;
export const ENCODING_DEFLATE = 1;

/** Typed arrays go to disk in the machine's byte order, which the store requires to be little-endian. */
export function assertLittleEndian(): void {
  if (endianness() !== 'LE') throw new Error('the store writes little-endian typed arrays; this machine is big-endian');
}

/** An array value as stored: its bytes, deflated when worth it. */
export function encodeArray(values: EventArray): { encoding: number; data: Buffer } {
  const raw = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  const deflated = deflateRawSync(raw, { level: 1 });
  return deflated.length < DEFLATE_WORTH * raw.length ? { encoding: ENCODING_DEFLATE, data: deflated } : { encoding: ENCODING_RAW, data: Buffer.from(raw) };
}

/** The typed array of a stored blob (a copy, aligned for its element type). */
export function decodeArray(encoding: number, data: Uint8Array, elementType: ArrayElementType): EventArray {
  const bytes = encoding === ENCODING_DEFLATE ? inflateRawSync(data) : data;
  const aligned = new Uint8Array(bytes).buffer;
  return new ARRAY_CONSTRUCTORS[elementType](aligned);
}
