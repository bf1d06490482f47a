import { readMptTable } from './biologic-mpt.js';
import { namedColumn, quantityColumn, readCsvColumns } from './csv-columns.js';
import { ImportError, inFile } from './errors.js';

/**
 * Import of an electrochemistry time series (GITT) from plain CSV with units
 * in the header (`time_s,voltage_v,current_a`; operando's own export
 * `time_s,potential_V,current_A,...`; `current_mA`, `time_min` and the like)
 * or a BioLogic EC-Lab `.mpt` text export (`time/s`, `Ewe/V`, `I/mA`). Errors
 * name the file, and the line and column where they are known.
 */
export interface ElectrochemSeries {
  readonly timeS: Float64Array;
  readonly voltageV: Float64Array;
  readonly currentA: Float64Array;
  /** CSV rows left out because a cell was empty (a value the instrument could not measure). */
  readonly skippedRows: number;
}

const CSV_COLUMNS = [
  quantityColumn('time_s', ['time', 't'], { s: 1, min: 60, h: 3600 }),
  quantityColumn('voltage_v', ['voltage', 'potential', 'ewe', 'e'], { v: 1, mv: 1e-3 }),
  quantityColumn('current_a', ['current', 'i'], { a: 1, ma: 1e-3, ua: 1e-6, 'µa': 1e-6, na: 1e-9 }),
];

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
  return inFile(fileName, () => {
    const { values, skipped } = readCsvColumns(text, CSV_COLUMNS, { skipIncomplete: true });
    return { timeS: values[0]!, voltageV: values[1]!, currentA: values[2]!, skippedRows: skipped };
  });
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
      // mA to A (dividing by 1000 keeps 0.3 mA at 3e-4 A exactly; multiplying by 1e-3 would not).
      currentA: Float64Array.from(table.rows, (row) => row[current]! / 1000),
      skippedRows: 0,
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
    const { values } = readCsvColumns(text, names.map(namedColumn), { skipIncomplete: false });
    return Object.fromEntries(names.map((name, c) => [name, values[c]!])) as Record<Name, Float64Array>;
  });
}
