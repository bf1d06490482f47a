import { basename } from 'node:path';
import { withoutInductivePoints, type ImpedanceSpectrum } from '../analysis/eis/spectrum.js';
import { readMpr } from './biologic-mpr.js';
import { mptColumnIndex, mptNumbers, readMptTable } from './biologic-mpt.js';
import { type ColumnMapping, readMappedTable } from './column-mapping.js';
import { quantityColumn, readCsvColumns, type ColumnSpec } from './csv-columns.js';
import { readDelimitedTable, type Delimiter } from './delimited-table.js';
import { ImportError } from './errors.js';
import { detectFormat, readImportFile } from './file-format.js';
import { readDtaTables } from './gamry-dta.js';
import { loopIndexOfRows, splitSpectra, type ImpedanceRows } from './impedance-spectra.js';
import { parseDecimal, splitLines } from './text.js';

/**
 * Impedance spectra from files: BioLogic `.mpr` (binary) and `.mpt`
 * (`freq/Hz`, `Re(Z)/Ohm`, `-Im(Z)/Ohm`), Gamry `.DTA` (`ZCURVE` tables:
 * `Freq`, `Zreal`, `Zimag`), CSV with or without the header
 * `freq_hz,z_re_ohm,z_im_ohm` (operando's export among them), whitespace-
 * separated text (frequency, Z', Z''), and any table through a column mapping
 * (`frequency=...,zre=...,zim=...`). The result always follows impedance.py's
 * convention: zIm < 0 is capacitive. A file holds one spectrum per loop,
 * cycle, sweep or table (`impedance-spectra.ts` says how they are told apart).
 *
 * Sign of Z'': BioLogic writes -Im(Z), so it is negated; Gamry's Zimag and a
 * header naming `z_im` are Z'' itself (a header starting with `-` is negated).
 * A file without a header does not say: a passive electrochemical spectrum is
 * capacitive over most of its range, inductive at most at its high-frequency
 * end, so when most points of such a file have Z'' > 0 the file holds -Z'' and
 * is negated. pyDRTtools' LIB_data.txt stores Z'' itself (negative below
 * ~470 Hz, positive above from the cell's inductance) and is read as is.
 */

export type ImpedanceFormat = 'biologic-mpr' | 'biologic-mpt' | 'gamry-dta' | 'csv' | 'whitespace' | 'mapped';

export interface ImpedanceSource {
  readonly file: string;
  readonly format: ImpedanceFormat;
  /** the column read as the imaginary part */
  readonly imaginaryColumn: string;
  /** true when the file's imaginary column held -Z'' */
  readonly imaginaryNegated: boolean;
  /** how the sign was decided */
  readonly signRule: 'column name' | 'majority of points';
  /** 1-based position of this spectrum in the file (what `--loop` selects) */
  readonly loop: number;
  /** the file's own numbering of it (`cycle number 2`, `sweep 3`, `ZCURVE table 2`), or null */
  readonly label: string | null;
  /** points dropped because Z'' > 0 (when asked to exclude inductive points) */
  readonly inductivePointsExcluded: number;
  /** rows of the file left out because a cell was empty (a point the instrument could not measure) */
  readonly incompleteRowsSkipped: number;
  /** rows of earlier attempts at this sweep left out (operando's export: attempts a lost link interrupted, repeated by the run) */
  readonly earlierAttemptRowsSkipped: number;
  /** rows of the file that are not impedance points (frequency 0: other techniques of an EC-Lab sequence) */
  readonly notImpedanceRowsSkipped: number;
}

export interface ImpedanceFile extends ImpedanceSpectrum {
  readonly source: ImpedanceSource;
}

/** Every spectrum of a file, in file order, and what the reader noticed about the file as a whole. */
export interface ImpedanceSpectra {
  readonly file: string;
  readonly format: ImpedanceFormat;
  readonly spectra: readonly ImpedanceFile[];
  /** about the file (header names without data, a table that ended early, rows skipped...), for the user */
  readonly warnings: readonly string[];
}

export interface ImpedanceReadOptions {
  /** drop the points with Z'' > 0 (after sign normalisation) */
  excludeInductive?: boolean;
  /** read the file as a table with these columns (`--columns`): frequency, zre, zim, optionally loop */
  columns?: ColumnMapping;
}

/** The one spectrum of a file; a file holding several is refused (IMPORT_FORMAT) rather than merged. */
export async function readImpedanceFile(path: string, options: ImpedanceReadOptions = {}): Promise<ImpedanceFile> {
  return parseImpedanceFile(await readImportFile(path), path, options);
}

