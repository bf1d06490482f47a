import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DC_STREAM, descriptor, event, runStart, runStop, T0_NS } from '../../../tests/support/store-fixtures.js';
import type { FitResult, Progress } from '../../core/documents.js';
import { JOURNAL_DEFAULTS } from '../defaults.js';
import type { StoredDocument } from '../document-store.js';
import { isStoreError } from '../errors.js';
import { packSlots } from './event-columns.js';
import { RECORD_HEADER_BYTES, decodeRecord, encodeRecord, scanRecords, type JournalSlot } from './record-codec.js';

const MAX = JOURNAL_DEFAULTS.maxRecordBytes;

/** Every stored kind, with the values JSON cannot carry: bigints, typed arrays of each element type, NaN, -0, +-Infinity. */
const EVERY_KIND: StoredDocument[] = [
  runStart('r1', T0_NS, { parameters: { pulses: 3, massNg: 12n, limits: [Number.NEGATIVE_INFINITY, -0, Number.NaN] } }),
  descriptor('r1'),
  event('r1', 1, { potential: -0, current: Number.NaN }),
  event('r1', 2, { potential: Number.POSITIVE_INFINITY, current: Number.NEGATIVE_INFINITY }),
  event(
    'r1',
    1,
    {
      counts: Uint32Array.from([0, 1, 4_294_967_295]),
      spectrum: Float64Array.from([Number.NaN, -0, Number.POSITIVE_INFINITY, 1e-300]),
      gains: Float32Array.from([0.5, -0]),
      offsets: Int32Array.from([-2_147_483_648, 7]),
      channels: Uint16Array.from([65_535]),
      label: 'Li₇La₃Zr₂O₁₂ ✓',
    },
    T0_NS + 5n,
    'mca.spectrum',
  ),
  { kind: 'fit', runId: 'r1', timestampNs: 2n ** 63n - 1n, method: 'gitt', index: 0, result: { d: 1.2e-11, chargeC: 10n ** 20n, residuals: Float64Array.from([-0, Number.NaN]) } } satisfies FitResult,
  runStop('r1', { [DC_STREAM]: 2, 'mca.spectrum': 1 }),
];

function scanAll(buf: Buffer, expectedFirst: number | null = null) {
  const scan = scanRecords(buf, 0, expectedFirst, MAX);
  const slots: JournalSlot[] = [];
  for (const r of scan.records) for (const s of decodeRecord(r)) slots.push(s);
  return { scan, slots };
}

// A safe key: fast-check's dictionaries may otherwise produce `__proto__`, which no document uses.
const key = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/);
const typedArray = fc.oneof(
  fc.float64Array({ maxLength: 40 }),
  fc.float32Array({ maxLength: 40 }),
  fc.uint32Array({ maxLength: 40 }),
  fc.int32Array({ maxLength: 40 }),
  fc.uint16Array({ maxLength: 40 }),
);
// fc.double() includes NaN, -0 and the infinities.
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.double(),
    fc.bigInt(),
    fc.string(),
    fc.boolean(),
    fc.constant(null),
    typedArray,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
}));
const record = fc.dictionary(key, value, { maxKeys: 5 });
const ns = fc.bigInt({ min: 0n, max: 2n ** 63n - 1n });
const runId = fc.string({ minLength: 1, maxLength: 12 });

const storedDocument: fc.Arbitrary<StoredDocument> = fc.oneof(
  fc.record({ kind: fc.constant('run-start' as const), runId, timestampNs: ns, protocol: fc.string(), parameters: record, metadata: record, instruments: record }),
  fc.record({
    kind: fc.constant('descriptor' as const),
    runId,
    descriptorId: fc.string(),
    stream: fc.string(),
    timestampNs: ns,
    dataKeys: fc.constant(descriptor('r').dataKeys),
    flags: fc.dictionary(key, fc.integer({ min: 0, max: 2 ** 31 })),
    configuration: record,
    hints: fc.constant({}),
  }),
  fc.record({
    kind: fc.constant('event' as const),
    runId,
    descriptorId: fc.string(),
    stream: fc.string(),
    seq: fc.integer({ min: 1 }),
    timestampNs: ns,
    data: fc.dictionary(key, fc.oneof(fc.double(), fc.string(), typedArray), { maxKeys: 6 }),
    flags: fc.integer({ min: 0, max: 2 ** 31 }),
  }),
  fc.record({ kind: fc.constant('fit' as const), runId, timestampNs: ns, method: fc.string(), index: fc.integer(), result: record }),
  fc.record({
    kind: fc.constant('run-stop' as const),
    runId,
    timestampNs: ns,
    exitStatus: fc.constantFrom('success' as const, 'abort' as const, 'fail' as const),
    reason: fc.string(),
    events: fc.dictionary(key, fc.nat()),
  }),
);
/** Records as the journal writes them: consecutive positions, holes (null) among the documents. */
const records = fc.array(fc.array(fc.option(storedDocument, { freq: 8 }), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 });

