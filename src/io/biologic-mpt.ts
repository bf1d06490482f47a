import { IMPORT_DEFAULTS } from './defaults.js';
import { ImportError } from './errors.js';
import { isLastNonBlank, parseDecimal, splitLines } from './text.js';

/**
 * BioLogic EC-Lab `.mpt` text export: line 1 `EC-Lab ASCII FILE`, line 2
 * `Nb header lines : N`; the N-th line holds the tab-separated column names
 * (`time/s`, `Ewe/V`, `I/mA`, `freq/Hz`, `Re(Z)/Ohm`, `-Im(Z)/Ohm`, ...) and
 * the data follow, one tab-separated row per line. Exports without the header
 * block start directly with the column names. Decode the file as Latin-1
 * first (see `decodeText`).
 *
 * What real exports do, and how it is read (files in tests/fixtures/):
 * - the name line may hold more names than the rows hold values: EC-Lab
 *   11.52 writes 63 names, one of them empty, over rows of 61 values. The
 *   table is as wide as its first row; names beyond it are left out with a
 *   warning. Empty and repeated names are kept (a lookup finds the first).
 * - cells stay text until a reader asks for a column (`mptNumbers`,
 *   `mptSeconds`): a column nobody reads may hold anything, and `time/s` is
 *   a date-time when the export was made with `Time format : Absolute`.
 * - decimal commas (French-locale installations) are decimal points: fields
 *   are tab-separated, so a comma is never a separator.
 * - a last row with fewer values than the others (a file copied while it was
 *   written) is left out with a warning; such a row elsewhere is an error.
 */
export interface MptTable {
  /** column names as written, up to the width of the rows */
  readonly columns: readonly string[];
  /** the cells of each row, as text */
  readonly rows: readonly (readonly string[])[];
  /** lines before the data, including the column-name line */
  readonly headerLines: number;
  /** 1-based line number of each row (blank lines are skipped) */
  readonly lines: readonly number[];
  /** `Acquisition started on : ...` of the header block, as written, or null */
  readonly acquisitionStart: string | null;
  /** `Time format : ...` of the header block (`Elapsed`, `Absolute MMDDYYYY`), or null */
  readonly timeFormat: string | null;
  /**
   * First row (0-based) of each loop the header lists (`Loop 1 from point
   * number 43 to 85`, written after `Number of loops : N` when a Loop
   * technique repeated the sequence), or null when it lists none
   */
  readonly loopStarts: readonly number[] | null;
  readonly warnings: readonly string[];
}

const MAGIC = 'EC-Lab ASCII FILE';
const HEADER_COUNT = /^Nb header lines\s*:\s*(\d+)$/;
const ACQUISITION_START = /^Acquisition started on\s*:\s*(.+)$/;
const TIME_FORMAT = /^Time format\s*:\s*(.+)$/;
const LOOP = /^Loop\s+(\d+)\s+from point number\s+(\d+)\s+to\s+(\d+)$/;

export function isMptText(text: string): boolean {
  return text.startsWith(MAGIC);
}

export function readMptTable(text: string): MptTable {
  const lines = splitLines(text);
  const warnings: string[] = [];
  let headerLines = 1;
  let acquisitionStart: string | null = null;
  let timeFormat: string | null = null;
  const loopStarts: number[] = [];
  if (lines[0]?.trim() === MAGIC) {
    const m = HEADER_COUNT.exec(lines[1]?.trim() ?? '');
    if (!m) throw new ImportError(`line 2: expected "Nb header lines : N" after "${MAGIC}"`, 'IMPORT_FORMAT', { line: 2 });
    headerLines = Number(m[1]);
    if (headerLines < 3 || headerLines > lines.length) {
      throw new ImportError(`line 2: header of ${headerLines} lines does not fit a file of ${lines.length} lines`, 'IMPORT_FORMAT', { line: 2 });
    }
    for (let i = 2; i < headerLines - 1; i++) {
      const line = lines[i]!.trim();
      acquisitionStart ??= ACQUISITION_START.exec(line)?.[1]?.trim() ?? null;
      timeFormat ??= TIME_FORMAT.exec(line)?.[1]?.trim() ?? null;
      const loop = LOOP.exec(line);
      if (loop) loopStarts.push(Number(loop[2]));
    }
  }
  const names = splitRow(lines[headerLines - 1] ?? '');
  if (names.length === 0) throw new ImportError(`line ${headerLines}: expected tab-separated column names`, 'IMPORT_FORMAT', { line: headerLines });
  if (names.length > IMPORT_DEFAULTS.maxColumns) {
    throw new ImportError(`line ${headerLines}: ${names.length} column names, more than ${IMPORT_DEFAULTS.maxColumns}`, 'IMPORT_FORMAT', { line: headerLines });
  }
  const rows: string[][] = [];
  const rowLines: number[] = [];
  let width = 0;
  for (let i = headerLines; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const cells = splitRow(line);
    if (width === 0) {
      if (cells.length > names.length) {
        throw new ImportError(`line ${i + 1}: ${cells.length} values for ${names.length} columns`, 'IMPORT_FORMAT', { line: i + 1 });
      }
      width = cells.length;
    }
    if (cells.length !== width) {
      if (cells.length < width && isLastNonBlank(lines, i)) {
        warnings.push(`line ${i + 1}: the last row holds ${cells.length} of ${width} values (the file ends early) and was left out`);
        break;
      }
      throw new ImportError(`line ${i + 1}: ${cells.length} values for ${width} columns`, 'IMPORT_FORMAT', { line: i + 1 });
    }
    rows.push(cells);
    rowLines.push(i + 1);
  }
  const columns = width === 0 ? names : names.slice(0, width);
  if (width > 0 && width < names.length) {
    const extra = names.slice(width).map((n) => `"${n}"`);
    warnings.push(`line ${headerLines}: the header names ${extra.length} more column${extra.length > 1 ? 's' : ''} than the rows hold (${extra.join(', ')}): left out`);
  }
  const repeated = columns.filter((name, k) => name.trim() !== '' && columns.indexOf(name) !== k);
  if (repeated.length > 0) warnings.push(`line ${headerLines}: column name${repeated.length > 1 ? 's' : ''} ${[...new Set(repeated)].map((n) => `"${n}"`).join(', ')} repeated: the first is read`);
  return { columns, rows, headerLines, lines: rowLines, acquisitionStart, timeFormat, loopStarts: loopStarts.length > 1 ? loopStarts : null, warnings };
}

