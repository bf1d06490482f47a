import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { withoutInductivePoints, type ImpedanceSpectrum } from '../analysis/eis/spectrum.js';
import { readMptTable } from './biologic-mpt.js';
import { quantityColumn, readCsvColumns, type ColumnSpec } from './csv-columns.js';
import { readDelimitedTable, type Delimiter } from './delimited-table.js';
import { ImportError } from './errors.js';
import { readDtaTable } from './gamry-dta.js';
import { decodeText, parseDecimal, splitLines } from './text.js';

/**
 * Impedance spectra from files: BioLogic `.mpt` (`freq/Hz`, `Re(Z)/Ohm`,
 * `-Im(Z)/Ohm`), Gamry `.DTA` (`ZCURVE` table: `Freq`, `Zreal`, `Zimag`),
 * CSV with or without the header `freq_hz,z_re_ohm,z_im_ohm`, and whitespace-
 * separated text (frequency, Z', Z''). The result always follows impedance.py's
 * convention: zIm < 0 is capacitive.
 *
 * Sign of Z'': BioLogic writes -Im(Z), so it is negated; Gamry's Zimag and a
 * header naming `z_im` are Z'' itself (a header starting with `-` is negated).
 * A file without a header does not say: a passive electrochemical spectrum is
 * capacitive over most of its range, inductive at most at its high-frequency
 * end, so when most points of such a file have Z'' > 0 the file holds -Z'' and
 * is negated. pyDRTtools' LIB_data.txt stores Z'' itself (negative below
 * ~470 Hz, positive above from the cell's inductance) and is read as is.
 */

export type ImpedanceFormat = 'biologic-mpt' | 'gamry-dta' | 'csv' | 'whitespace';

export interface ImpedanceSource {
  readonly file: string;
  readonly format: ImpedanceFormat;
  /** the column read as the imaginary part */
  readonly imaginaryColumn: string;
  /** true when the file's imaginary column held -Z'' */
  readonly imaginaryNegated: boolean;
  /** how the sign was decided */
  readonly signRule: 'column name' | 'majority of points';
  /** points dropped because Z'' > 0 (when asked to exclude inductive points) */
  readonly inductivePointsExcluded: number;
  /** rows left out because a cell was empty (a point the instrument could not measure) */
  readonly incompleteRowsSkipped: number;
  /** rows of earlier attempts at the sweep left out (operando's export: attempts a lost link interrupted, repeated by the run) */
  readonly earlierAttemptRowsSkipped: number;
}

export interface ImpedanceFile extends ImpedanceSpectrum {
  readonly source: ImpedanceSource;
}

export interface ImpedanceReadOptions {
  /** drop the points with Z'' > 0 (after sign normalisation) */
  excludeInductive?: boolean;
}

export async function readImpedanceFile(path: string, options: ImpedanceReadOptions = {}): Promise<ImpedanceFile> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new ImportError(`${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`, 'IMPORT_READ', { file: path }, { cause: e });
  }
  return parseImpedanceFile(decodeText(bytes), path, options);
}

/** As `readImpedanceFile`, from text already in memory; `fileName` picks the format by extension. */
export function parseImpedanceFile(text: string, fileName: string, options: ImpedanceReadOptions = {}): ImpedanceFile {
  const format = detectFormat(text, fileName);
  let raw: RawSpectrum;
  try {
    raw = format === 'biologic-mpt' ? fromMpt(text) : format === 'gamry-dta' ? fromDta(text) : fromDelimited(text, format === 'csv' ? 'comma' : 'whitespace');
  } catch (e) {
    if (e instanceof ImportError) {
      throw new ImportError(`${basename(fileName)} (${format}): ${e.message}`, e.code, { ...e.context, file: fileName, format }, { cause: e });
    }
    throw e;
  }
  if (raw.frequencyHz.length === 0) throw new ImportError(`${basename(fileName)} (${format}): no data points`, 'IMPORT_EMPTY', { file: fileName, format });
  raw.frequencyHz.forEach((f, i) => {
    if (!(f > 0)) {
      throw new ImportError(`${basename(fileName)} (${format}) line ${raw.lines[i]}: frequency ${f} Hz is not positive`, 'IMPORT_BAD_VALUE', {
        file: fileName,
        line: raw.lines[i],
      });
    }
  });

  const spectrum: ImpedanceSpectrum = { frequencyHz: raw.frequencyHz, zRe: raw.zRe, zIm: raw.zIm };
  const kept = options.excludeInductive ? withoutInductivePoints(spectrum) : spectrum;
  return {
    ...kept,
    source: {
      file: fileName,
      format,
      imaginaryColumn: raw.imaginaryColumn,
      imaginaryNegated: raw.imaginaryNegated,
      signRule: raw.signRule,
      inductivePointsExcluded: spectrum.frequencyHz.length - kept.frequencyHz.length,
      incompleteRowsSkipped: raw.skippedRows ?? 0,
      earlierAttemptRowsSkipped: raw.earlierAttemptRows ?? 0,
    },
  };
}

