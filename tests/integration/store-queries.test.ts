import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataKey, StreamEvent } from '../../src/core/documents.js';
import type { EventRows, StreamData } from '../../src/store/document-store.js';
import { isStoreError } from '../../src/store/errors.js';
import { openSqliteStore, type SqliteDocumentStore } from '../../src/store/sqlite/sqlite-store.js';
import { DC_STREAM, descriptor, event, runStart, T0_NS, tempDir } from '../support/store-fixtures.js';

type Raw = Extract<StreamData, { downsampled: false }>;
type Buckets = Extract<StreamData, { downsampled: true }>;

const raw = (data: StreamData | undefined): Raw => {
  if (!data || data.downsampled) throw new Error('expected raw events');
  return data;
};

/** min, max and mean over the non-NaN values (NaN when there are none), as the store documents them. */
function stats(values: number[]) {
  const real = values.filter((v) => !Number.isNaN(v));
  if (real.length === 0) return { min: Number.NaN, max: Number.NaN, mean: Number.NaN };
  let min = Infinity;
  let max = -Infinity;
  for (const v of real) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { min, max, mean: real.reduce((a, b) => a + b, 0) / real.length };
}

const dc = (runId: string, seq: number, offsetNs: bigint, potential: number, current = 1e9, flags = 0): StreamEvent =>
  event(runId, seq, { potential, current }, T0_NS + offsetNs, DC_STREAM, flags);

