import { readNumericCsv } from '../io/electrochem-series.js';
import { splitLines } from '../io/text.js';
import { IngestError } from './errors.js';
import { extent } from '../core/extent.js';

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
  const header = splitLines(text.replace(/^\uFEFF/, '')).find((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
  const names = (header ?? '').split(',').map((h) => h.trim().toLowerCase());
  if (names.includes('mixing_time_s')) {
    const t = readNumericCsv(text, fileName, COLUMNS['nmr-exsy']);
    return checkedDataset({
      kind: 'nmr-exsy',
      rows: Array.from(t.temperature_k, (temperatureK, k) => ({ temperatureK, mixingTimeS: t.mixing_time_s[k]!, exchangedFraction: t.exchanged_fraction[k]! })),
    });
  }
  if (names.includes('t2_s')) {
    const t = readNumericCsv(text, fileName, COLUMNS['nmr-t2']);
    return checkedDataset({ kind: 'nmr-t2', rows: Array.from(t.temperature_k, (temperatureK, k) => ({ temperatureK, t2S: t.t2_s[k]! })) });
  }
  throw new IngestError(
    `${fileName}: the header "${header?.trim() ?? ''}" is not a known export (expected ${COLUMNS['nmr-t2'].join(',')} or ${COLUMNS['nmr-exsy'].join(',')})`,
    'INGEST_FORMAT',
    { file: fileName },
  );
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