function detectFormat(text: string, fileName: string): ImpedanceFormat {
  const ext = extname(fileName).toLowerCase();
  if (ext === '.mpt' || text.startsWith('EC-Lab ASCII FILE')) return 'biologic-mpt';
  if (ext === '.dta' || /^ZCURVE\tTABLE/m.test(text)) return 'gamry-dta';
  if (ext === '.csv') return 'csv';
  const firstData = splitLines(text).find((l) => l.trim() !== '' && !l.trimStart().startsWith('#')) ?? '';
  return firstData.includes(',') ? 'csv' : 'whitespace';
}

/**
 * A CSV whose header names frequency, Z' and Z'' with units (other columns
 * such as time, flags or seq are not read); null when the header does not.
 * Rows with an empty cell (a point the instrument could not measure) are
 * left out; a file with several sweeps is refused rather than merged. Of a
 * sweep with several attempts (operando's `attempt` column: a lost link
 * interrupted the earlier ones, the run repeated the sweep), the last
 * attempt is read: the only complete one.
 */
function fromNamedColumns(text: string): RawSpectrum | null {
  const headerLine = splitLines(text.replace(/^\uFEFF/, '')).find((l) => l.trim() !== '' && !l.trimStart().startsWith('#')) ?? '';
  const header = headerLine.split(',');
  if (!NAMED_COLUMNS.every((spec) => header.some((cell) => spec.match(cell) !== null))) return null;
  const column = (pattern: RegExp) => {
    const index = header.findIndex((cell) => pattern.test(cell.trim()));
    return index < 0 ? [] : [{ label: header[index]!.trim(), match: (cell: string) => (pattern.test(cell.trim()) ? 1 : null) }];
  };
  const sweepColumn = column(SWEEP_COLUMN);
  const attemptColumn = column(ATTEMPT_COLUMN);
  const table = readCsvColumns(text, [...NAMED_COLUMNS, ...sweepColumn, ...attemptColumn], { skipIncomplete: true });
  const sweeps = sweepColumn.length === 0 ? [] : Array.from(new Set(table.values[3]));
  if (sweeps.length > 1) {
    throw new ImportError(`holds ${sweeps.length} sweeps (column ${sweepColumn[0]!.label}: ${sweeps.slice(0, 5).join(', ')}${sweeps.length > 5 ? ', ...' : ''}): export one sweep per file`, 'IMPORT_FORMAT', {
      sweeps: sweeps.length,
    });
  }
  const attempts = attemptColumn.length === 0 ? null : table.values[3 + sweepColumn.length]!;
  let lastAttempt = -Infinity;
  for (const a of attempts ?? []) if (a > lastAttempt) lastAttempt = a;
  const keep = (i: number) => attempts === null || attempts[i] === lastAttempt;
  const kept = (values: Float64Array) => values.filter((_, i) => keep(i));
  const imaginaryColumn = header[table.indices[2]!]!.trim();
  const negated = imaginaryColumn.startsWith('-');
  const [frequencyHz, zRe, zIm] = (table.values as Float64Array[]).slice(0, 3).map(kept) as [Float64Array, Float64Array, Float64Array];
  const earlierAttemptRows = table.lines.length - frequencyHz.length;
  return {
    frequencyHz,
    zRe,
    zIm: negated ? zIm.map((v) => -v) : zIm,
    lines: table.lines.filter((_, i) => keep(i)),
    imaginaryColumn,
    imaginaryNegated: negated,
    signRule: 'column name',
    ...(table.skipped > 0 && { skippedRows: table.skipped }),
    ...(earlierAttemptRows > 0 && { earlierAttemptRows }),
  };
}

interface RawSpectrum extends ImpedanceSpectrum {
  /** 1-based source line of each point, for messages */
  readonly lines: number[];
  readonly imaginaryColumn: string;
  readonly imaginaryNegated: boolean;
  readonly signRule: ImpedanceSource['signRule'];
  /** Rows left out for an empty cell. */
  readonly skippedRows?: number;
  /** Rows of earlier attempts at the sweep left out. */
  readonly earlierAttemptRows?: number;
}

