import { readMpr, type MprFile } from './biologic-mpr.js';
import { mptColumnIndex, mptNumbers, mptSeconds, readMptTable, type MptTable } from './biologic-mpt.js';
import { type ColumnMapping, readMappedTable } from './column-mapping.js';
import { namedColumn, quantityColumn, readCsvColumns } from './csv-columns.js';
import { ImportError, inFile } from './errors.js';
import { detectFormat, type ElectrochemFormat } from './file-format.js';
import { readDtaTable } from './gamry-dta.js';
import { readMaccorSeries } from './maccor.js';
import { parseDecimal } from './text.js';

/**
 * Import of an electrochemistry time series (GITT) from plain CSV with units
 * in the header (`time_s,voltage_v,current_a`; operando's own export
 * `time_s,potential_V,current_A,...`; `current_mA`, `time_min` and the like),
 * a BioLogic EC-Lab `.mpr` or its `.mpt` export (`time/s`, `Ewe/V`, `I/mA`),
 * a Gamry `.DTA` (`CURVE` table: `T`, `Vf`, `Im`), a Maccor text export, or
 * any table through a column mapping (`--columns`). Errors name the file,
 * and the line and column where they are known.
 */
export interface ElectrochemSeries {
  readonly timeS: Float64Array;
  readonly voltageV: Float64Array;
  readonly currentA: Float64Array;
  /** CSV rows left out because a cell was empty (a value the instrument could not measure). */
  readonly skippedRows: number;
  /** what the reader noticed and the user should know (rows of other techniques left out, a current derived, a file cut short) */
  readonly warnings: readonly string[];
  readonly format: ElectrochemFormat | 'mapped';
}

export interface SeriesReadOptions {
  /** read the file as a table with these columns (`--columns`): time, voltage, current */
  columns?: ColumnMapping;
}

const CSV_COLUMNS = [
  quantityColumn('time_s', ['time', 't'], { s: 1, min: 60, h: 3600 }),
  quantityColumn('voltage_v', ['voltage', 'potential', 'ewe', 'e'], { v: 1, mv: 1e-3 }),
  quantityColumn('current_a', ['current', 'i'], { a: 1, ma: 1e-3, ua: 1e-6, 'µa': 1e-6, na: 1e-9 }),
];

/** BioLogic names; EC-Lab writes `<Ewe>/V` and `<I>/mA` for averaged values in some techniques (and `<Ewe/V>` in 11.50's Constant Current export). */
const ECLAB_COLUMNS = {
  time: ['time/s'],
  voltage: ['Ewe/V', '<Ewe>/V', '<Ewe/V>'],
  currentMa: ['I/mA', '<I>/mA'],
  chargeMah: ['dq/mA.h'],
  frequency: ['freq/Hz'],
} as const;

/** Reads any of the formats above: by content first, by extension second (`file-format.ts`). */
export function parseElectrochemSeries(input: Uint8Array | string, fileName: string, options: SeriesReadOptions = {}): ElectrochemSeries {
  return inFile(fileName, () => {
    const { format, bytes, text } = detectFormat(input, fileName);
    if (options.columns) {
      if (format === 'biologic-mpr') throw new ImportError('--columns maps the columns of a text table; an .mpr names its own', 'IMPORT_FORMAT', {});
      return fromMapped(text!, options.columns);
    }
    switch (format) {
      case 'biologic-mpr':
        return fromMpr(readMpr(bytes!));
      case 'biologic-mpt':
        return fromMpt(readMptTable(text!));
      case 'gamry-dta':
        return fromDta(text!);
      case 'maccor': {
        const { timeS, voltageV, currentA, warnings } = readMaccorSeries(text!);
        return { timeS, voltageV, currentA, skippedRows: 0, warnings, format };
      }
      case 'csv':
      case 'whitespace':
        return fromCsv(text!);
    }
  });
}

function fromCsv(text: string): ElectrochemSeries {
  const { values, skipped } = readCsvColumns(text, CSV_COLUMNS, { skipIncomplete: true });
  const warnings = skipped > 0 ? [`${skipped} rows with an empty cell (a value the instrument could not measure) were left out`] : [];
  return { timeS: values[0]!, voltageV: values[1]!, currentA: values[2]!, skippedRows: skipped, warnings, format: 'csv' };
}

function fromMapped(text: string, mapping: ColumnMapping): ElectrochemSeries {
  const table = readMappedTable(text, mapping);
  const warnings = [...table.warnings];
  if (table.skipped > 0) warnings.push(`${table.skipped} rows with an empty cell (a value the instrument could not measure) were left out`);
  return { timeS: table.values.time!, voltageV: table.values.voltage!, currentA: table.values.current!, skippedRows: table.skipped, warnings, format: 'mapped' };
}

/**
 * The current of an EC-Lab file: the measured `I/mA` or averaged `<I>/mA`
 * column, or, where the file stores neither (GCPL `.mpr` files keep only the
 * charge increments), `<I>` computed as EC-Lab computes it for its export:
 * dq (mA.h) x 3600 / the time step, 0 on the first row.
 */
