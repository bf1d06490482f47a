import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reading } from '../../src/core/documents.js';
import type { RawPoint, SeriesData } from '../../src/store/document-store.js';
import { isStoreError } from '../../src/store/errors.js';
import { openSqliteStore, type SqliteDocumentStore } from '../../src/store/sqlite/sqlite-store.js';
import { runStart, T0_NS, tempDir } from '../support/store-fixtures.js';

const reading = (runId: string, seq: number, offsetNs: bigint, value: number, quantity = 'potential', instrument = 'pstat', unit = 'V'): Reading => ({
  kind: 'reading',
  runId,
  seq,
  instrument,
  quantity,
  value,
  unit,
  timestampNs: T0_NS + offsetNs,
});

const rawPoints = (series: SeriesData | undefined): readonly RawPoint[] => {
  if (!series || series.downsampled) throw new Error('expected raw points');
  return series.points;
};

/** min, max and mean over the non-NaN values (NaN when there are none), as the store documents them. */
function stats(values: number[]) {
  const real = values.filter((v) => !Number.isNaN(v));
  if (real.length === 0) return { min: Number.NaN, max: Number.NaN, mean: Number.NaN };
  return { min: Math.min(...real), max: Math.max(...real), mean: real.reduce((a, b) => a + b, 0) / real.length };
}

