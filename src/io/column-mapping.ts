import { parseQuantity, UnitError, type Dimension } from '../core/units.js';
import { IMPORT_DEFAULTS } from './defaults.js';
import { ImportError } from './errors.js';
import { isLastNonBlank, parseDecimal, splitLines } from './text.js';

/**
 * Tables of other cyclers and potentiostats (Neware, Arbin, BaSyTec, Ivium,
 * a spreadsheet), read through a column mapping given by the user:
 * `time=Test Time (s),voltage=Voltage (V),current=Current (mA)`. Each
 * column is named as the file's header writes it, with its unit, which says
 * how to convert it to SI: `(mA)`, `[mA]`, `/mA` or `_mA` at the end of the
 * name, or, for a header that names no unit, after a colon:
 * `voltage=Volts:V,current=Amps:A` (the text after the last `:` is the
 * unit). A name starting with `-` (`-Z'' (Ohm)`, `-Im(Z)/Ohm`) holds the
 * negated quantity. Names cannot hold a comma (it separates the entries).
 *
 * The header is the first line holding every mapped name as a cell (lines
 * before it, a cycler's file facts, are skipped); cells are separated by
 * tabs, semicolons or commas, whichever of them makes that line hold the
 * names; with tabs or semicolons a decimal comma is a decimal point. A row
 * with an empty mapped cell is left out and counted; a last row cut short is
 * left out with a warning.
 */
export type MappedQuantity = 'time' | 'voltage' | 'current' | 'frequency' | 'zre' | 'zim' | 'loop';

const DIMENSIONS: Readonly<Record<MappedQuantity, Dimension | null>> = {
  time: 'time',
  voltage: 'potential',
  current: 'current',
  frequency: 'frequency',
  zre: 'resistance',
  zim: 'resistance',
  loop: null,
};

export interface MappedColumn {
  readonly quantity: MappedQuantity;
  /** the header cell as the user wrote it */
  readonly column: string;
  /** factor of the column's unit to SI (1 for `loop`) */
  readonly factor: number;
  /** the column holds the negated quantity (its name starts with `-`) */
  readonly negated: boolean;
}

export type ColumnMapping = readonly MappedColumn[];

/** The mappings each analysis takes (`loop` is optional). */
export const GITT_MAPPING: readonly MappedQuantity[] = ['time', 'voltage', 'current'];
export const EIS_MAPPING: readonly MappedQuantity[] = ['frequency', 'zre', 'zim'];

/**
 * Parses `--columns` into a mapping of exactly the `required` quantities
 * (and `loop` when `optional` has it): the mapping, or what is wrong with it
 * for a usage message.
 */
export function parseColumnMapping(spec: string, required: readonly MappedQuantity[], optional: readonly MappedQuantity[] = []): ColumnMapping | { problem: string } {
  const entries: MappedColumn[] = [];
  for (const part of spec.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? '' : part.slice(eq + 1).trim();
    const colon = value.lastIndexOf(':');
    const column = (colon < 0 ? value : value.slice(0, colon)).trim();
    const givenUnit = colon < 0 ? null : value.slice(colon + 1).trim();
    if (![...required, ...optional].includes(key as MappedQuantity)) {
      return { problem: `--columns: "${key}" is not one of ${[...required, ...optional].join(', ')} (write key=Column name (unit))` };
    }
    if (column === '') return { problem: `--columns: ${key} names no column (write ${key}=Column name (unit))` };
    if (entries.some((e) => e.quantity === key)) return { problem: `--columns: ${key} is mapped twice` };
    const quantity = key as MappedQuantity;
    const dimension = DIMENSIONS[quantity];
    let factor = 1;
    if (dimension !== null) {
      const unit = givenUnit || unitOfName(column);
      if (!unit) {
        const example = EXAMPLE_UNITS[dimension] ?? 'unit';
        return { problem: `--columns: ${key}=${column} gives no unit: name the column with its unit as in the file ("${column} (${example})") or add it after a colon (${key}=${column}:${example})` };
      }
      const f = unitFactor(unit, dimension);
      if (f === null) return { problem: `--columns: ${key}=${column}: "${unit}" is not a unit of ${dimension}` };
      factor = f;
    }
    entries.push({ quantity, column, factor, negated: column.startsWith('-') });
  }
  const missing = required.filter((q) => !entries.some((e) => e.quantity === q));
  if (missing.length > 0) return { problem: `--columns: ${missing.join(', ')} not mapped (e.g. ${required.map((q) => `${q}=Name (${EXAMPLE_UNITS[DIMENSIONS[q] ?? 'time'] ?? 'unit'})`).join(',')})` };
  return entries;
}

export function isColumnMapping(value: ColumnMapping | { problem: string }): value is ColumnMapping {
  return Array.isArray(value);
}

const EXAMPLE_UNITS: Readonly<Partial<Record<Dimension, string>>> = { time: 's', potential: 'V', current: 'mA', frequency: 'Hz', resistance: 'Ohm' };