describe('store event queries', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: SqliteDocumentStore;
  let runs = 0;
  const newRun = async (...streams: Parameters<typeof descriptor>[1][]): Promise<string> => {
    const runId = `run-${++runs}`;
    await store.append([runStart(runId), ...(streams.length > 0 ? streams : [DC_STREAM]).map((s) => descriptor(runId, s))]);
    return runId;
  };

  beforeAll(async () => {
    tmp = tempDir();
    store = await openSqliteStore(path.join(tmp.dir, 'queries.db'));
  });
  afterAll(async () => {
    await store.close();
    tmp.remove();
  });

  it('downsamples a key to at most maxPoints buckets whose min/max/mean/count/flags match a brute-force computation', async () => {
    const value = fc.oneof({ arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((v) => v + 0), weight: 9 }, { arbitrary: fc.constant(Number.NaN), weight: 1 });
    const sample = fc.record({ offsetNs: fc.bigInt({ min: 0n, max: 1_000_000n }), value, flags: fc.constantFrom(0, 0, 0, 1, 2, 4, 8) });
    const bound = fc.option(fc.bigInt({ min: -1_000n, max: 1_100_000n }), { nil: undefined });
    const branches = { raw: 0, buckets: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(sample, { minLength: 1, maxLength: 300, size: 'max' }), fc.integer({ min: 1, max: 40 }), bound, bound, async (samples, maxPoints, from, to) => {
        const runId = await newRun();
        // The current key of the same events must not leak into the potential's buckets.
        const docs = samples.map((s, i) => dc(runId, i + 1, s.offsetNs, s.value, 1e9, s.flags));
        await store.append(docs);
        const fromNs = from === undefined ? undefined : T0_NS + from;
        const toNs = to === undefined ? undefined : T0_NS + to;

        const [data, ...others] = await store.queryEvents({ runId, keys: ['potential'], maxPoints, ...(fromNs !== undefined && { fromNs }), ...(toNs !== undefined && { toNs }) });
        expect(others).toEqual([]);
        expect(Object.keys(data!.dataKeys)).toEqual(['potential']);
        const inRange = docs
          .filter((d) => (fromNs === undefined || d.timestampNs >= fromNs) && (toNs === undefined || d.timestampNs < toNs))
          .sort((a, b) => (a.timestampNs === b.timestampNs ? a.seq - b.seq : a.timestampNs < b.timestampNs ? -1 : 1));
        expect(data!.total).toBe(inRange.length);
        if (inRange.length <= maxPoints) {
          branches.raw++;
          const rows = raw(data);
          expect(rows.seq).toEqual(inRange.map((d) => d.seq));
          expect(rows.timestampsNs).toEqual(inRange.map((d) => d.timestampNs));
          expect(rows.flags).toEqual(inRange.map((d) => d.flags));
          expect(rows.data).toEqual({ potential: inRange.map((d) => d.data.potential) });
          return;
        }
        if (!data!.downsampled) return expect.unreachable('expected buckets');
        const buckets: Buckets = data!;
        branches.buckets++;
        const first = inRange[0]!.timestampNs;
        const last = inRange.at(-1)!.timestampNs;
        expect(buckets.timestampsNs.length).toBeLessThanOrEqual(maxPoints);
        // The narrowest buckets of which maxPoints cover [first, last].
        expect(buckets.bucketNs * BigInt(maxPoints)).toBeGreaterThan(last - first);
        expect((buckets.bucketNs - 1n) * BigInt(maxPoints)).toBeLessThanOrEqual(last - first);
        let counted = 0;
        for (const [i, start] of buckets.timestampsNs.entries()) {
          expect((start - first) % buckets.bucketNs).toBe(0n);
          if (i > 0) expect(start).toBeGreaterThan(buckets.timestampsNs[i - 1]!);
          const members = inRange.filter((d) => d.timestampNs >= start && d.timestampNs < start + buckets.bucketNs);
          expect(buckets.count[i]).toBe(members.length);
          expect(members.length).toBeGreaterThan(0);
          expect(buckets.flags[i]).toBe(members.reduce((bits, d) => bits | d.flags, 0));
          const values = members.map((d) => d.data.potential as number);
          const expected = stats(values);
          const column = buckets.data.potential!;
          expect(column.min[i]).toBe(expected.min);
          expect(column.max[i]).toBe(expected.max);
          if (Number.isNaN(expected.mean)) expect(column.mean[i]).toBeNaN();
          // Summation order differs (SQLite compensates): allow rounding relative to the values' magnitude.
          else expect(Math.abs(column.mean[i]! - expected.mean)).toBeLessThanOrEqual(1e-9 * values.reduce((m, v) => Math.max(m, Math.abs(v) || 0), 1));
          counted += members.length;
        }
        expect(counted).toBe(inRange.length);
      }),
      { numRuns: 150 },
    );
    // Both answers were exercised, not only the easy one.
    expect(branches.raw).toBeGreaterThan(15);
    expect(branches.buckets).toBeGreaterThan(15);
  });

  it('takes fromNs as inclusive and toNs as exclusive', async () => {
    const runId = await newRun();
    await store.append([10n, 20n, 30n].map((t, i) => dc(runId, i + 1, t, i)));
    const times = async (fromNs?: bigint, toNs?: bigint) =>
      raw((await store.queryEvents({ runId, ...(fromNs !== undefined && { fromNs: T0_NS + fromNs }), ...(toNs !== undefined && { toNs: T0_NS + toNs }) }))[0]).timestampsNs.map(
        (t) => t - T0_NS,
      );
    expect(await times(20n, 30n)).toEqual([20n]);
    expect(await times(20n, 31n)).toEqual([20n, 30n]);
    expect(await times(21n)).toEqual([30n]);
    expect(await times(undefined, 10n)).toEqual([]);
    expect(await times(30n, 20n)).toEqual([]);
    expect(await times()).toEqual([10n, 20n, 30n]);
  });

  it('returns raw events up to maxPoints and buckets from one more', async () => {
    const runId = await newRun();
    await store.append([0, 1, 2, 3].map((i) => dc(runId, i + 1, BigInt(i) * 10n, i, -i - 1)));
    const [all] = await store.queryEvents({ runId, maxPoints: 4 });
    expect(raw(all).data).toEqual({ potential: [0, 1, 2, 3], current: [-1, -2, -3, -4] });
    const [bucketed] = await store.queryEvents({ runId, maxPoints: 3 });
    expect(bucketed).toMatchObject({ downsampled: true, total: 4, bucketNs: 11n, timestampsNs: [T0_NS, T0_NS + 11n, T0_NS + 22n], count: [2, 1, 1] });
    if (!bucketed?.downsampled) throw new Error('expected buckets');
    expect(bucketed.data.potential).toEqual({ min: [0, 2, 3], max: [1, 2, 3], mean: [0.5, 2, 3] });
    expect(bucketed.data.current).toEqual({ min: [-2, -3, -4], max: [-1, -3, -4], mean: [-1.5, -3, -4] });
  });

  it('answers per stream with its descriptor, filtered by stream and key, and names what is missing', async () => {
    const runId = await newRun(DC_STREAM, 'oven.temperature');
    await store.append([dc(runId, 1, 0n, 3.7, 1e-4), event(runId, 1, { potential: 300, current: 0 }, T0_NS, 'oven.temperature')]);
    expect((await store.queryEvents({ runId })).map((s) => s.stream)).toEqual(['oven.temperature', DC_STREAM]);
    const [only] = await store.queryEvents({ runId, stream: DC_STREAM, keys: ['current'] });
    expect(only).toMatchObject({ stream: DC_STREAM, descriptorId: `${runId}/${DC_STREAM}`, dataKeys: { current: { unit: 'A' } }, data: { current: [1e-4] } });
    expect(Object.keys(only!.dataKeys)).toEqual(['current']);
    const noKey = await store.queryEvents({ runId, stream: DC_STREAM, keys: ['voltage'] }).catch((e: unknown) => e);
    expect(isStoreError(noKey, 'INVALID_QUERY') && noKey.message).toMatch(/pstat\.dc has no key voltage \(keys: potential, current\)/);
    const noStream = await store.queryEvents({ runId, stream: 'nope.dc' }).catch((e: unknown) => e);
    expect(isStoreError(noStream, 'UNKNOWN_STREAM') && noStream.message).toMatch(/has no stream nope\.dc \(streams: oven\.temperature, pstat\.dc\)/);
    expect(await store.queryEvents({ runId: 'no-such-run' })).toEqual([]);
  });

  it('keeps arrays as typed-array blobs and text keys exactly, refuses to bucket them, and pages through every event', async () => {
    const keys: Record<string, DataKey> = {
      counts: { dtype: 'array', shape: [4096], elementType: 'uint32', unit: 'counts', source: 'mca', nativeQuantity: 'test', description: 'spectrum' },
      live_time: { dtype: 'number', shape: [], unit: 's', source: 'mca', nativeQuantity: 'test', description: 'live time' },
      note: { dtype: 'string', shape: [], unit: '', source: 'mca', nativeQuantity: 'test', description: 'free text' },
    };
    const runId = `run-${++runs}`;
    await store.append([runStart(runId), descriptor(runId, 'mca.spectrum', keys)]);
    const spectra = Array.from({ length: 7 }, (_, k) => Uint32Array.from({ length: 4096 }, (_, ch) => (ch * (k + 1)) % 1000 === 0 ? 0xffffffff : (ch * 7 + k) % 13));
    await store.append(spectra.map((counts, k) => event(runId, k + 1, { counts, live_time: 59.5 + k, note: k === 3 ? 'say "hi", then, go' : '' }, T0_NS + BigInt(k), 'mca.spectrum')));
    const [everything] = await store.queryEvents({ runId, keys: ['counts', 'live_time', 'note'] });
    const rows = raw(everything);
    expect(rows.data.counts).toEqual(spectra);
    expect(rows.data.counts![0]).toBeInstanceOf(Uint32Array);
    expect(rows.data.note![3]).toBe('say "hi", then, go');
    // By default arrays stay out: a spectrum stream listed for a plot should not carry its spectra.
    expect(Object.keys((await store.queryEvents({ runId }))[0]!.dataKeys)).toEqual(['live_time', 'note']);
    const refused = await store.queryEvents({ runId, keys: ['counts'], maxPoints: 3 }).catch((e: unknown) => e);
    expect(isStoreError(refused, 'INVALID_QUERY') && refused.message).toMatch(/counts cannot be bucketed: 7 events lie in the range/);
    const pages: EventRows[] = [];
    for await (const page of store.eventPages({ runId, stream: 'mca.spectrum', keys: ['counts', 'live_time'], pageSize: 3 })) pages.push(page);
    expect(pages.map((p) => p.seq)).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(pages.flatMap((p) => p.data.counts)).toEqual(spectra);
  });

  it('pages through events of equal timestamps without losing or repeating one, within [fromNs, toNs)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.bigInt({ min: 0n, max: 5n }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 7 }), fc.bigInt({ min: 0n, max: 6n }), async (offsets, pageSize, fromOffset) => {
        const runId = await newRun();
        const docs = offsets.map((t, i) => dc(runId, i + 1, t, i));
        await store.append(docs);
        const seen: number[] = [];
        for await (const page of store.eventPages({ runId, stream: DC_STREAM, pageSize, fromNs: T0_NS + fromOffset })) {
          expect(page.seq.length).toBeLessThanOrEqual(pageSize);
          for (const seq of page.seq) seen.push(seq);
        }
        const expected = docs
          .filter((d) => d.timestampNs >= T0_NS + fromOffset)
          .sort((a, b) => (a.timestampNs === b.timestampNs ? a.seq - b.seq : a.timestampNs < b.timestampNs ? -1 : 1))
          .map((d) => d.seq);
        expect(seen).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('refuses a maxPoints or page size that is not a positive integer', async () => {
    const runId = await newRun();
    for (const maxPoints of [0, -3, 1.5, Number.NaN]) {
      const e = await store.queryEvents({ runId, maxPoints }).catch((err: unknown) => err);
      expect(isStoreError(e, 'INVALID_QUERY')).toBe(true);
    }
    const pages = async () => {
      for await (const _ of store.eventPages({ runId, stream: DC_STREAM, pageSize: 0 })) return;
    };
    expect(isStoreError(await pages().catch((e: unknown) => e), 'INVALID_QUERY')).toBe(true);
  });
});
