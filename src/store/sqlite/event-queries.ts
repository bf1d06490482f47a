import type Database from 'better-sqlite3';
import type { DataKey, EventValue } from '../../core/documents.js';
import type { BucketColumn, EventQuery, EventRows, StreamData } from '../document-store.js';
import { StoreError } from '../errors.js';
import { selectedKeys } from '../key-selection.js';
import { decodeArray, eventLayout, type EventLayout } from './event-layout.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A stream of a run as the queries need it. */
export interface StoredStream {
  readonly descriptorKey: number;
  readonly descriptorId: string;
  readonly stream: string;
  readonly dataKeys: Readonly<Record<string, DataKey>>;
  readonly flagBits: Readonly<Record<string, number>>;
  readonly layout: EventLayout;
}

/** The keys a query asked for, by where they are stored. */
interface Selection {
  readonly scalars: EventLayout['scalars'];
  readonly texts: EventLayout['texts'];
  readonly arrays: EventLayout['arrays'];
  readonly dataKeys: Record<string, DataKey>;
}

interface RangeRow {
  n: bigint;
  first: bigint | null;
  last: bigint | null;
}

type Row = Record<string, unknown> & { t_ns: bigint; seq: bigint; flags: bigint };

/** SQLite holds NaN as NULL (it has no NaN); give it back as NaN. */
const orNaN = (v: unknown): number => (v === null || v === undefined ? Number.NaN : Number(v));

/**
 * Range queries over the events of a stream: raw events in columns, or
 * time buckets (min, max, mean of each number key, the OR of the flags)
 * computed by SQLite; and keyset-paged reads for exports. Every query walks
 * the (descriptor, t_ns, seq) primary key over the range only. The SQL is
 * built from the layout's column names (v0..v15, a fixed set), never from
 * user text; values are bound.
 */
export class EventQueries {
  private readonly rangeStatement: Database.Statement<[number, bigint, bigint], RangeRow>;

  constructor(private readonly db: Database.Database) {
    this.rangeStatement = db
      .prepare<[number, bigint, bigint], RangeRow>(`SELECT COUNT(*) AS n, MIN(t_ns) AS first, MAX(t_ns) AS last FROM events WHERE descriptor_key = ? AND t_ns BETWEEN ? AND ?`)
      .safeIntegers(true);
    // SQLite has no bitwise-OR aggregate; the buckets' flags need one.
    db.aggregate('bit_or', { start: 0, step: (acc: number, value: unknown) => acc | Number(value) });
  }

  query(stream: StoredStream, q: EventQuery): StreamData {
    if (q.maxPoints !== undefined && !(Number.isInteger(q.maxPoints) && q.maxPoints >= 1)) {
      throw new StoreError(`maxPoints must be an integer >= 1, got ${q.maxPoints}`, 'INVALID_QUERY', { maxPoints: q.maxPoints });
    }
    const selection = select(stream, q.keys);
    const [from, to] = bounds(q.fromNs, q.toNs);
    const range = this.rangeStatement.get(stream.descriptorKey, from, to)!;
    const total = Number(range.n);
    const head = { stream: stream.stream, descriptorId: stream.descriptorId, dataKeys: selection.dataKeys, flagBits: stream.flagBits, total };
    if (range.first === null || range.last === null || q.maxPoints === undefined || total <= q.maxPoints) {
      return { ...head, downsampled: false, ...this.rows(stream, selection, { from, to, afterT: INT64_MIN, afterSeq: -1n, limit: -1 }) };
    }
    if (selection.texts.length > 0 || selection.arrays.length > 0) {
      const keys = [...selection.texts, ...selection.arrays.map((a) => a.key)];
      throw new StoreError(
        `${stream.stream}: ${keys.join(', ')} cannot be bucketed: ${total} events lie in the range, more than maxPoints ${q.maxPoints}; ask for number keys only, narrow the range or raise maxPoints`,
        'INVALID_QUERY',
        { stream: stream.stream, keys, total, maxPoints: q.maxPoints },
      );
    }
    // The smallest width that puts [first, last] into at most maxPoints buckets.
    const width = (range.last - range.first) / BigInt(q.maxPoints) + 1n;
    return { ...head, downsampled: true, bucketNs: width, ...this.buckets(stream, selection, range.first, range.last, width) };
  }

  /** Every event of the stream in the range, `pageSize` at a time, each page read in one short statement. */
  *pages(stream: StoredStream, q: { keys?: readonly string[]; fromNs?: bigint; toNs?: bigint; pageSize: number }): Generator<EventRows> {
    const selection = select(stream, q.keys);
    const [from, to] = bounds(q.fromNs, q.toNs);
    let afterT = from - 1n < INT64_MIN ? INT64_MIN : from - 1n;
    let afterSeq = from - 1n < INT64_MIN ? -1n : INT64_MAX;
    for (;;) {
      const page = this.rows(stream, selection, { from, to, afterT, afterSeq, limit: q.pageSize });
      if (page.seq.length === 0) return;
      yield page;
      if (page.seq.length < q.pageSize) return;
      afterT = page.timestampsNs.at(-1)!;
      afterSeq = BigInt(page.seq.at(-1)!);
    }
  }

