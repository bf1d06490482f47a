import type { StreamEvent } from '../../core/documents.js';
import type { StoredDocument } from '../document-store.js';

/**
 * A record's slots with runs of consecutive, alike events of one stream packed
 * in columns (as in an event page), for v8.serialize: it writes typed arrays
 * as raw bytes, while a plain event costs it every key and string again, about
 * ten times as much CPU per event. Only what comes back exactly is packed: an
 * event with the engine's keys in the engine's order (kind, runId,
 * descriptorId, stream, seq, timestampNs, data, flags), plain objects, an
 * int64 timestamp, and number values for the same data keys in the same order
 * as the first event of the run. Anything else (a spectrum, a text key, another
 * shape) stays a plain document.
 */
export interface EventColumns {
  readonly kind: 'event-columns';
  readonly runId: string;
  readonly descriptorId: string;
  readonly stream: string;
  /** The data keys, in the events' order. */
  readonly keys: readonly string[];
  readonly seq: Float64Array;
  readonly timestampNs: BigInt64Array;
  readonly flags: Float64Array;
  /** One column per key. */
  readonly values: readonly Float64Array[];
}

type Slot = StoredDocument | null;

const EVENT_KEYS = ['kind', 'runId', 'descriptorId', 'stream', 'seq', 'timestampNs', 'data', 'flags'] as const;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** Shorter runs stay plain: the columns' own keys would cost more than they save. */
const MIN_RUN = 4;

/** The slots, with runs of alike events replaced by their columns. */
export function packSlots(slots: readonly Slot[]): Array<Slot | EventColumns> {
  const items: Array<Slot | EventColumns> = [];
  for (let i = 0; i < slots.length; ) {
    const keys = dataKeysOf(slots[i]);
    let end = i + 1;
    if (keys) while (end < slots.length && isAlike(slots[end], slots[i] as StreamEvent, keys)) end++;
    if (keys && end - i >= MIN_RUN) {
      items.push(columnsOf(slots as readonly StreamEvent[], i, end, keys));
    } else {
      for (let j = i; j < end; j++) items.push(slots[j]!);
    }
    i = end;
  }
  return items;
}

/** The slots back, columns expanded into events; throws a plain Error on anything that is not what packSlots makes. */
export function unpackSlots(items: readonly unknown[]): unknown[] {
  const slots: unknown[] = [];
  for (const item of items) {
    if (!isColumns(item)) {
      slots.push(item);
      continue;
    }
    const { runId, descriptorId, stream, keys, seq, timestampNs, flags, values } = item;
    for (let i = 0; i < seq.length; i++) {
      const data: Record<string, number> = {};
      for (let k = 0; k < keys.length; k++) data[keys[k]!] = values[k]![i]!;
      slots.push({ kind: 'event', runId, descriptorId, stream, seq: seq[i]!, timestampNs: timestampNs[i]!, data, flags: flags[i]! });
    }
  }
  return slots;
}

/** The data keys of an event that can be packed, or null. */
function dataKeysOf(slot: Slot | undefined): string[] | null {
  if (!slot || slot.kind !== 'event' || !hasEventShape(slot)) return null;
  const keys: string[] = [];
  for (const key in slot.data) {
    // An own `__proto__` key would set the prototype when the event is rebuilt.
    if (typeof slot.data[key] !== 'number' || key === '__proto__') return null;
    keys.push(key);
  }
  return keys;
}

function isAlike(slot: Slot | undefined, first: StreamEvent, keys: readonly string[]): boolean {
  if (!slot || slot.kind !== 'event' || slot.descriptorId !== first.descriptorId || slot.runId !== first.runId || slot.stream !== first.stream || !hasEventShape(slot)) return false;
  let k = 0;
  for (const key in slot.data) {
    if (key !== keys[k++] || typeof slot.data[key] !== 'number') return false;
  }
  return k === keys.length;
}

/** Exactly the engine's keys in the engine's order, plain objects, an int64 timestamp, number seq and flags. */
function hasEventShape(event: StreamEvent): boolean {
  if (Object.getPrototypeOf(event) !== Object.prototype || typeof event.data !== 'object' || event.data === null || Object.getPrototypeOf(event.data) !== Object.prototype) return false;
  let k = 0;
  for (const key in event) if (key !== EVENT_KEYS[k++]) return false;
  const t = event.timestampNs;
  return k === EVENT_KEYS.length && typeof t === 'bigint' && t >= INT64_MIN && t <= INT64_MAX && typeof event.seq === 'number' && typeof event.flags === 'number';
}

function columnsOf(events: readonly StreamEvent[], from: number, to: number, keys: readonly string[]): EventColumns {
  const n = to - from;
  const seq = new Float64Array(n);
  const timestampNs = new BigInt64Array(n);
  const flags = new Float64Array(n);
  const values = keys.map(() => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const e = events[from + i]!;
    seq[i] = e.seq;
    timestampNs[i] = e.timestampNs;
    flags[i] = e.flags;
    for (let k = 0; k < keys.length; k++) values[k]![i] = e.data[keys[k]!] as number;
  }
  const first = events[from]!;
  return { kind: 'event-columns', runId: first.runId, descriptorId: first.descriptorId, stream: first.stream, keys, seq, timestampNs, flags, values };
}

function isColumns(item: unknown): item is EventColumns {
  if (typeof item !== 'object' || item === null || (item as { kind?: unknown }).kind !== 'event-columns') return false;
  const c = item as Partial<EventColumns>;
  const n = c.seq instanceof Float64Array ? c.seq.length : -1;
  const ok =
    typeof c.runId === 'string' &&
    typeof c.descriptorId === 'string' &&
    typeof c.stream === 'string' &&
    Array.isArray(c.keys) &&
    c.keys.every((k) => typeof k === 'string') &&
    n >= 0 &&
    c.timestampNs instanceof BigInt64Array &&
    c.timestampNs.length === n &&
    c.flags instanceof Float64Array &&
    c.flags.length === n &&
    Array.isArray(c.values) &&
    c.values.length === c.keys.length &&
    c.values.every((v) => v instanceof Float64Array && v.length === n);
  if (!ok) throw new Error('malformed event columns');
  return true;
}
