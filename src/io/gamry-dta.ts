import { ImportError } from './errors.js';
import { isLastNonBlank, splitLines } from './text.js';

/**
 * A table of a Gamry Framework `.DTA` file: a line `NAME<TAB>TABLE[<TAB>count]`
 * (`ZCURVE`, `CURVE`, `OCVCURVE`), then a line of column names and a line of
 * units, both tab-indented, then one tab-indented row per point until the
 * first line that does not start with a tab. Cells are returned as text:
 * some columns are not numeric (the `Over` flags of a CURVE table).
 *
 * A table that ends before the count its header line announces (an
 * experiment stopped early) is read with a warning, as is a last row cut
 * short at the end of the file (left out); `EXPERIMENTABORTED<TAB>TOGGLE<TAB>T`
 * is reported too. A short row elsewhere is an error.
 */
export interface DtaTable {
  /** the table's tag, e.g. `ZCURVE` */
  readonly name: string;
  readonly columns: readonly string[];
  readonly units: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** 1-based line number of the first data row */
  readonly firstLine: number;
  /** the count on the table's header line, or null when it gives none */
  readonly announced: number | null;
  readonly warnings: readonly string[];
}

/** True when the text has a Gamry table line (format detection by content). */
export function isDtaText(text: string): boolean {
  return text.startsWith('EXPLAIN') || /^[A-Z][A-Z0-9]*\tTABLE(?:\t|$)/m.test(text);
}

/** The first table tagged exactly `name`; IMPORT_FORMAT when there is none. */
export function readDtaTable(text: string, name: string): DtaTable {
  const [table] = readDtaTables(text, (tag) => tag === name);
  if (table === undefined) throw new ImportError(`no ${name} TABLE in the file`, 'IMPORT_FORMAT', { table: name });
  return table;
}

/** Every table whose tag `wanted` accepts, in file order (none: an empty list). */
export function readDtaTables(text: string, wanted: (tag: string) => boolean): DtaTable[] {
  const lines = splitLines(text);
  const aborted = lines.some((line) => /^EXPERIMENTABORTED\tTOGGLE\tT\b/.test(line));
  const tables: DtaTable[] = [];
  for (let start = 0; start < lines.length; start++) {
    const [tag, kind, count] = lines[start]!.split('\t');
    if (kind !== 'TABLE' || tag === undefined || !wanted(tag)) continue;
    const table = readTableAt(lines, start, tag, count);
    tables.push(aborted ? { ...table, warnings: [...table.warnings, 'the file says EXPERIMENTABORTED: the experiment was stopped before its end'] } : table);
    start = table.firstLine - 2 + table.rows.length;
  }
  return tables;
}

function readTableAt(lines: readonly string[], start: number, name: string, count: string | undefined): DtaTable {
  const columns = cellsOf(lines[start + 1]);
  const units = cellsOf(lines[start + 2]);
  if (columns === null || units === null || columns.length === 0) {
    throw new ImportError(`line ${start + 2}: ${name} TABLE lacks its column-name and unit lines`, 'IMPORT_FORMAT', { line: start + 2 });
  }
  const warnings: string[] = [];
  const rows: string[][] = [];
  for (let i = start + 3; i < lines.length; i++) {
    const cells = cellsOf(lines[i]);
    if (cells === null) break;
    if (cells.length !== columns.length) {
      if (cells.length < columns.length && isLastNonBlank(lines, i)) {
        warnings.push(`line ${i + 1}: the last row of ${name} holds ${cells.length} of ${columns.length} values (the file ends early) and was left out`);
        break;
      }
      throw new ImportError(`line ${i + 1}: ${cells.length} values for ${columns.length} ${name} columns`, 'IMPORT_FORMAT', { line: i + 1 });
    }
    rows.push(cells);
  }
  const announced = count !== undefined && /^\d+$/.test(count.trim()) ? Number(count.trim()) : null;
  if (announced !== null && announced !== rows.length) {
    warnings.push(`${name} TABLE (line ${start + 1}) announces ${announced} points and holds ${rows.length}${rows.length < announced ? ': the measurement ended early' : ''}`);
  }
  return { name, columns, units, rows, firstLine: start + 4, announced, warnings };
}

/** The cells of a tab-indented table line, or null when the line is not part of a table. */
function cellsOf(line: string | undefined): string[] | null {
  if (line === undefined || !line.startsWith('\t')) return null;
  const cells = line.slice(1).split('\t');
  while (cells.length > 0 && cells[cells.length - 1]!.trim() === '') cells.pop();
  return cells;
}
