import { ImportError } from './errors.js';
import { parseDecimal, splitLines } from './text.js';

/**
 * BioLogic EC-Lab `.mpt` text export: line 1 `EC-Lab ASCII FILE`, line 2
 * `Nb header lines : N`; the N-th line holds the tab-separated column names
 * (`time/s`, `Ewe/V`, `I/mA`, `freq/Hz`, `Re(Z)/Ohm`, `-Im(Z)/Ohm`, ...) and
 * the data follow, one tab-separated row per line. Exports without the header
 * block start directly with the column names. Decode the file as Latin-1
 * first (see `decodeText`). Decimal commas (French-locale installations) are
 * read as decimal points: fields are tab-separated, so a comma is never a
 * separator.
 */
export interface MptTable {
  columns: string[];
  rows: number[][];
  /** lines before the data, including the column-name line */
  headerLines: number;
  /** 1-based line number of each row (blank lines are skipped) */
  lines: number[];
}

const MAGIC = 'EC-Lab ASCII FILE';
const HEADER_COUNT = /^Nb header lines\s*:\s*(\d+)\s*$/;

export function readMptTable(text: string): MptTable {
  const lines = splitLines(text);
  let headerLines = 1;
  if (lines[0]?.trim() === MAGIC) {
    const m = HEADER_COUNT.exec(lines[1]?.trim() ?? '');
    if (!m) throw new ImportError(`line 2: expected "Nb header lines : N" after "${MAGIC}"`, 'IMPORT_FORMAT', { line: 2 });
    headerLines = Number(m[1]);
    if (headerLines < 3 || headerLines > lines.length) {
      throw new ImportError(`line 2: header of ${headerLines} lines does not fit a file of ${lines.length} lines`, 'IMPORT_FORMAT', { line: 2 });
    }
  }
  const columns = splitRow(lines[headerLines - 1] ?? '');
  if (columns.length === 0 || columns.some((c) => c.trim() === '')) {
    throw new ImportError(`line ${headerLines}: expected tab-separated column names`, 'IMPORT_FORMAT', { line: headerLines });
  }
  const rows: number[][] = [];
  const rowLines: number[] = [];
  for (let i = headerLines; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const cells = splitRow(line);
    if (cells.length !== columns.length) {
      throw new ImportError(`line ${i + 1}: ${cells.length} values for ${columns.length} columns`, 'IMPORT_FORMAT', { line: i + 1 });
    }
    rows.push(cells.map((cell, k) => parseDecimal(cell.replace(',', '.'), i + 1, columns[k]!)));
    rowLines.push(i + 1);
  }
  return { columns, rows, headerLines, lines: rowLines };
}

/** Tab-separated cells without the empty trailing cell EC-Lab leaves after the last tab. */
function splitRow(line: string): string[] {
  const cells = line.split('\t');
  while (cells.length > 0 && cells[cells.length - 1]!.trim() === '') cells.pop();
  return cells;
}
