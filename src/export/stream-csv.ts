import { flagNames, type DataKey, type EventValue } from '../core/documents.js';
import type { DocumentStore, EventRows, StreamData, StreamInfo } from '../store/document-store.js';
import { StoreError } from '../store/errors.js';
import { selectedKeys } from '../store/key-selection.js';

/**
 * Everything of one stream of a stored run as CSV text chunks (see
 * streamCsv), read page by page. The stream is the one named, or the run's
 * only one; keys are checked here, so a bad request fails before the first
 * chunk (UNKNOWN_STREAM, INVALID_QUERY).
 */
export async function exportStreamCsv(
  store: DocumentStore,
  run: { readonly runId: string; readonly startNs: bigint },
  query: { readonly stream?: string; readonly keys?: readonly string[]; readonly fromNs?: bigint; readonly toNs?: bigint },
): Promise<{ stream: StreamInfo; chunks: AsyncIterable<string> }> {
  const stream = await oneStream(store, run.runId, query.stream);
  const dataKeys = selectedKeys(stream.stream, stream.descriptor.dataKeys, query.keys);
  const pages = store.eventPages({ ...query, runId: run.runId, stream: stream.stream, keys: Object.keys(dataKeys) });
  return { stream, chunks: streamCsv(dataKeys, stream.descriptor.flags, pages, run.startNs) };
}

/** The stream an export is of: the one asked for, or the run's only stream. */
export async function oneStream(store: DocumentStore, runId: string, asked: string | undefined): Promise<StreamInfo> {
  const streams = await store.listStreams(runId);
  const names = streams.map((s) => s.stream).join(', ') || 'none yet';
  if (asked !== undefined) {
    const found = streams.find((s) => s.stream === asked);
    if (!found) throw new StoreError(`run ${runId} has no stream ${asked} (streams: ${names})`, 'UNKNOWN_STREAM', { runId, stream: asked });
    return found;
  }
  if (streams.length === 1) return streams[0]!;
  throw new StoreError(`a CSV is one stream: name it (streams of run ${runId}: ${names})`, 'INVALID_QUERY', { runId });
}

/**
 * A stream as a wide CSV table, one row per event, with units in the header:
 * `time_s,potential_V,current_A,flags,seq,timestamp_ns`. `time_s` counts lab
 * seconds from the run's start; `flags` names the instrument's status bits
 * (`overload|underload`); a value the instrument could not measure (NaN) is
 * an empty cell. The header is what `operando analyze gitt` and
 * `analyze eis` read back. Array keys are written as their values separated
 * by spaces.
 */
export async function* streamCsv(
  dataKeys: Readonly<Record<string, DataKey>>,
  flagBits: Readonly<Record<string, number>>,
  pages: AsyncIterable<EventRows>,
  runStartNs: bigint,
): AsyncGenerator<string> {
  const keys = Object.keys(dataKeys);
  yield `${['time_s', ...keys.map((k) => columnName(k, dataKeys[k]!.unit)), 'flags', 'seq', 'timestamp_ns'].join(',')}\n`;
  for await (const page of pages) {
    const lines: string[] = [];
    for (let i = 0; i < page.seq.length; i++) {
      const t = page.timestampsNs[i]!;
      const cells = [secondsSince(runStartNs, t), ...keys.map((k) => cell(page.data[k]![i]!)), flagNames(flagBits, page.flags[i]!).join('|'), String(page.seq[i]), t.toString()];
      lines.push(cells.join(','));
    }
    yield `${lines.join('\n')}\n`;
  }
}

/**
 * A downsampled stream as CSV, one row per time bucket: the bucket's start,
 * min/max/mean of each number key, its event count and the OR of its flags.
 */
export function bucketCsv(data: Extract<StreamData, { downsampled: true }>, runStartNs: bigint): string {
  const keys = Object.keys(data.data);
  const header = ['time_s', ...keys.flatMap((k) => ['min', 'max', 'mean'].map((agg) => `${columnName(k, data.dataKeys[k]!.unit)}_${agg}`)), 'count', 'flags', 'timestamp_ns'];
  const lines = [header.join(',')];
  data.timestampsNs.forEach((t, i) => {
    const values = keys.flatMap((k) => [data.data[k]!.min[i]!, data.data[k]!.max[i]!, data.data[k]!.mean[i]!].map(cell));
    lines.push([secondsSince(runStartNs, t), ...values, String(data.count[i]), flagNames(data.flagBits, data.flags[i]!).join('|'), t.toString()].join(','));
  });
  return `${lines.join('\n')}\n`;
}

/** `potential` in `V` is `potential_V`; a dimensionless key keeps its name; `%` reads `percent`. */
export function columnName(key: string, unit: string): string {
  if (unit === '') return key;
  return `${key}_${unit.replace(/%/g, 'percent').replace(/\//g, '_per_').replace(/[^A-Za-z0-9_]/g, '')}`;
}

function secondsSince(startNs: bigint, t: bigint): string {
  const ns = t - startNs;
  // Whole seconds and nanoseconds apart: a double would round nanoseconds away after a few months of run time.
  const sign = ns < 0n ? '-' : '';
  const abs = ns < 0n ? -ns : ns;
  const fraction = (abs % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${sign}${abs / 1_000_000_000n}${fraction === '' ? '' : `.${fraction}`}`;
}

function cell(value: EventValue): string {
  if (typeof value === 'number') return Number.isNaN(value) ? '' : String(value);
  if (typeof value === 'string') return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
  return Array.from(value).join(' ');
}
