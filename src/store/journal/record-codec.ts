import { deserialize, serialize } from 'node:v8';
import { crc32 } from 'node:zlib';
import { errorMessage } from '../../core/errors.js';
import type { StoredDocument } from '../document-store.js';
import { StoreError } from '../errors.js';
import { packSlots, unpackSlots } from './event-columns.js';

/**
 * The journal's on-disk record: the documents of consecutive positions,
 * encoded with `v8.serialize` (bigint timestamps, typed arrays, NaN, -0 and
 * Infinity come back exactly, which JSON cannot do), behind a header whose
 * checksum covers everything after it:
 *
 *   offset  size  field
 *        0     4  crc32 of bytes 4 .. end of the record (zlib.crc32), little-endian
 *        4     4  payload length in bytes
 *        8     4  slot count: documents in the record, holes included
 *       12     6  position of the first slot (48-bit; a million documents a second for 8 years)
 *       18     n  payload: v8.serialize of the slots, `count` documents or null, runs
 *                  of alike events packed in columns (event-columns.ts)
 *
 * A slot is null where a document could not be journaled (it could not be
 * serialised, or alone exceeds the record bound): the position stays taken,
 * so positions run without gaps, and the refusal was reported when it happened.
 * A record is all or nothing: a crash that tears it, or a disk that damages
 * it, fails the checksum (or ends the file early) and the scan stops there.
 */
export const RECORD_HEADER_BYTES = 18;

/** The first bytes of every segment file: what it is and which record format it holds. */
export const SEGMENT_MAGIC = Buffer.from('OPJRNL01', 'latin1');

/** One slot of a record: a document, or a hole where one was refused. */
export type JournalSlot = StoredDocument | null;

/**
 * A record as two buffers, header and payload, written one after the other
 * (writev), so the payload (a tick's documents, up to megabytes) is not copied.
 */
export function encodeRecord(first: number, slots: readonly JournalSlot[]): [header: Buffer, payload: Buffer] {
  const payload = serialize(packSlots(slots));
  const header = Buffer.allocUnsafe(RECORD_HEADER_BYTES);
  header.writeUInt32LE(payload.length, 4);
  header.writeUInt32LE(slots.length, 8);
  header.writeUIntLE(first, 12, 6);
  header.writeUInt32LE(crc32(payload, crc32(header.subarray(4))), 0);
  return [header, payload];
}

/** A record whose header and checksum are sound; its payload is decoded on demand (decodeRecord). */
export interface ScannedRecord {
  readonly first: number;
  readonly count: number;
  /** Where the record starts and ends in the scanned buffer. */
  readonly offset: number;
  readonly end: number;
  readonly payload: Buffer;
}

/** Why a scan stopped before the end of its buffer. */
export type ScanStop =
  /** Every byte was a sound record. */
  | { readonly kind: 'end' }
  /** The buffer ends inside a record: more is to come, or (at the end of a file) a torn tail. */
  | { readonly kind: 'incomplete'; readonly offset: number }
  /** A record that is not one: bad checksum, impossible length or count, or out of sequence. */
  | { readonly kind: 'damaged'; readonly offset: number; readonly reason: string };

export interface ScanResult {
  readonly records: ScannedRecord[];
  /** Just after the last sound record: where a torn or damaged file is cut. */
  readonly end: number;
  readonly stop: ScanStop;
}

/**
 * The sound records of `buf` from `offset` on, in order, stopping at the first
 * byte that is not one. Never throws on bad data: a torn or damaged tail is
 * reported in `stop`, and nothing past it is returned. `expectedFirst`, when
 * given, is the position the first record must start at; each next record
 * must follow its predecessor.
 */
export function scanRecords(buf: Buffer, offset: number, expectedFirst: number | null, maxRecordBytes: number): ScanResult {
  const records: ScannedRecord[] = [];
  let at = offset;
  let next = expectedFirst;
  const stopAt = (stop: ScanStop): ScanResult => ({ records, end: at, stop });
  while (at < buf.length) {
    if (buf.length - at < RECORD_HEADER_BYTES) return stopAt({ kind: 'incomplete', offset: at });
    const length = buf.readUInt32LE(at + 4);
    const count = buf.readUInt32LE(at + 8);
    const first = buf.readUIntLE(at + 12, 6);
    // A v8 payload holds at least a version header and one byte per slot.
    if (length > maxRecordBytes || count === 0 || count > length) {
      return stopAt({ kind: 'damaged', offset: at, reason: `impossible record header (payload ${length} bytes, ${count} documents)` });
    }
    const end = at + RECORD_HEADER_BYTES + length;
    if (end > buf.length) return stopAt({ kind: 'incomplete', offset: at });
    if (crc32(buf.subarray(at + 4, end)) !== buf.readUInt32LE(at)) return stopAt({ kind: 'damaged', offset: at, reason: 'checksum mismatch' });
    if (next !== null && first !== next) return stopAt({ kind: 'damaged', offset: at, reason: `record of position ${first} where ${next} was due` });
    records.push({ first, count, offset: at, end, payload: buf.subarray(at + RECORD_HEADER_BYTES, end) });
    next = first + count;
    at = end;
  }
  return stopAt({ kind: 'end' });
}

/**
 * The slots of a scanned record. A payload that passed its checksum but is not
 * what the journal writes (another format, a bug) is a JOURNAL_DAMAGED error,
 * never a misread document.
 */
export function decodeRecord(record: ScannedRecord): JournalSlot[] {
  let slots: unknown[];
  try {
    const items: unknown = deserialize(record.payload);
    if (!Array.isArray(items)) throw new Error('not an array');
    slots = unpackSlots(items);
  } catch (e) {
    throw damaged(record, `payload does not deserialize: ${errorMessage(e)}`);
  }
  if (slots.length !== record.count) throw damaged(record, `payload is not ${record.count} documents`);
  for (const slot of slots) {
    if (slot !== null && !isDocumentLike(slot)) throw damaged(record, 'payload holds something that is not a stored document');
  }
  return slots as JournalSlot[];
}

/** The kinds a record may hold (a Record, so a new stored kind that is not listed does not compile). */
const STORED_KINDS: Readonly<Record<StoredDocument['kind'], true>> = { 'run-start': true, descriptor: true, event: true, fit: true, 'run-stop': true };

function isDocumentLike(value: unknown): value is StoredDocument {
  if (typeof value !== 'object' || value === null) return false;
  const { kind, runId } = value as { kind?: unknown; runId?: unknown };
  return typeof kind === 'string' && Object.hasOwn(STORED_KINDS, kind) && typeof runId === 'string';
}

function damaged(record: ScannedRecord, reason: string): StoreError {
  return new StoreError(`journal record of position ${record.first} at byte ${record.offset} is damaged: ${reason}`, 'JOURNAL_DAMAGED', {
    position: record.first,
    offset: record.offset,
  });
}