describe('store reading queries', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: SqliteDocumentStore;
  let runs = 0;
  const newRun = async (): Promise<string> => {
    const runId = `run-${++runs}`;
    await store.append([runStart(runId)]);
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

  it('downsamples to at most maxPoints buckets whose min/max/mean/count match a brute-force computation', async () => {
    const value = fc.oneof({ arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((v) => v + 0), weight: 9 }, { arbitrary: fc.constant(Number.NaN), weight: 1 });
    const sample = fc.record({ offsetNs: fc.bigInt({ min: 0n, max: 1_000_000n }), value });
    const bound = fc.option(fc.bigInt({ min: -1_000n, max: 1_100_000n }), { nil: undefined });
    const branches = { raw: 0, buckets: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(sample, { minLength: 1, maxLength: 300, size: 'max' }), fc.integer({ min: 1, max: 40 }), bound, bound, async (samples, maxPoints, from, to) => {
        const runId = await newRun();
        const docs = samples.map((s, seq) => reading(runId, seq, s.offsetNs, s.value));
        // A second series in the same run must not leak into the first.
        await store.append([...docs, ...docs.map((d) => ({ ...d, seq: d.seq + samples.length, quantity: 'current', unit: 'A', value: 1e9 }))]);
        const fromNs = from === undefined ? undefined : T0_NS + from;
        const toNs = to === undefined ? undefined : T0_NS + to;

        const [series, ...others] = await store.queryReadings({ runId, quantity: 'potential', maxPoints, ...(fromNs !== undefined && { fromNs }), ...(toNs !== undefined && { toNs }) });
        expect(others).toEqual([]);
        const inRange = docs
          .filter((d) => (fromNs === undefined || d.timestampNs >= fromNs) && (toNs === undefined || d.timestampNs < toNs))
          .sort((a, b) => (a.timestampNs === b.timestampNs ? a.seq - b.seq : a.timestampNs < b.timestampNs ? -1 : 1));

        if (inRange.length <= maxPoints) {
          branches.raw++;
          expect(series?.downsampled).toBe(false);
          expect(rawPoints(series)).toEqual(inRange.map((d) => ({ timestampNs: d.timestampNs, seq: d.seq, value: d.value })));
          return;
        }
        if (!series?.downsampled) return expect.unreachable('expected buckets');
        branches.buckets++;
        const first = inRange[0]!.timestampNs;
        const last = inRange.at(-1)!.timestampNs;
        expect(series.total).toBe(inRange.length);
        expect(series.points.length).toBeLessThanOrEqual(maxPoints);
        // The narrowest buckets of which maxPoints cover [first, last].
        expect(series.bucketNs * BigInt(maxPoints)).toBeGreaterThan(last - first);
        expect((series.bucketNs - 1n) * BigInt(maxPoints)).toBeLessThanOrEqual(last - first);
        let counted = 0;
        for (const [i, bucket] of series.points.entries()) {
          expect((bucket.timestampNs - first) % series.bucketNs).toBe(0n);
          if (i > 0) expect(bucket.timestampNs).toBeGreaterThan(series.points[i - 1]!.timestampNs);
          const members = inRange.filter((d) => d.timestampNs >= bucket.timestampNs && d.timestampNs < bucket.timestampNs + series.bucketNs);
          expect(bucket.count).toBe(members.length);
          expect(bucket.count).toBeGreaterThan(0);
          const expected = stats(members.map((d) => d.value));
          expect(bucket.min).toBe(expected.min);
          expect(bucket.max).toBe(expected.max);
          if (Number.isNaN(expected.mean)) expect(bucket.mean).toBeNaN();
          // Summation order differs (SQLite compensates): allow rounding relative to the values' magnitude.
          else expect(Math.abs(bucket.mean - expected.mean)).toBeLessThanOrEqual(1e-9 * Math.max(1, ...members.map((d) => Math.abs(d.value) || 0)));
          counted += bucket.count;
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
    await store.append([10n, 20n, 30n].map((t, seq) => reading(runId, seq, t, seq)));
    const times = async (fromNs?: bigint, toNs?: bigint) =>
      rawPoints((await store.queryReadings({ runId, ...(fromNs !== undefined && { fromNs: T0_NS + fromNs }), ...(toNs !== undefined && { toNs: T0_NS + toNs }) }))[0]).map(
        (p) => p.timestampNs - T0_NS,
      );
    expect(await times(20n, 30n)).toEqual([20n]);
    expect(await times(20n, 31n)).toEqual([20n, 30n]);
    expect(await times(21n)).toEqual([30n]);
    expect(await times(undefined, 10n)).toEqual([]);
    expect(await times(30n, 20n)).toEqual([]);
    expect(await times()).toEqual([10n, 20n, 30n]);
  });

  it('returns raw points up to maxPoints readings and buckets from one more', async () => {
    const runId = await newRun();
    await store.append([0, 1, 2, 3].map((i) => reading(runId, i, BigInt(i) * 10n, i)));
    const [raw] = await store.queryReadings({ runId, maxPoints: 4 });
    expect(rawPoints(raw)).toHaveLength(4);
    const [bucketed] = await store.queryReadings({ runId, maxPoints: 3 });
    expect(bucketed).toMatchObject({ downsampled: true, total: 4, bucketNs: 11n });
    expect(bucketed?.points).toEqual([
      { timestampNs: T0_NS, min: 0, max: 1, mean: 0.5, count: 2 },
      { timestampNs: T0_NS + 11n, min: 2, max: 2, mean: 2, count: 1 },
      { timestampNs: T0_NS + 22n, min: 3, max: 3, mean: 3, count: 1 },
    ]);
  });

  it('filters series by instrument and quantity, and keeps units apart', async () => {
    const runId = await newRun();
    await store.append([
      reading(runId, 0, 0n, 3.7, 'potential', 'pstat'),
      reading(runId, 1, 0n, 1e-4, 'current', 'pstat', 'A'),
      reading(runId, 2, 0n, 0.1, 'current', 'pstat', 'mA'),
      reading(runId, 3, 0n, 300, 'temperature', 'cryostat', 'K'),
    ]);
    const keys = async (q: { instrument?: string; quantity?: string }) => (await store.queryReadings({ runId, ...q })).map((s) => `${s.instrument}/${s.quantity}/${s.unit}`);
    expect(await keys({})).toEqual(['cryostat/temperature/K', 'pstat/current/A', 'pstat/current/mA', 'pstat/potential/V']);
    expect(await keys({ instrument: 'pstat', quantity: 'current' })).toEqual(['pstat/current/A', 'pstat/current/mA']);
    expect(await keys({ quantity: 'temperature' })).toEqual(['cryostat/temperature/K']);
    expect(await keys({ instrument: 'nope' })).toEqual([]);
    expect(await store.queryReadings({ runId: 'no-such-run' })).toEqual([]);
  });

  it('refuses a maxPoints that is not a positive integer', async () => {
    for (const maxPoints of [0, -3, 1.5, Number.NaN]) {
      const e = await store.queryReadings({ runId: 'any', maxPoints }).catch((err: unknown) => err);
      expect(isStoreError(e, 'INVALID_QUERY')).toBe(true);
    }
  });
});
