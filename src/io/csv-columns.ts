import { ImportError } from './errors.js';
import { parseDecimal, splitLines } from './text.js';

/** A column a reader needs: how it is named in messages, and how a header cell names it (its factor to SI, or null). */
export interface ColumnSpec {
  readonly label: string;
  match(headerCell: string): number | null;
}

/**
 * A column named `<quantity>_<unit>` or `<quantity>/<unit>` (case-insensitive),
 * e.g. `potential_V`, `voltage_v`, `current_mA`, `time/s`, with the factor of
 * each accepted unit to SI. A leading `-` (as in `-z_im_ohm`) matches too:
 * the caller decides what it means.
 */
export function quantityColumn(label: string, names: readonly string[], units: Readonly<Record<string, number>>): ColumnSpec {
  const wanted = new Map<string, number>();
  for (const name of names) for (const [unit, factor] of Object.entries(units)) for (const sep of ['_', '/']) wanted.set(`${name}${sep}${unit}`.toLowerCase(), factor);
  return { label, match: (cell) => wanted.get(cell.trim().replace(/^-/, '').toLowerCase()) ?? null };
}

/** A column of exactly this name (case-insensitive), in SI already. */
export function namedColumn(name: string): ColumnSpec {
  return { label: name, match: (cell) => (cell.trim().toLowerCase() === name.toLowerCase() ? 1 : null) };
}

export interface CsvColumns {
  /** The header cells as written. */
  readonly header: readonly string[];
  /** Index of each spec's column in the header. */
  readonly indices: readonly number[];
  /** Values of each spec's column, scaled to SI. */
  readonly values: readonly Float64Array[];
  /** 1-based line of each row kept. */
  readonly lines: readonly number[];
  /** Rows left out because a needed cell was empty (a value the instrument could not measure). */
  readonly skipped: number;
}

/**
 * The needed columns of a comma-separated file with a header line; other
 * columns (text, flags) are not read. Blank lines and `#` lines are skipped.
 * With `skipIncomplete`, a row with an empty needed cell is left out and
 * counted; otherwise it is an error like any cell that is not a number.
 */
export function readCsvColumns(text: string, specs: readonly ColumnSpec[], options: { skipIncomplete: boolean }): CsvColumns {
  const reader = new CsvColumnReader(specs, options);
  splitLines(text.replace(/^\uFEFF/, '')).forEach((line, k) => reader.line(line, k + 1));
  return reader.result();
}

/**
 * `readCsvColumns` a line at a time, for files read as streams (the ingest
 * folder): the same rules and errors, with the lines numbered by the caller.
 */
export class CsvColumnReader {
  private header: { readonly cells: readonly string[]; readonly indices: readonly number[]; readonly factors: readonly number[] } | null = null;
  private readonly values: number[][];
  private readonly kept: number[] = [];
  private skipped = 0;

  constructor(
    private readonly specs: readonly ColumnSpec[],
    private readonly options: { skipIncomplete: boolean },
  ) {
    this.values = specs.map(() => []);
  }

  /** Data rows kept so far. */
  get rows(): number {
    return this.kept.length;
  }

  /** Line `lineNumber` (1-based) of the file, without its terminator (and without the BOM of the first). */
  line(line: string, lineNumber: number): void {
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    if (this.header === null) {
      this.header = this.readHeader(line, lineNumber);
      return;
    }
    const { indices, factors } = this.header;
    const fields = line.split(',');
    const cells = indices.map((index, c) => {
      const field = fields[index];
      if (field === undefined) {
        throw new ImportError(`line ${lineNumber}: column "${this.specs[c]!.label}" is missing (${fields.length} fields)`, 'IMPORT_FORMAT', {
          line: lineNumber,
          column: this.specs[c]!.label,
        });
      }
      return field;
    });
    if (this.options.skipIncomplete && cells.some((cell) => cell.trim() === '')) {
      this.skipped++;
      return;
    }
    cells.forEach((cell, c) => this.values[c]!.push(toSi(parseDecimal(cell, lineNumber, this.specs[c]!.label), factors[c]!)));
    this.kept.push(lineNumber);
  }

  /** The columns read; IMPORT_EMPTY without a header or without data rows. */
  result(): CsvColumns {
    if (this.header === null) throw new ImportError(`empty, expected a header with ${this.specs.map((s) => s.label).join(', ')}`, 'IMPORT_EMPTY', {});
    const { skipped, kept } = this;
    if (kept.length === 0) throw new ImportError(skipped > 0 ? `no complete data rows (${skipped} rows with empty cells)` : 'no data rows after the header', 'IMPORT_EMPTY', { skipped });
    const { cells: header, indices } = this.header;
    return { header, indices, values: this.values.map((v) => Float64Array.from(v)), lines: kept, skipped };
  }

  private readHeader(line: string, lineNumber: number) {
    const cells = line.split(',').map((h) => h.trim());
    const indices = this.specs.map((spec) => {
      const index = cells.findIndex((cell) => spec.match(cell) !== null);
      if (index < 0) {
        throw new ImportError(`line ${lineNumber}: missing column "${spec.label}" (header: ${line.trim()})`, 'IMPORT_MISSING_COLUMN', { line: lineNumber, column: spec.label });
      }
      return index;
    });
    return { cells, indices, factors: this.specs.map((spec, c) => spec.match(cells[indices[c]!]!)!) };
  }
}

/**
 * A value in a unit to SI. Sub-units divide by the exact integer (1000, 1e6)
 * rather than multiply by its inexact inverse: 5 uA gives 5e-6 A, not
 * 4.9999999999999996e-6.
 */
function toSi(value: number, factor: number): number {
  return factor >= 1 ? value * factor : value / Math.round(1 / factor);
}