  private rows(stream: StoredStream, selection: Selection, range: { from: bigint; to: bigint; afterT: bigint; afterSeq: bigint; limit: number }): EventRows {
    const columns = ['e.t_ns', 'e.seq', 'e.flags', ...selection.scalars.map((s) => `e.${s.column}`), ...(selection.texts.length > 0 ? ['e.text'] : [])];
    const joins: string[] = [];
    for (const a of selection.arrays) {
      columns.push(`a${a.index}.encoding AS enc${a.index}`, `a${a.index}.data AS arr${a.index}`);
      joins.push(`LEFT JOIN event_arrays a${a.index} ON a${a.index}.descriptor_key = e.descriptor_key AND a${a.index}.seq = e.seq AND a${a.index}.key_index = ${a.index}`);
    }
    const sql =
      `SELECT ${columns.join(', ')} FROM events e ${joins.join(' ')} ` +
      `WHERE e.descriptor_key = @key AND e.t_ns BETWEEN @from AND @to AND (e.t_ns, e.seq) > (@afterT, @afterSeq) ORDER BY e.t_ns, e.seq LIMIT @limit`;
    const rows = this.db
      .prepare(sql)
      .safeIntegers(true)
      .all({ key: stream.descriptorKey, from: range.from, to: range.to, afterT: range.afterT, afterSeq: range.afterSeq, limit: range.limit }) as Row[];
    const data: Record<string, EventValue[]> = {};
    for (const s of selection.scalars) data[s.key] = rows.map((r) => orNaN(r[s.column]));
    if (selection.texts.length > 0) {
      const parsed = rows.map((r) => (typeof r.text === 'string' ? (JSON.parse(r.text) as Record<string, string>) : {}));
      for (const key of selection.texts) data[key] = parsed.map((p) => p[key] ?? '');
    }
    for (const a of selection.arrays) {
      data[a.key] = rows.map((r) => {
        const blob = r[`arr${a.index}`];
        if (!(blob instanceof Uint8Array)) throw new StoreError(`${stream.stream}: event ${String(r.seq)} has no ${a.key} array`, 'CORRUPT', { stream: stream.stream });
        return decodeArray(Number(r[`enc${a.index}`]), blob, a.elementType);
      });
    }
    return { seq: rows.map((r) => Number(r.seq)), timestampsNs: rows.map((r) => r.t_ns), flags: rows.map((r) => Number(r.flags)), data };
  }

  private buckets(stream: StoredStream, selection: Selection, first: bigint, last: bigint, width: bigint) {
    const aggregates = selection.scalars.map((s) => `MIN(${s.column}) AS lo_${s.column}, MAX(${s.column}) AS hi_${s.column}, AVG(${s.column}) AS mean_${s.column}`);
    const sql =
      `SELECT (t_ns - @first) / @width AS bucket, COUNT(*) AS n, bit_or(flags) AS flags${aggregates.map((a) => `, ${a}`).join('')} ` +
      `FROM events WHERE descriptor_key = @key AND t_ns BETWEEN @first AND @last GROUP BY bucket ORDER BY bucket`;
    const rows = this.db.prepare(sql).safeIntegers(true).all({ key: stream.descriptorKey, first, last, width }) as Array<Record<string, unknown> & { bucket: bigint }>;
    const data: Record<string, BucketColumn> = {};
    for (const s of selection.scalars) {
      data[s.key] = { min: rows.map((r) => orNaN(r[`lo_${s.column}`])), max: rows.map((r) => orNaN(r[`hi_${s.column}`])), mean: rows.map((r) => orNaN(r[`mean_${s.column}`])) };
    }
    return { timestampsNs: rows.map((r) => first + r.bucket * width), count: rows.map((r) => Number(r.n)), flags: rows.map((r) => Number(r.flags)), data };
  }
}

/** The stream with its layout, from a descriptor row. */
export function storedStream(row: { descriptor_key: number | bigint; descriptor_id: string; stream: string; data_keys: string; flags: string }): StoredStream {
  const dataKeys = JSON.parse(row.data_keys) as Record<string, DataKey>;
  return {
    descriptorKey: Number(row.descriptor_key),
    descriptorId: row.descriptor_id,
    stream: row.stream,
    dataKeys,
    flagBits: JSON.parse(row.flags) as Record<string, number>,
    layout: eventLayout(dataKeys),
  };
}

/** The requested keys by where they are stored (see selectedKeys). */
function select(stream: StoredStream, keys: readonly string[] | undefined): Selection {
  const dataKeys = selectedKeys(stream.stream, stream.dataKeys, keys);
  const { layout } = stream;
  return {
    scalars: layout.scalars.filter((s) => s.key in dataKeys),
    texts: layout.texts.filter((k) => k in dataKeys),
    arrays: layout.arrays.filter((a) => a.key in dataKeys),
    dataKeys,
  };
}

/** [fromNs, toNs) as the inclusive [from, to] SQLite's BETWEEN wants, clamped to int64. */
function bounds(fromNs: bigint | undefined, toNs: bigint | undefined): [bigint, bigint] {
  const from = fromNs === undefined || fromNs < INT64_MIN ? INT64_MIN : fromNs > INT64_MAX ? INT64_MAX : fromNs;
  const to = toNs === undefined || toNs > INT64_MAX ? INT64_MAX : toNs - 1n < INT64_MIN ? INT64_MIN : toNs - 1n;
  return [from, to];
}
