import { extent } from '../core/extent.js';
import { CsvColumnReader, namedColumn } from '../io/csv-columns.js';
import { inFile } from '../io/errors.js';
import { LineSplitter } from '../io/text.js';
import { INGEST_DEFAULTS } from './defaults.js';
import { IngestError } from './errors.js';

/**
 * Results exported by the NMR spectrometer software at one temperature:
 * T2 (`temperature_k,t2_s`), or the 2D-exchange build-up, cross-peak
 * intensity normalised to an exchanged fraction against mixing time
 * (`temperature_k,mixing_time_s,exchanged_fraction`).
 */
export type ExternalKind = 'nmr-t2' | 'nmr-exsy';

export interface T2Row {
  readonly temperatureK: number;
  readonly t2S: number;
}

export interface ExsyRow {
  readonly temperatureK: number;
  readonly mixingTimeS: number;
  readonly exchangedFraction: number;
}

export type ExternalDataset = { readonly kind: 'nmr-t2'; readonly rows: readonly T2Row[] } | { readonly kind: 'nmr-exsy'; readonly rows: readonly ExsyRow[] };

/** Rows of one dataset belong to one temperature step: their temperatures may differ by the VT unit's jitter, not more. */
export const SAME_TEMPERATURE_K = 2;
/** Noise may put a measured fraction slightly outside [0, 1] (the EXSY fit's own margin). */
const FRACTION_MARGIN = 0.1;

const COLUMNS = {
  'nmr-t2': ['temperature_k', 't2_s'],
  'nmr-exsy': ['temperature_k', 'mixing_time_s', 'exchanged_fraction'],
} as const;

/** A spectrometer export by its header; errors name the file, line and column. */
export function parseExternalCsv(text: string, fileName: string): ExternalDataset {
  const reader = new ExternalCsvReader(fileName);
  reader.push(text.replace(/^\uFEFF/, ''));
  return reader.result();
}

/**
 * A spectrometer export as its text arrives (an upload at once, a file of
 * the watched folder chunk by chunk): the first line that is not blank or a
 * `#` comment is the header and names the kind; at most `maxRows` data rows
 * and lines of at most `maxLineChars`. Errors name the file, line and column.
 */
export class ExternalCsvReader {
  private header: { readonly kind: ExternalKind; readonly columns: CsvColumnReader } | null = null;
  private readonly lines: LineSplitter;
  private lineNumber = 0;

  constructor(
    private readonly fileName: string,
    private readonly limits: { readonly maxRows: number; readonly maxLineChars: number } = INGEST_DEFAULTS,
  ) {
    this.lines = new LineSplitter(limits.maxLineChars);
  }

  /** The next piece of text (any length, lines may continue in the next). */
  push(text: string): void {
    for (const line of inFile(this.fileName, () => this.lines.push(text))) this.line(line);
  }

  /** The dataset, checked (checkedDataset), once all text is pushed. */
  result(): ExternalDataset {
    for (const line of this.lines.end()) this.line(line);
    if (this.header === null) throw this.unknownHeader('');
    const { kind, columns } = this.header;
    const t = inFile(this.fileName, () => columns.result()).values;
    if (kind === 'nmr-exsy') {
      return checkedDataset({
        kind,
        rows: Array.from(t[0]!, (temperatureK, k) => ({ temperatureK, mixingTimeS: t[1]![k]!, exchangedFraction: t[2]![k]! })),
      });
    }
    return checkedDataset({ kind, rows: Array.from(t[0]!, (temperatureK, k) => ({ temperatureK, t2S: t[1]![k]! })) });
  }

  private line(text: string): void {
    this.lineNumber++;
    if (this.header === null) {
      if (text.trim() === '' || text.trimStart().startsWith('#')) return;
      const names = text.split(',').map((h) => h.trim().toLowerCase());
      const kind = names.includes('mixing_time_s') ? 'nmr-exsy' : names.includes('t2_s') ? 'nmr-t2' : null;
      if (kind === null) throw this.unknownHeader(text);
      this.header = { kind, columns: new CsvColumnReader(COLUMNS[kind].map(namedColumn), { skipIncomplete: false }) };
    }
    const { columns } = this.header;
    inFile(this.fileName, () => columns.line(text, this.lineNumber));
    if (columns.rows > this.limits.maxRows) {
      throw new IngestError(`${this.fileName}: more than ${this.limits.maxRows} data rows (an export of one temperature step has tens)`, 'INGEST_TOO_LARGE', {
        file: this.fileName,
        line: this.lineNumber,
      });
    }
  }

  private unknownHeader(header: string): IngestError {
    return new IngestError(
      `${this.fileName}: the header "${header.trim().slice(0, 200)}" is not a known export (expected ${COLUMNS['nmr-t2'].join(',')} or ${COLUMNS['nmr-exsy'].join(',')})`,
      'INGEST_FORMAT',
      { file: this.fileName },
    );
  }
}

/** Checks physical ranges and that all rows are at one temperature; returns the dataset. */
export function checkedDataset(dataset: ExternalDataset): ExternalDataset {
  if (dataset.rows.length === 0) throw new IngestError('no data rows', 'INGEST_VALUE', {});
  const bad = (row: number, message: string) => new IngestError(`row ${row + 1}: ${message}`, 'INGEST_VALUE', { row: row + 1 });
  dataset.rows.forEach((r, i) => {
    if (!(r.temperatureK > 0 && Number.isFinite(r.temperatureK))) throw bad(i, `temperature ${r.temperatureK} K is not above 0 K`);
  });
  if (dataset.kind === 'nmr-t2') {
    dataset.rows.forEach((r, i) => {
      if (!(r.t2S > 0 && Number.isFinite(r.t2S))) throw bad(i, `T2 ${r.t2S} s is not a positive time`);
    });
  } else {
    dataset.rows.forEach((r, i) => {
      if (!(r.mixingTimeS > 0 && Number.isFinite(r.mixingTimeS))) throw bad(i, `mixing time ${r.mixingTimeS} s is not a positive time`);
      if (!(r.exchangedFraction >= -FRACTION_MARGIN && r.exchangedFraction <= 1 + FRACTION_MARGIN)) throw bad(i, `exchanged fraction ${r.exchangedFraction} is not a fraction`);
    });
  }
  const temperatures = dataset.rows.map((r) => r.temperatureK);
  const range = extent(temperatures)!;
  const spreadK = range.max - range.min;
  if (spreadK > SAME_TEMPERATURE_K) {
    throw new IngestError(
      `rows span ${range.min}..${range.max} K: one dataset holds one temperature step (split the export per temperature)`,
      'INGEST_VALUE',
      { spreadK },
    );
  }
  return dataset;
}

/** The dataset's temperature as the spectrometer recorded it (mean of its rows). */
export function datasetTemperatureK(dataset: ExternalDataset): number {
  return dataset.rows.reduce((sum, r) => sum + r.temperatureK, 0) / dataset.rows.length;
}