const MPT_FREQUENCY = 'freq/Hz';
const MPT_REAL = 'Re(Z)/Ohm';
const MPT_IMAGINARY = ['-Im(Z)/Ohm', 'Im(Z)/Ohm'];

function fromMpt(text: string): RawSpectrum {
  const table = readMptTable(text);
  const names = table.columns.map((c) => c.trim());
  const column = (wanted: string[]): number => {
    const k = names.findIndex((c) => wanted.includes(c));
    if (k < 0) {
      throw new ImportError(`no column ${wanted.join(' or ')} (columns: ${names.join(', ')})`, 'IMPORT_MISSING_COLUMN', { column: wanted[0] });
    }
    return k;
  };
  const f = column([MPT_FREQUENCY]);
  const re = column([MPT_REAL]);
  const im = column(MPT_IMAGINARY);
  const negated = names[im]!.startsWith('-');
  return {
    frequencyHz: Float64Array.from(table.rows, (r) => r[f]!),
    zRe: Float64Array.from(table.rows, (r) => r[re]!),
    zIm: Float64Array.from(table.rows, (r) => (negated ? -r[im]! : r[im]!)),
    lines: table.lines,
    imaginaryColumn: names[im]!,
    imaginaryNegated: negated,
    signRule: 'column name',
  };
}

function fromDta(text: string): RawSpectrum {
  const table = readDtaTable(text, 'ZCURVE');
  const column = (name: string): number => {
    const k = table.columns.indexOf(name);
    if (k < 0) throw new ImportError(`ZCURVE has no column ${name} (columns: ${table.columns.join(', ')})`, 'IMPORT_MISSING_COLUMN', { column: name });
    return k;
  };
  const [f, re, im] = [column('Freq'), column('Zreal'), column('Zimag')];
  const value = (row: string[], k: number, i: number) => parseDecimal(row[k]!, table.firstLine + i, table.columns[k]!);
  return {
    frequencyHz: Float64Array.from(table.rows, (row, i) => value(row, f, i)),
    zRe: Float64Array.from(table.rows, (row, i) => value(row, re, i)),
    zIm: Float64Array.from(table.rows, (row, i) => value(row, im, i)),
    lines: table.rows.map((_, i) => table.firstLine + i),
    imaginaryColumn: 'Zimag',
    imaginaryNegated: false,
    signRule: 'column name',
  };
}

/** Columns of a CSV whose header names them with units, as operando's own export (`frequency_Hz,z_re_ohm,z_im_ohm`). */
const NAMED_COLUMNS: readonly ColumnSpec[] = [
  quantityColumn('frequency_Hz', ['frequency', 'freq', 'f'], { hz: 1 }),
  quantityColumn('z_re_ohm', ['z_re', 'zre', 'zreal', 're_z', "z'"], { ohm: 1, 'Ω': 1 }),
  quantityColumn('z_im_ohm', ['z_im', 'zim', 'zimag', 'im_z', "z''"], { ohm: 1, 'Ω': 1 }),
];

/** A sweep (or cycle) number column: a file holding several sweeps must not be merged into one spectrum. */
const SWEEP_COLUMN = /^(sweep|cycle|loop)$/i;
/** operando's attempt at a sweep: earlier attempts were interrupted and repeated. */
const ATTEMPT_COLUMN = /^attempt$/i;

function fromDelimited(text: string, delimiter: Delimiter): RawSpectrum {
  if (delimiter === 'comma') {
    const named = fromNamedColumns(text);
    if (named) return named;
  }
  const table = readDelimitedTable(text, delimiter, 3, "3 columns: frequency/Hz, Z'/ohm, Z''/ohm (with or without a header)");
  const imaginaryColumn = table.header?.[2] ?? 'column 3';
  let negated: boolean;
  let signRule: ImpedanceSource['signRule'];
  if (table.header) {
    negated = imaginaryColumn.trim().startsWith('-');
    signRule = 'column name';
  } else {
    const positive = table.rows.filter((r) => r[2]! > 0).length;
    negated = positive > table.rows.length / 2;
    signRule = 'majority of points';
  }
  return {
    frequencyHz: Float64Array.from(table.rows, (r) => r[0]!),
    zRe: Float64Array.from(table.rows, (r) => r[1]!),
    zIm: Float64Array.from(table.rows, (r) => (negated ? -r[2]! : r[2]!)),
    lines: table.lines,
    imaginaryColumn,
    imaginaryNegated: negated,
    signRule,
  };
}