function encodeAll(first: number, recs: readonly JournalSlot[][]): { buf: Buffer; ends: number[] } {
  const parts: Buffer[] = [];
  const ends: number[] = [];
  let position = first;
  let length = 0;
  for (const slots of recs) {
    const part = Buffer.concat(encodeRecord(position, slots));
    parts.push(part);
    length += part.length;
    ends.push(length);
    position += slots.length;
  }
  return { buf: Buffer.concat(parts), ends };
}

describe('journal record codec', () => {
  it('tells -0 from 0 and one typed array type from another when comparing (or the round trips below would prove nothing)', () => {
    expect(new Float64Array([-0])).not.toEqual(new Float64Array([0]));
    expect({ v: -0 }).not.toEqual({ v: 0 });
    expect(new Uint32Array([1])).not.toEqual(new Int32Array([1]));
    expect(Number.NaN).toEqual(Number.NaN);
  });

  it('round-trips every stored kind exactly: bigints, typed arrays, NaN, -0, Infinity', () => {
    const { buf } = encodeAll(41, [EVERY_KIND.slice(0, 3), [null, ...EVERY_KIND.slice(3)]]);
    const { scan, slots } = scanAll(buf, 41);
    expect(scan.stop).toEqual({ kind: 'end' });
    expect(scan.records.map((r) => [r.first, r.count])).toEqual([
      [41, 3],
      [44, 5],
    ]);
    expect(slots).toEqual([...EVERY_KIND.slice(0, 3), null, ...EVERY_KIND.slice(3)]);
    const spectrum = slots[5] as Extract<StoredDocument, { kind: 'event' }>;
    expect(spectrum.data.counts).toBeInstanceOf(Uint32Array);
    expect(Object.is((spectrum.data.spectrum as Float64Array)[1], -0)).toBe(true);
  });

  it('round-trips random documents (property)', () => {
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 40 }), records, (first, recs) => {
        const { buf } = encodeAll(first + 1, recs);
        const { scan, slots } = scanAll(buf, first + 1);
        expect(scan.stop).toEqual({ kind: 'end' });
        expect(slots).toEqual(recs.flat());
      }),
      { numRuns: 200 },
    );
  });

  it('cuts a truncated tail at the last whole record, never misreading or throwing (property)', () => {
    fc.assert(
      fc.property(records, fc.double({ min: 0, max: 1, noNaN: true }), (recs, at) => {
        const { buf, ends } = encodeAll(1, recs);
        const cut = Math.floor(at * buf.length);
        const { scan, slots } = scanAll(buf.subarray(0, cut), 1);
        const whole = ends.filter((end) => end <= cut).length;
        expect(scan.records).toHaveLength(whole);
        expect(scan.end).toBe(whole === 0 ? 0 : ends[whole - 1]);
        expect(scan.stop.kind).toBe(scan.end === cut ? 'end' : 'incomplete');
        expect(slots).toEqual(recs.slice(0, whole).flat());
      }),
      { numRuns: 300 },
    );
  });

  it('stops at a damaged record and returns only the sound ones before it (property)', () => {
    fc.assert(
      fc.property(records, fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 255 }), (recs, at, flip) => {
        const { buf, ends } = encodeAll(1, recs);
        const damaged = Buffer.from(buf);
        const byte = Math.min(buf.length - 1, Math.floor(at * buf.length));
        damaged[byte]! ^= flip;
        const { scan, slots } = scanAll(damaged, 1);
        const hit = ends.findIndex((end) => byte < end);
        // Everything before the damaged record, nothing of it or after it.
        expect(scan.records).toHaveLength(hit);
        expect(slots).toEqual(recs.slice(0, hit).flat());
        expect(scan.end).toBe(hit === 0 ? 0 : ends[hit - 1]);
        // A flipped length may point past the end: that reads as a torn tail, also cut.
        expect(['damaged', 'incomplete']).toContain(scan.stop.kind);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a record out of sequence, and an impossible length without allocating it', () => {
    const { buf } = encodeAll(10, [[EVERY_KIND[0]!], [EVERY_KIND[1]!]]);
    expect(scanRecords(buf, 0, 9, MAX).stop).toMatchObject({ kind: 'damaged', reason: expect.stringMatching(/position 10 where 9/) });
    const huge = Buffer.from(buf);
    huge.writeUInt32LE(0xffff_fff0, 4);
    expect(scanRecords(huge, 0, 10, MAX)).toMatchObject({ records: [], end: 0, stop: { kind: 'damaged', reason: expect.stringMatching(/impossible record header/) } });
    expect(scanRecords(Buffer.alloc(RECORD_HEADER_BYTES + 40), 0, null, MAX).stop).toMatchObject({ kind: 'damaged' });
  });

  it('packs runs of alike events in columns and gives them back exactly, key order included (property)', () => {
    const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    const alikeRun = fc.record({
      keys: fc.uniqueArray(key.filter((k) => k !== '__proto__'), { minLength: 1, maxLength: 5 }),
      n: fc.integer({ min: 1, max: 12 }),
      runId,
      stream: fc.string(),
      values: fc.array(fc.double(), { minLength: 60, maxLength: 60 }),
      seqs: fc.array(fc.oneof(fc.integer({ min: 1 }), fc.double()), { minLength: 12, maxLength: 12 }),
      times: fc.array(int64, { minLength: 12, maxLength: 12 }),
    });
    fc.assert(
      fc.property(fc.array(fc.oneof({ arbitrary: alikeRun, weight: 4 }, { arbitrary: storedDocument, weight: 1 }), { minLength: 1, maxLength: 8 }), (parts) => {
        const slots: StoredDocument[] = [];
        for (const part of parts) {
          if ('kind' in part) {
            slots.push(part);
            continue;
          }
          for (let i = 0; i < part.n; i++) {
            const data: Record<string, number> = {};
            part.keys.forEach((k, j) => (data[k] = part.values[(i * 5 + j) % 60]!));
            slots.push({ kind: 'event', runId: part.runId, descriptorId: `${part.runId}/${part.stream}`, stream: part.stream, seq: part.seqs[i]!, timestampNs: part.times[i]!, data, flags: i });
          }
        }
        const { scan, slots: back } = scanAll(Buffer.concat(encodeRecord(1, slots)), 1);
        expect(scan.stop).toEqual({ kind: 'end' });
        expect(back).toEqual(slots);
        back.forEach((doc, i) => {
          expect(Object.keys(doc!)).toEqual(Object.keys(slots[i]!));
          if (doc?.kind === 'event') expect(Object.keys(doc.data)).toEqual(Object.keys((slots[i] as typeof doc).data));
        });
      }),
      { numRuns: 200 },
    );
  });

  it('packs events as the engine makes them (about a quarter of the plain size), and leaves anything it could not give back exactly plain', () => {
    const dc = Array.from({ length: 100 }, (_, i) => event('r1', i + 1, { potential: 3.7 + i * 1e-3, current: -1e-4 }));
    expect(packSlots(dc).map((item) => item?.kind)).toEqual(['event-columns']);
    // Three events stay plain (too few to pack).
    const plainPerEvent = Buffer.concat(encodeRecord(1, dc.slice(0, 3))).length / 3;
    expect(encodeRecord(1, dc)[1].length).toBeLessThan((plainPerEvent * dc.length) / 3);

    const odd: StoredDocument[] = [
      // Keys in another order.
      { flags: 0, kind: 'event', runId: 'r1', descriptorId: 'r1/pstat.dc', stream: DC_STREAM, seq: 5, timestampNs: 5n, data: { potential: 1, current: 2 } } as StoredDocument,
      // An extra key.
      { ...event('r1', 6, { potential: 1, current: 2 }), note: 'hand-made' } as StoredDocument,
      // A timestamp beyond int64.
      event('r1', 7, { potential: 1, current: 2 }, 2n ** 64n),
      // Data with a text value, and with a typed array.
      event('r1', 8, { potential: 1, label: 'x' }),
      event('r1', 9, { potential: 1, counts: Uint32Array.from([1]) }),
    ];
    const mixed = [...dc.slice(0, 4), ...odd, ...dc.slice(4, 8)];
    expect(packSlots(mixed).map((item) => item?.kind)).toEqual(['event-columns', 'event', 'event', 'event', 'event', 'event', 'event-columns']);
    const back = scanAll(Buffer.concat(encodeRecord(1, mixed)), 1).slots;
    expect(back).toEqual(mixed);
    back.forEach((doc, i) => expect(Object.keys(doc!)).toEqual(Object.keys(mixed[i]!)));
  });

  it('refuses a sound record that does not hold stored documents with a typed error', () => {
    const progress: Progress = { kind: 'progress', runId: 'r1', timestampNs: 1n, phase: 'rest', step: 1, of: null, etaS: null, message: '' };
    const badColumns = { kind: 'event-columns', runId: 'r1', descriptorId: 'd', stream: 's', keys: ['v'], seq: new Float64Array(2), timestampNs: new BigInt64Array(1), flags: new Float64Array(2), values: [new Float64Array(2)] };
    for (const payload of [[progress], [{ kind: 'event' }], ['text'], [1, 2], [badColumns]]) {
      const record = scanRecords(Buffer.concat(encodeRecord(1, payload as unknown as JournalSlot[])), 0, 1, MAX).records[0]!;
      let thrown: unknown;
      try {
        decodeRecord(record);
      } catch (e) {
        thrown = e;
      }
      expect(isStoreError(thrown, 'JOURNAL_DAMAGED'), String(thrown)).toBe(true);
    }
  });
});
