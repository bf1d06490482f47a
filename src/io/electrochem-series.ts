import { readMptTable } from './biologic-mpt.js';
import { ImportError } from './errors.js';
import { parseDecimal, splitLines } from './text.js';

/**
 * Import of an electrochemistry time series (GITT) from plain CSV
 * (`time_s,voltage_v,current_a`) or a BioLogic EC-Lab `.mpt` text export
 * (`time/s`, `Ewe/V`, `I/mA`). Errors name the file, and the line and column
 * where they are known.
 */
export interface ElectrochemSeries {
  readonly timeS: Float64Array;
  readonly voltageV: Float64Array;
  readonly currentA: Float64Array;
}

const CSV_COLUMNS = ['time_s', 'voltage_v', 'current_a'] as const;

/** BioLogic names; EC-Lab writes `<Ewe>/V` and `<I>/mA` for averaged values in some techniques. */
const MPT_COLUMNS = {
  time: ['time/s'],
  voltage: ['Ewe/V', '<Ewe>/V'],
  currentMa: ['I/mA', '<I>/mA'],
} as const;

/** Reads either format: `.mpt` by name or by its first line, CSV otherwise. */
export function parseElectrochemSeries(text: string, fileName: string): ElectrochemSeries {
  const isMpt = fileName.toLowerCase().endsWith('.mpt') || text.startsWith('EC-Lab ASCII FILE');
  return isMpt ? parseMptSeries(text, fileName) : parseCsvSeries(text, fileName);
}

export function parseCsvSeries(text: string, fileName: string): ElectrochemSeries {
  const columns = readNumericCsv(text, fileName, CSV_COLUMNS);
  return { timeS: columns.time_s, voltageV: columns.voltage_v, currentA: columns.current_a };
}

export function parseMptSeries(text: string, fileName: string): ElectrochemSeries {
  return inFile(fileName, () => {
    const table = readMptTable(text);
    const find = (names: readonly string[]) => {
      const index = table.columns.findIndex((c) => names.includes(c.trim()));
      if (index < 0) {
        throw new ImportError(`line ${table.headerLines}: no column ${names.map((n) => `"${n}"`).join(' or ')} in the BioLogic header`, 'IMPORT_MISSING_COLUMN', {
          line: table.headerLines,
          column: names[0],
        });
      }
      return index;
    };
    const time = find(MPT_COLUMNS.time);
    const voltage = find(MPT_COLUMNS.voltage);
    const current = find(MPT_COLUMNS.currentMa);
    if (table.rows.length === 0) throw new ImportError('no data rows after the header', 'IMPORT_EMPTY', {});
    // readMptTable checked that every row has every column as a finite number.
    return {
      timeS: Float64Array.from(table.rows, (row) => row[time]!),
      voltageV: Float64Array.from(table.rows, (row) => row[voltage]!),
      // mA to A.
      currentA: Float64Array.from(table.rows, (row) => row[current]! * 1e-3),
    };
  });
}

/**
 * Reads the named numeric columns of a comma-separated file with a header
 * line. Other columns are ignored, names match case-insensitively, blank
 * lines and lines starting with `#` are skipped.
 */
export function readNumericCsv<Name extends string>(text: string, fileName: string, names: readonly Name[]): Record<Name, Float64Array> {
  return inFile(fileName, () => {
    const lines = splitLines(text.replace(/^\uFEFF/, ''));
    const content = (line: string) => line.trim() !== '' && !line.trimStart().startsWith('#');
    const headerIndex = lines.findIndex(content);
    if (headerIndex < 0) throw new ImportError(`empty, expected a header ${names.join(',')}`, 'IMPORT_EMPTY', {});
    const headerLine = headerIndex + 1;
    const header = lines[headerIndex]!.split(',').map((h) => h.trim().toLowerCase());
    const indices = names.map((name) => {
      const index = header.indexOf(name.toLowerCase());
      if (index < 0) {
        throw new ImportError(`line ${headerLine}: missing column "${name}" (header: ${lines[headerIndex]!.trim()})`, 'IMPORT_MISSING_COLUMN', {
          line: headerLine,
          column: name,
        });
      }
      return index;
    });
    const values: number[][] = names.map(() => []);
    for (let k = headerIndex + 1; k < lines.length; k++) {
      const line = lines[k]!;
      if (!content(line)) continue;
      const fields = line.split(',');
      indices.forEach((index, c) => {
        const field = fields[index];
        if (field === undefined) {
          throw new ImportError(`line ${k + 1}: column "${names[c]}" is missing (${fields.length} fields)`, 'IMPORT_FORMAT', { line: k + 1, column: names[c] });
        }
        values[c]!.push(parseDecimal(field, k + 1, names[c]!));
      });
    }
    if (values[0]!.length === 0) throw new ImportError('no data rows after the header', 'IMPORT_EMPTY', {});
    return Object.fromEntries(names.map((name, c) => [name, Float64Array.from(values[c]!)])) as Record<Name, Float64Array>;
  });
}

/** Runs a parser and puts the file name in front of its import errors. */
function inFile<T>(fileName: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof ImportError) throw new ImportError(`${fileName}: ${e.message}`, e.code, { ...e.context, file: fileName }, { cause: e });
    throw e;
  }
}