export function parseImpedanceFile(input: Uint8Array | string, fileName: string, options: ImpedanceReadOptions = {}): ImpedanceFile {
  const { spectra, format } = parseImpedanceSpectra(input, fileName, options);
  if (spectra.length > 1) {
    const labels = spectra.slice(0, 5).map((s) => s.source.label ?? `#${s.source.loop}`);
    throw new ImportError(`${basename(fileName)} (${format}): holds ${spectra.length} spectra (${labels.join(', ')}${spectra.length > 5 ? ', ...' : ''}): read them one by one`, 'IMPORT_FORMAT', {
      file: fileName,
      format,
      spectra: spectra.length,
    });
  }
  return spectra[0]!;
}

/** `input`: the file's bytes (any format) or its text (any but `.mpr`); `fileName` names it in messages and picks the format by extension when the content does not. */
export function parseImpedanceSpectra(input: Uint8Array | string, fileName: string, options: ImpedanceReadOptions = {}): ImpedanceSpectra {
  /** the format as named in messages (a Maccor export has no ImpedanceFormat: it is refused) */
  let shown = 'unknown format';
  try {
    const detected = detectFormat(input, fileName);
    shown = options.columns ? 'mapped' : detected.format;
    if (options.columns && detected.format === 'biologic-mpr') {
      throw new ImportError('--columns maps the columns of a text table; an .mpr names its own', 'IMPORT_FORMAT', {});
    }
    if (detected.format === 'maccor' && !options.columns) {
      throw new ImportError('a Maccor cycler export holds no impedance spectrum (its ACImp/Ohms column is one frequency per step)', 'IMPORT_UNSUPPORTED', {});
    }
    const format: ImpedanceFormat = options.columns ? 'mapped' : (detected.format as Exclude<typeof detected.format, 'maccor'>);
    const raw = rowsOf(format, detected.bytes, detected.text ?? '', options.columns);
    return spectraOf(raw, fileName, format, options);
  } catch (e) {
    if (e instanceof ImportError) {
      throw new ImportError(`${basename(fileName)} (${shown}): ${e.message}`, e.code, { ...e.context, file: fileName, format: shown }, { cause: e });
    }
    throw e;
  }
}

/** A format's rows before splitting, with how its imaginary column was read and what its reader noticed. */
interface RawRows extends ImpedanceRows {
  readonly imaginaryColumn: string;
  readonly imaginaryNegated: boolean;
  readonly signRule: ImpedanceSource['signRule'];
  /** rows left out for an empty cell */
  readonly incompleteRows: number;
  readonly warnings: readonly string[];
}

function rowsOf(format: ImpedanceFormat, bytes: Uint8Array | null, text: string, columns: ColumnMapping | undefined): RawRows {
  switch (format) {
    case 'biologic-mpr':
      return fromMpr(bytes!);
    case 'biologic-mpt':
      return fromMpt(text);
    case 'gamry-dta':
      return fromDta(text);
    case 'mapped':
      return fromMapped(text, columns!);
    case 'csv':
    case 'whitespace':
      return fromDelimited(text, format === 'csv' ? 'comma' : 'whitespace');
  }
}

function spectraOf(raw: RawRows, fileName: string, format: ImpedanceFormat, options: ImpedanceReadOptions): ImpedanceSpectra {
  const { spectra: split, notImpedanceRows, repeatedFrequencySplits } = splitSpectra(raw);
  if (split.length === 0) {
    const why = notImpedanceRows > 0 ? `: all ${notImpedanceRows} rows have frequency 0 (rows of techniques other than EIS)` : '';
    throw new ImportError(`no impedance points${why}`, 'IMPORT_EMPTY', { notImpedanceRows });
  }
  const warnings = [...raw.warnings];
  if (notImpedanceRows > 0) warnings.push(`${notImpedanceRows} rows with frequency 0 are not impedance points (rows of other techniques of the sequence) and were left out`);
  if (raw.incompleteRows > 0) warnings.push(`${raw.incompleteRows} rows with an empty cell (a point the instrument could not measure) were left out`);
  if (repeatedFrequencySplits > 0) {
    warnings.push(`the frequency sweep starts again ${repeatedFrequencySplits} time${repeatedFrequencySplits > 1 ? 's' : ''} without a loop number in the file: read as ${split.length} spectra`);
  }
  const spectra = split.map((s, k): ImpedanceFile => {
    const spectrum: ImpedanceSpectrum = { frequencyHz: s.frequencyHz, zRe: s.zRe, zIm: s.zIm };
    const kept = options.excludeInductive ? withoutInductivePoints(spectrum) : spectrum;
    return {
      ...kept,
      source: {
        file: fileName,
        format,
        imaginaryColumn: raw.imaginaryColumn,
        imaginaryNegated: raw.imaginaryNegated,
        signRule: raw.signRule,
        loop: k + 1,
        label: s.label,
        inductivePointsExcluded: spectrum.frequencyHz.length - kept.frequencyHz.length,
        incompleteRowsSkipped: raw.incompleteRows,
        earlierAttemptRowsSkipped: s.earlierAttemptRows,
        notImpedanceRowsSkipped: notImpedanceRows,
      },
    };
  });
  return { file: fileName, format, spectra, warnings };
}

