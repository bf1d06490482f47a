import { ImportError } from './errors.js';
import { parseDecimal, splitLines } from './text.js';

/**
 * A numeric table in plain text: comma-separated or whitespace-separated
 * columns, an optional header line (recognised because it is not numeric),
 * blank lines and `#` comment lines skipped.
 */
export interface DelimitedTable {
  /** the header cells, or null when the first row is data */
  header: string[] | null;
  rows: number[][];
  /** 1-based line number of each row */
  lines: number[];
}

export type Delimiter = 'comma' | 'whitespace';

/** `minColumns`: a header or first row narrower than this is an IMPORT_FORMAT error naming what was expected. */
export function readDelimitedTable(text: string, delimiter: Delimiter, minColumns = 1, expected = `${minColumns} columns`): DelimitedTable {
  const split = delimiter === 'comma' ? (line: string) => line.split(',').map((c) => c.trim()) : (line: string) => line.trim().split(/\s+/);
  const all = splitLines(text.replace(/^\uFEFF/, ''));
  let header: string[] | null = null;
  let width = 0;
  const rows: number[][] = [];
  const lines: number[] = [];
  for (let i = 0; i < all.length; i++) {
    const line = all[i]!;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const cells = split(line);
    if (width === 0 && cells.length < minColumns) {
      const shown = line.length > 60 ? `${line.slice(0, 60)}...` : line;
      throw new ImportError(`line ${i + 1}: expected ${expected}, found "${shown}"`, 'IMPORT_FORMAT', { line: i + 1 });
    }
    if (header === null && rows.length === 0 && !cells.every(isNumeric)) {
      header = cells;
      width = cells.length;
      continue;
    }
    if (width === 0) width = cells.length;
    if (cells.length !== width) {
      throw new ImportError(`line ${i + 1}: ${cells.length} columns where the table has ${width}`, 'IMPORT_FORMAT', { line: i + 1 });
    }
    rows.push(cells.map((cell, k) => parseDecimal(cell, i + 1, header?.[k] ?? String(k + 1))));
    lines.push(i + 1);
  }
  return { header, rows, lines };
}

function isNumeric(cell: string): boolean {
  return cell !== '' && !Number.isNaN(Number(cell));
}