/** `Test Time (s)` -> `s`, `Current [mA]` -> `mA`, `Ewe/V` -> `V`, `current_uA` -> `uA`; null without one. */
export function unitOfName(name: string): string | null {
  const text = name.trim();
  const bracket = /[([]\s*([^()[\]\s]+)\s*[)\]]$/.exec(text);
  if (bracket) return bracket[1]!;
  const cut = Math.max(text.lastIndexOf('/'), text.lastIndexOf('_'));
  return cut > 0 && cut < text.length - 1 ? text.slice(cut + 1) : null;
}

/** Spellings instruments use for units that parseQuantity writes otherwise. */
const SPELLINGS: Readonly<Record<string, string>> = { Ohm: 'ohm', Ohms: 'ohm', ohms: 'ohm', sec: 's', Sec: 's', hr: 'h', Hr: 'h', hz: 'Hz' };

function unitFactor(unit: string, dimension: Dimension): number | null {
  const spelled = Object.entries(SPELLINGS).reduce((u, [from, to]) => (u.endsWith(from) ? u.slice(0, u.length - from.length) + to : u), unit);
  try {
    return parseQuantity(`1 ${spelled}`, dimension);
  } catch (e) {
    if (e instanceof UnitError) return null;
    throw e;
  }
}

export interface MappedTable {
  /** SI values of each mapped quantity (`loop` as written), negated columns negated back */
  readonly values: Readonly<Partial<Record<MappedQuantity, Float64Array>>>;
  /** 1-based line of each row kept */
  readonly lines: readonly number[];
  /** rows left out for an empty mapped cell */
  readonly skipped: number;
  readonly warnings: readonly string[];
}

const DELIMITERS = ['\t', ';', ','] as const;
/** The header is looked for in the first lines only: cyclers write a few lines of file facts, never pages. */
const HEADER_SEARCH_LINES = 64;

export function readMappedTable(text: string, mapping: ColumnMapping): MappedTable {
  const lines = splitLines(text.replace(/^\uFEFF/, ''));
  const wanted = mapping.map((m) => m.column.toLowerCase());
  let found: { line: number; delimiter: string; indices: number[] } | null = null;
  for (let k = 0; k < Math.min(lines.length, HEADER_SEARCH_LINES) && found === null; k++) {
    for (const delimiter of DELIMITERS) {
      const cells = lines[k]!.split(delimiter).map((c) => c.trim().toLowerCase());
      if (cells.length > IMPORT_DEFAULTS.maxColumns) continue;
      const indices = wanted.map((w) => cells.indexOf(w));
      if (indices.every((i) => i >= 0)) {
        found = { line: k, delimiter, indices };
        break;
      }
    }
  }
  if (found === null) {
    throw new ImportError(
      `no header line with the columns ${mapping.map((m) => `"${m.column}"`).join(', ')} in the first ${HEADER_SEARCH_LINES} lines (first line: "${(lines[0] ?? '').slice(0, 80)}")`,
      'IMPORT_MISSING_COLUMN',
      { column: mapping.map((m) => m.column).join(', ') },
    );
  }
  const { delimiter, indices } = found;
  const decimalComma = delimiter !== ',';
  const needed = indices.reduce((a, b) => Math.max(a, b), 0) + 1;
  const columns = mapping.map(() => [] as number[]);
  const kept: number[] = [];
  const warnings: string[] = [];
  let skipped = 0;
  for (let k = found.line + 1; k < lines.length; k++) {
    const line = lines[k]!;
    if (line.trim() === '') continue;
    const cells = line.split(delimiter);
    if (cells.length < needed) {
      if (isLastNonBlank(lines, k)) {
        warnings.push(`line ${k + 1}: the last row holds ${cells.length} values (the file ends early) and was left out`);
        break;
      }
      throw new ImportError(`line ${k + 1}: ${cells.length} values, the mapped columns need ${needed}`, 'IMPORT_FORMAT', { line: k + 1 });
    }
    const raw = indices.map((i) => cells[i]!.trim());
    if (raw.some((cell) => cell === '')) {
      skipped++;
      continue;
    }
    raw.forEach((cell, c) => {
      const m = mapping[c]!;
      const value = parseDecimal(decimalComma ? cell.replace(',', '.') : cell, k + 1, m.column);
      columns[c]!.push(toSi(m.negated ? -value : value, m.factor));
    });
    kept.push(k + 1);
  }
  if (kept.length === 0) throw new ImportError(skipped > 0 ? `no complete data rows (${skipped} rows with empty cells)` : 'no data rows after the header', 'IMPORT_EMPTY', { skipped });
  const values: Partial<Record<MappedQuantity, Float64Array>> = {};
  mapping.forEach((m, c) => {
    values[m.quantity] = Float64Array.from(columns[c]!);
  });
  return { values, lines: kept, skipped, warnings };
}

/** As in csv-columns: sub-units divide by the exact integer, so 5 uA is 5e-6 A exactly. */
function toSi(value: number, factor: number): number {
  if (factor === 1) return value;
  return factor > 1 ? value * factor : value / Math.round(1 / factor);
}