/** Index of the first column named one of `names` (spaces around a name ignored), or -1. */
export function mptColumnIndex(table: MptTable, names: readonly string[]): number {
  return table.columns.findIndex((c) => names.includes(c.trim()));
}

/** The column's cells as numbers; a cell that is not one is IMPORT_BAD_VALUE naming its line and column. */
export function mptNumbers(table: MptTable, index: number): Float64Array {
  const name = table.columns[index] ?? `column ${index + 1}`;
  const values = new Float64Array(table.rows.length);
  table.rows.forEach((row, k) => {
    values[k] = parseDecimal(row[index]!.replace(',', '.'), table.lines[k]!, name);
  });
  return values;
}

/**
 * `time/s` in seconds since the acquisition start, as the `.mpr` stores it:
 * a number as written, or, in an export made with `Time format : Absolute
 * MMDDYYYY` (or another order of DD, MM and YYYY), the date-time minus the
 * header's `Acquisition started on` (which EC-Lab writes as MM/DD/YYYY in
 * every export seen). Without that line the first row is taken as 0 s, with
 * a warning pushed to `warnings`.
 */
export function mptSeconds(table: MptTable, index: number, warnings: string[]): Float64Array {
  const order = /^Absolute\s+(\S+)$/i.exec(table.timeFormat ?? '')?.[1]?.toUpperCase();
  const first = table.rows[0]?.[index] ?? '';
  if (order === undefined && !DATE_TIME.test(first.trim())) return mptNumbers(table, index);
  const format = order ?? 'MMDDYYYY';
  const name = table.columns[index] ?? 'time';
  const stamps = table.rows.map((row, k) => parseDateTime(row[index]!, format, table.lines[k]!, name));
  let origin = table.acquisitionStart === null ? null : dateTime(table.acquisitionStart, 'MMDDYYYY');
  if (origin === null) {
    warnings.push(`${name} holds date-times and the header gives no acquisition start: times are counted from the first row`);
    origin = stamps[0] ?? { dayMinutes: 0, seconds: 0 };
  }
  const o = origin;
  // Whole minutes and seconds apart, so 1.7e9-second epochs never meet the fractions.
  return Float64Array.from(stamps, (s) => (s.dayMinutes - o.dayMinutes) * 60 + (s.seconds - o.seconds));
}

/** `12/12/2025 13:45:37.2207`: one digit group per field, no nested repetition. */
const DATE_TIME = /^(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})[ T](\d{1,2}):(\d{2}):(\d{2}(?:\.\d*)?)$/;

interface Stamp {
  /** minutes since 1970-01-01 00:00 (the date-time's own zone; only differences are used) */
  readonly dayMinutes: number;
  readonly seconds: number;
}

function parseDateTime(cell: string, order: string, line: number, column: string): Stamp {
  const stamp = dateTime(cell, order);
  if (stamp === null) {
    throw new ImportError(`line ${line}, column ${column}: "${cell.slice(0, 40)}" is not a date-time in the ${order} order the header gives`, 'IMPORT_BAD_VALUE', { line, column });
  }
  return stamp;
}

function dateTime(text: string, order: string): Stamp | null {
  const m = DATE_TIME.exec(text.trim());
  if (!m) return null;
  const fields = [m[1]!, m[2]!, m[3]!];
  const slots = order.replace(/[^DMY]/g, '').match(/D+|M+|Y+/g) ?? [];
  if (slots.length !== 3) return null;
  const pick = (letter: string) => Number(fields[slots.findIndex((s) => s.startsWith(letter))]);
  const [year, month, day] = [pick('Y'), pick('M'), pick('D')];
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= 31 && year >= 1900)) return null;
  const minutes = Date.UTC(year, month - 1, day, Number(m[4]), Number(m[5])) / 60_000;
  return Number.isFinite(minutes) ? { dayMinutes: minutes, seconds: Number(m[6]) } : null;
}

/** Tab-separated cells without the empty trailing cells EC-Lab leaves after the last tab. */
function splitRow(line: string): string[] {
  const cells = line.split('\t');
  while (cells.length > 0 && cells[cells.length - 1]!.trim() === '') cells.pop();
  return cells;
}