const MPT_FREQUENCY = 'freq/Hz';
const MPT_REAL = 'Re(Z)/Ohm';
const MPT_IMAGINARY = ['-Im(Z)/Ohm', 'Im(Z)/Ohm'];
/** EC-Lab's loop numbering: the loop of a technique (`cycle number`) and the technique's place in a sequence (`Ns`). */
const ECLAB_LOOPS = ['cycle number', 'Ns'];

function fromMpr(bytes: Uint8Array): RawRows {
  const mpr = readMpr(bytes);
  const zIm = mpr.column('-Im(Z)/Ohm');
  const loops = ECLAB_LOOPS.filter((name) => mpr.has(name)).map((name) => ({ name, values: mpr.column(name) }));
  if (mpr.loopStarts !== null) loops.push({ name: 'loop', values: loopIndexOfRows(mpr.loopStarts, mpr.rows) });
  return {
    frequencyHz: mpr.column(MPT_FREQUENCY),
    zRe: mpr.column(MPT_REAL),
    zIm: zIm.map((v) => -v),
    lines: Array.from({ length: mpr.rows }, (_, k) => k + 1),
    lineWord: 'row',
    loops,
    attempts: null,
    imaginaryColumn: '-Im(Z)/Ohm',
    imaginaryNegated: true,
    signRule: 'column name',
    incompleteRows: 0,
    warnings: mpr.warnings,
  };
}

function fromMpt(text: string): RawRows {
  const table = readMptTable(text);
  const column = (wanted: string[]): number => {
    const k = mptColumnIndex(table, wanted);
    if (k < 0) {
      throw new ImportError(`no column ${wanted.join(' or ')} (columns: ${table.columns.join(', ')})`, 'IMPORT_MISSING_COLUMN', { column: wanted[0] });
    }
    return k;
  };
  const im = column(MPT_IMAGINARY);
  const negated = table.columns[im]!.trim().startsWith('-');
  const zIm = mptNumbers(table, im);
  const loops = ECLAB_LOOPS.flatMap((name) => {
    const k = mptColumnIndex(table, [name]);
    return k < 0 ? [] : [{ name, values: mptNumbers(table, k) }];
  });
  if (table.loopStarts !== null) loops.push({ name: 'loop', values: loopIndexOfRows(table.loopStarts, table.rows.length) });
  return {
    frequencyHz: mptNumbers(table, column([MPT_FREQUENCY])),
    zRe: mptNumbers(table, column([MPT_REAL])),
    zIm: negated ? zIm.map((v) => -v) : zIm,
    lines: table.lines,
    loops,
    attempts: null,
    imaginaryColumn: table.columns[im]!.trim(),
    imaginaryNegated: negated,
    signRule: 'column name',
    incompleteRows: 0,
    warnings: table.warnings,
  };
}

/** Gamry writes one ZCURVE table per spectrum (`ZCURVE`, and `ZCURVE2`... where a file holds several). */
const ZCURVE_TAG = /^ZCURVE\d*$/;

function fromDta(text: string): RawRows {
  const tables = readDtaTables(text, (tag) => ZCURVE_TAG.test(tag));
  if (tables.length === 0) throw new ImportError('no ZCURVE TABLE in the file', 'IMPORT_FORMAT', { table: 'ZCURVE' });
  const frequencyHz: number[] = [];
  const zRe: number[] = [];
  const zIm: number[] = [];
  const lines: number[] = [];
  const tableIndex: number[] = [];
  tables.forEach((table, t) => {
    const column = (name: string): number => {
      const k = table.columns.indexOf(name);
      if (k < 0) throw new ImportError(`${table.name} has no column ${name} (columns: ${table.columns.join(', ')})`, 'IMPORT_MISSING_COLUMN', { column: name });
      return k;
    };
    const [f, re, im] = [column('Freq'), column('Zreal'), column('Zimag')];
    table.rows.forEach((row, i) => {
      const line = table.firstLine + i;
      frequencyHz.push(parseDecimal(row[f]!, line, 'Freq'));
      zRe.push(parseDecimal(row[re]!, line, 'Zreal'));
      zIm.push(parseDecimal(row[im]!, line, 'Zimag'));
      lines.push(line);
      tableIndex.push(t + 1);
    });
  });
  return {
    frequencyHz: Float64Array.from(frequencyHz),
    zRe: Float64Array.from(zRe),
    zIm: Float64Array.from(zIm),
    lines,
    loops: tables.length > 1 ? [{ name: 'ZCURVE table', values: tableIndex }] : [],
    attempts: null,
    imaginaryColumn: 'Zimag',
    imaginaryNegated: false,
    signRule: 'column name',
    incompleteRows: 0,
    warnings: tables.flatMap((t) => t.warnings),
  };
}