function currentOf(find: (names: readonly string[]) => Float64Array | null, timeS: Float64Array, warnings: string[], what: string): Float64Array {
  const current = find(ECLAB_COLUMNS.currentMa);
  // mA to A (dividing by 1000 keeps 0.3 mA at 3e-4 A exactly; multiplying by 1e-3 would not).
  if (current !== null) return current.map((v) => v / 1000);
  const dq = find(ECLAB_COLUMNS.chargeMah);
  if (dq === null) {
    throw new ImportError(`no current: no column ${ECLAB_COLUMNS.currentMa.map((n) => `"${n}"`).join(' or ')} and no "dq/mA.h" to compute it from (${what})`, 'IMPORT_MISSING_COLUMN', {
      column: ECLAB_COLUMNS.currentMa[0],
    });
  }
  warnings.push('the file stores no current: it is computed from dq/mA.h and the time step, as EC-Lab computes <I>/mA for its export');
  return dq.map((q, k) => {
    const step = k === 0 ? 0 : timeS[k]! - timeS[k - 1]!;
    return step > 0 ? (q * 3600) / step / 1000 : 0;
  });
}

/**
 * Rows of impedance techniques (frequency > 0) in a sequence are not part of
 * the time series and are left out. A file of impedance rows only (a PEIS
 * alone) is kept whole: its series is the DC potential and current at each
 * frequency, which is what it holds.
 */
function withoutImpedanceRows(series: ElectrochemSeries, frequency: Float64Array | null): ElectrochemSeries {
  if (frequency === null) return series;
  const keep = (_: number, k: number) => !(frequency[k]! > 0);
  const left = frequency.reduce((n, f) => (f > 0 ? n + 1 : n), 0);
  if (left === 0) return series;
  if (left === frequency.length) {
    return { ...series, warnings: [...series.warnings, `every row is an impedance point (frequency > 0): the series is the DC potential and current at each of the ${left} frequencies`] };
  }
  return {
    ...series,
    timeS: series.timeS.filter(keep),
    voltageV: series.voltageV.filter(keep),
    currentA: series.currentA.filter(keep),
    warnings: [...series.warnings, `${left} rows of impedance measurements (frequency > 0) were left out of the time series`],
  };
}

function fromMpr(mpr: MprFile): ElectrochemSeries {
  const find = (names: readonly string[]) => {
    const name = names.find((n) => mpr.has(n));
    return name === undefined ? null : mpr.column(name);
  };
  const need = (names: readonly string[]) => {
    const values = find(names);
    if (values === null) throw new ImportError(`no column ${names.map((n) => `"${n}"`).join(' or ')} (columns: ${mpr.columns.map((c) => c.name).join(', ')})`, 'IMPORT_MISSING_COLUMN', { column: names[0] });
    return values;
  };
  if (mpr.rows === 0) throw new ImportError('no data rows', 'IMPORT_EMPTY', {});
  const warnings = [...mpr.warnings];
  const timeS = need(ECLAB_COLUMNS.time);
  const voltageV = need(ECLAB_COLUMNS.voltage);
  const currentA = currentOf(find, timeS, warnings, 'a GCPL or Constant Current .mpr stores one of them');
  return withoutImpedanceRows({ timeS, voltageV, currentA, skippedRows: 0, warnings, format: 'biologic-mpr' }, find(ECLAB_COLUMNS.frequency));
}

function fromMpt(table: MptTable): ElectrochemSeries {
  const index = (names: readonly string[]) => mptColumnIndex(table, names);
  const need = (names: readonly string[]) => {
    const k = index(names);
    if (k < 0) {
      throw new ImportError(`line ${table.headerLines}: no column ${names.map((n) => `"${n}"`).join(' or ')} in the BioLogic header`, 'IMPORT_MISSING_COLUMN', {
        line: table.headerLines,
        column: names[0],
      });
    }
    return k;
  };
  const find = (names: readonly string[]) => (index(names) < 0 ? null : mptNumbers(table, index(names)));
  const [time, voltage] = [need(ECLAB_COLUMNS.time), need(ECLAB_COLUMNS.voltage)];
  if (index(ECLAB_COLUMNS.currentMa) < 0 && index(ECLAB_COLUMNS.chargeMah) < 0) need(ECLAB_COLUMNS.currentMa);
  if (table.rows.length === 0) throw new ImportError('no data rows after the header', 'IMPORT_EMPTY', {});
  const warnings = [...table.warnings];
  const timeS = mptSeconds(table, time, warnings);
  const series = { timeS, voltageV: mptNumbers(table, voltage), currentA: currentOf(find, timeS, warnings, 'EC-Lab exports one'), skippedRows: 0, warnings, format: 'biologic-mpt' as const };
  return withoutImpedanceRows(series, find(ECLAB_COLUMNS.frequency));
}

/** A Gamry chronopotentiometry file: its `CURVE` table, `T` (s), `Vf` (V vs. Ref.), `Im` (A). */
function fromDta(text: string): ElectrochemSeries {
  const table = readDtaTable(text, 'CURVE');
  const column = (name: string) => {
    const k = table.columns.indexOf(name);
    if (k < 0) throw new ImportError(`CURVE has no column ${name} (columns: ${table.columns.join(', ')})`, 'IMPORT_MISSING_COLUMN', { column: name });
    return Float64Array.from(table.rows, (row, i) => parseDecimal(row[k]!, table.firstLine + i, name));
  };
  if (table.rows.length === 0) throw new ImportError('no data rows in the CURVE table', 'IMPORT_EMPTY', {});
  return { timeS: column('T'), voltageV: column('Vf'), currentA: column('Im'), skippedRows: 0, warnings: table.warnings, format: 'gamry-dta' };
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
