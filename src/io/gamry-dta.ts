import { ImportError } from './errors.js';
import { splitLines } from './text.js';

/**
 * A table of a Gamry Framework `.DTA` file: a line `NAME<TAB>TABLE[<TAB>count]`
 * (`ZCURVE`, `CURVE`, `OCVCURVE`), then a line of column names and a line of
 * units, both tab-indented, then one tab-indented row per point until the
 * first line that does not start with a tab. Cells are returned as text:
 * some columns are not numeric (the `Over` flags of a CURVE table).
 */
export interface DtaTable {
  columns: string[];
  units: string[];
  rows: string[][];
  /** 1-based line number of the first data row */
  firstLine: number;
}

export function readDtaTable(text: string, name: string): DtaTable {
  const lines = splitLines(text);
  const start = lines.findIndex((line) => {
    const [tag, kind] = line.split('\t');
    return tag === name && kind === 'TABLE';
  });
  if (start < 0) throw new ImportError(`no ${name} TABLE in the file`, 'IMPORT_FORMAT', { table: name });
  const columns = cellsOf(lines[start + 1]);
  const units = cellsOf(lines[start + 2]);
  if (columns === null || units === null || columns.length === 0) {
    throw new ImportError(`line ${start + 2}: ${name} TABLE lacks its column-name and unit lines`, 'IMPORT_FORMAT', { line: start + 2 });
  }
  const rows: string[][] = [];
  for (let i = start + 3; i < lines.length; i++) {
    const cells = cellsOf(lines[i]);
    if (cells === null) break;
    if (cells.length !== columns.length) {
      throw new ImportError(`line ${i + 1}: ${cells.length} values for ${columns.length} ${name} columns`, 'IMPORT_FORMAT', { line: i + 1 });
    }
    rows.push(cells);
  }
  return { columns, units, rows, firstLine: start + 4 };
}

/** The cells of a tab-indented table line, or null when the line is not part of a table. */
function cellsOf(line: string | undefined): string[] | null {
  if (line === undefined || !line.startsWith('\t')) return null;
  const cells = line.slice(1).split('\t');
  while (cells.length > 0 && cells[cells.length - 1]!.trim() === '') cells.pop();
  return cells;
}