function fromMapped(text: string, mapping: ColumnMapping): RawRows {
  const table = readMappedTable(text, mapping);
  const im = mapping.find((m) => m.quantity === 'zim')!;
  return {
    frequencyHz: table.values.frequency!,
    zRe: table.values.zre!,
    zIm: table.values.zim!,
    lines: table.lines,
    loops: table.values.loop ? [{ name: mapping.find((m) => m.quantity === 'loop')!.column, values: table.values.loop }] : [],
    attempts: null,
    imaginaryColumn: im.column,
    imaginaryNegated: im.negated,
    signRule: 'column name',
    incompleteRows: table.skipped,
    warnings: table.warnings,
  };
}

/** Columns of a CSV whose header names them with units, as operando's own export (`frequency_Hz,z_re_ohm,z_im_ohm`). */
const NAMED_COLUMNS: readonly ColumnSpec[] = [
  quantityColumn('frequency_Hz', ['frequency', 'freq', 'f'], { hz: 1 }),
  quantityColumn('z_re_ohm', ['z_re', 'zre', 'zreal', 're_z', "z'"], { ohm: 1, 'Ω': 1 }),
  quantityColumn('z_im_ohm', ['z_im', 'zim', 'zimag', 'im_z', "z''"], { ohm: 1, 'Ω': 1 }),
];

/** A sweep (or cycle, or loop) number column: one spectrum per value. */
const SWEEP_COLUMN = /^(sweep|cycle|cycle number|loop)$/i;
/** operando's attempt at a sweep: earlier attempts were interrupted and repeated. */
const ATTEMPT_COLUMN = /^attempt$/i;

/**
 * A CSV whose header names frequency, Z' and Z'' with units (other columns
 * such as time, flags or seq are not read); null when the header does not.
 * Rows with an empty cell (a point the instrument could not measure) are
 * left out.
 */
function fromNamedColumns(text: string): RawRows | null {
  const headerLine = splitLines(text.slice(0, 65_536).replace(/^\uFEFF/, '')).find((l) => l.trim() !== '' && !l.trimStart().startsWith('#')) ?? '';
  const header = headerLine.split(',');
  if (!NAMED_COLUMNS.every((spec) => header.some((cell) => spec.match(cell) !== null))) return null;
  const column = (pattern: RegExp) => {
    const index = header.findIndex((cell) => pattern.test(cell.trim()));
    return index < 0 ? [] : [{ label: header[index]!.trim(), match: (cell: string) => (pattern.test(cell.trim()) ? 1 : null) }];
  };
  const sweepColumn = column(SWEEP_COLUMN);
  const attemptColumn = column(ATTEMPT_COLUMN);
  const table = readCsvColumns(text, [...NAMED_COLUMNS, ...sweepColumn, ...attemptColumn], { skipIncomplete: true });
  const imaginaryColumn = header[table.indices[2]!]!.trim();
  const negated = imaginaryColumn.startsWith('-');
  const zIm = table.values[2]!;
  return {
    frequencyHz: table.values[0]!,
    zRe: table.values[1]!,
    zIm: negated ? zIm.map((v) => -v) : zIm,
    lines: table.lines,
    loops: sweepColumn.length === 0 ? [] : [{ name: sweepColumn[0]!.label, values: table.values[3]! }],
    attempts: attemptColumn.length === 0 ? null : table.values[3 + sweepColumn.length]!,
    imaginaryColumn,
    imaginaryNegated: negated,
    signRule: 'column name',
    incompleteRows: table.skipped,
    warnings: [],
  };
}

function fromDelimited(text: string, delimiter: Delimiter): RawRows {
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
    loops: [],
    attempts: null,
    imaginaryColumn,
    imaginaryNegated: negated,
    signRule,
    incompleteRows: 0,
    warnings: [],
  };
}
