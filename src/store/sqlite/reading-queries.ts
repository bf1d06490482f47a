import type Database from 'better-sqlite3';
import type { BucketPoint, RawPoint, ReadingQuery, SeriesData, SeriesKey } from '../document-store.js';
import { StoreError } from '../errors.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

interface SeriesRow extends SeriesKey {
  series_id: number;
}

interface RangeRow {
  n: bigint;
  first: bigint | null;
  last: bigint | null;
}

interface BucketRow {
  bucket: bigint;
  lo: number | null;
  hi: number | null;
  mean: number | null;
  n: bigint;
}

/** SQLite holds NaN as NULL (it has no NaN); give it back as NaN. */
const orNaN = (v: number | null): number => v ?? Number.NaN;

function prepareStatements(db: Database.Database) {
  return {
    series: db.prepare<{ runId: string; instrument: string | null; quantity: string | null }, SeriesRow>(
      `SELECT series_id, instrument, quantity, unit FROM series
       WHERE run_id = @runId AND (@instrument IS NULL OR instrument = @instrument) AND (@quantity IS NULL OR quantity = @quantity)
       ORDER BY instrument, quantity, unit`,
    ),
    range: db
      .prepare<[number, bigint, bigint], RangeRow>(`SELECT COUNT(*) AS n, MIN(t_ns) AS first, MAX(t_ns) AS last FROM readings WHERE series_id = ? AND t_ns BETWEEN ? AND ?`)
      .safeIntegers(true),
    raw: db
      .prepare<[number, bigint, bigint], { t_ns: bigint; seq: bigint; value: number | null }>(
        `SELECT t_ns, seq, value FROM readings WHERE series_id = ? AND t_ns BETWEEN ? AND ? ORDER BY t_ns, seq`,
      )
      .safeIntegers(true),
    buckets: db
      .prepare<{ seriesId: number; first: bigint; last: bigint; width: bigint }, BucketRow>(
        `SELECT (t_ns - @first) / @width AS bucket, MIN(value) AS lo, MAX(value) AS hi, AVG(value) AS mean, COUNT(*) AS n
         FROM readings WHERE series_id = @seriesId AND t_ns BETWEEN @first AND @last
         GROUP BY bucket ORDER BY bucket`,
      )
      .safeIntegers(true),
  };
}

/**
 * Range queries with server-side downsampling over the readings table. Every
 * query walks the (series_id, t_ns, seq) primary key over the range only.
 */
export class ReadingQueries {
  private readonly statements: ReturnType<typeof prepareStatements>;

  constructor(db: Database.Database) {
    this.statements = prepareStatements(db);
  }

  query(q: ReadingQuery): SeriesData[] {
    if (q.maxPoints !== undefined && !(Number.isInteger(q.maxPoints) && q.maxPoints >= 1)) {
      throw new StoreError(`maxPoints must be an integer >= 1, got ${q.maxPoints}`, 'INVALID_QUERY', { maxPoints: q.maxPoints });
    }
    // [fromNs, toNs) as the inclusive [from, to] SQLite's BETWEEN wants, clamped to int64.
    const from = q.fromNs === undefined || q.fromNs < INT64_MIN ? INT64_MIN : q.fromNs;
    const to = q.toNs === undefined || q.toNs > INT64_MAX ? INT64_MAX : q.toNs - 1n;
    const series = this.statements.series.all({ runId: q.runId, instrument: q.instrument ?? null, quantity: q.quantity ?? null });
    return series.map(({ series_id: seriesId, instrument, quantity, unit }) => {
      const key = { instrument, quantity, unit };
      const range = this.statements.range.get(seriesId, from, to)!;
      const { first, last } = range;
      const total = Number(range.n);
      if (first === null || last === null || q.maxPoints === undefined || total <= q.maxPoints) {
        return { ...key, downsampled: false, points: total === 0 ? [] : this.rawPoints(seriesId, from, to) };
      }
      // The smallest width that puts [first, last] into at most maxPoints buckets.
      const width = (last - first) / BigInt(q.maxPoints) + 1n;
      return { ...key, downsampled: true, bucketNs: width, total, points: this.bucketPoints(seriesId, first, last, width) };
    });
  }

  private rawPoints(seriesId: number, from: bigint, to: bigint): RawPoint[] {
    return this.statements.raw.all(seriesId, from, to).map((r) => ({ timestampNs: r.t_ns, seq: Number(r.seq), value: orNaN(r.value) }));
  }

  private bucketPoints(seriesId: number, first: bigint, last: bigint, width: bigint): BucketPoint[] {
    return this.statements.buckets.all({ seriesId, first, last, width }).map((r) => ({
      timestampNs: first + r.bucket * width,
      min: orNaN(r.lo),
      max: orNaN(r.hi),
      mean: orNaN(r.mean),
      count: Number(r.n),
    }));
  }
}
