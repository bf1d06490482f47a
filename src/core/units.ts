import { OperandoError } from './errors.js';

/**
 * Quantities with units in protocol values (`"5 min"`, `"0.05 mA/cm2"`,
 * `"2 K/min"`), parsed to SI numbers. A JSON number is taken in SI units; a
 * string must carry its unit (`"5"` is refused: seconds or minutes?).
 * - `UNIT_SYNTAX`: not a number with a unit, too long, or out of range
 * - `UNIT_MISSING`: a string with a number and no unit
 * - `UNIT_DIMENSION`: a unit of another dimension, or a C-rate without a capacity
 */
export const UNIT_ERROR_CODES = ['UNIT_SYNTAX', 'UNIT_UNKNOWN', 'UNIT_DIMENSION', 'UNIT_MISSING'] as const;
export type UnitErrorCode = (typeof UNIT_ERROR_CODES)[number];

export class UnitError extends OperandoError<UnitErrorCode> {}

export type Dimension =
  | 'time'
  | 'current'
  | 'potential'
  | 'current-density'
  | 'frequency'
  | 'temperature'
  | 'temperature-rate'
  | 'potential-rate'
  | 'resistance'
  | 'length'
  | 'area'
  | 'mass'
  | 'capacity'
  | 'areal-capacity'
  | 'count-rate';

const PREFIX: Record<string, number> = {
  f: 1e-15, p: 1e-12, n: 1e-9, u: 1e-6, 'µ': 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9,
};

/** Base units by dimension: symbol -> factor to SI. Prefixes apply to those marked prefixable. */
const UNITS: Record<Dimension, { si: string; units: Record<string, number>; prefixable: string[] }> = {
  time: { si: 's', units: { s: 1, min: 60, h: 3600, d: 86400 }, prefixable: ['s'] },
  current: { si: 'A', units: { A: 1 }, prefixable: ['A'] },
  potential: { si: 'V', units: { V: 1 }, prefixable: ['V'] },
  'current-density': { si: 'A/cm2', units: { 'A/cm2': 1, 'A/m2': 1e-4 }, prefixable: ['A/cm2'] },
  frequency: { si: 'Hz', units: { Hz: 1 }, prefixable: ['Hz'] },
  temperature: { si: 'K', units: { K: 1 }, prefixable: [] },
  'temperature-rate': { si: 'K/s', units: { 'K/s': 1, 'K/min': 1 / 60, 'K/h': 1 / 3600 }, prefixable: [] },
  'potential-rate': { si: 'V/s', units: { 'V/s': 1, 'V/min': 1 / 60, 'V/h': 1 / 3600 }, prefixable: ['V/s', 'V/min', 'V/h'] },
  resistance: { si: 'ohm', units: { ohm: 1, 'Ω': 1 }, prefixable: ['ohm', 'Ω'] },
  length: { si: 'm', units: { m: 1 }, prefixable: ['m'] },
  area: { si: 'cm2', units: { cm2: 1, mm2: 0.01, m2: 1e4 }, prefixable: [] },
  mass: { si: 'g', units: { g: 1 }, prefixable: ['g'] },
  capacity: { si: 'C', units: { C: 1, Ah: 3600 }, prefixable: ['C', 'Ah'] },
  'areal-capacity': { si: 'C/cm2', units: { 'C/cm2': 1, 'Ah/cm2': 3600 }, prefixable: ['C/cm2', 'Ah/cm2'] },
  // Counts per second of a detector or a beam monitor.
  'count-rate': { si: '1/s', units: { '1/s': 1, '/s': 1, 'counts/s': 1, cps: 1, '/min': 1 / 60, 'counts/min': 1 / 60 }, prefixable: [] },
};

/**
 * The longest quantity string parsed: `"-0.000123456789012345 mA/cm2"` is 28
 * characters. Anything longer is not a value an operator typed, and the
 * regular expressions below need not see it.
 */
export const MAX_QUANTITY_CHARS = 64;

/** Applied to the trimmed text: without a trailing `\s*` it cannot backtrack quadratically. */
const QUANTITY = /^([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(\S*)$/;

/** Celsius is an offset, not a factor: `25 °C` and `25 degC` become 298.15 K. */
const CELSIUS = new Set(['°C', 'degC', 'C']);

/**
 * Parses `value` (a number in SI units, or a string with a unit) in the given
 * dimension and returns the SI value (see `siUnit`). Throws a UnitError naming
 * what was wrong.
 */
export function parseQuantity(value: number | string, dimension: Dimension): number {
  if (typeof value === 'number') return finite(value, null);
  const text = boundedText(value).trim();
  const m = QUANTITY.exec(text);
  if (!m) throw new UnitError(`"${value}" is not a number with a unit`, 'UNIT_SYNTAX', { value, dimension });
  const number = Number(m[1]);
  const unit = m[2] ?? '';
  if (unit === '') {
    throw new UnitError(`"${value}" needs a unit, e.g. "${m[1]} ${siUnit(dimension)}" (only a JSON number is taken in SI units)`, 'UNIT_MISSING', { value, dimension });
  }
  if (dimension === 'temperature' && CELSIUS.has(unit)) return finite(number + 273.15, value);
  const factor = unitFactor(unit, dimension);
  if (factor === undefined) {
    const known = Object.keys(UNITS[dimension].units).join(', ');
    throw new UnitError(`"${value}": unit "${unit}" is not a unit of ${dimension} (known: ${known}, with SI prefixes)`, 'UNIT_DIMENSION', { value, dimension });
  }
  return finite(number * factor, value);
}

/** NaN, and `"1e309 s"` or `"1e308 min"` (Infinity in SI), are refused here, not by an instrument later. */
function finite(value: number, written: string | null): number {
  if (!Number.isFinite(value)) throw new UnitError(`${written === null ? value : `"${written}"`} is not a finite number`, 'UNIT_SYNTAX', { value: written ?? value });
  return value;
}

function boundedText(value: string): string {
  if (value.length > MAX_QUANTITY_CHARS) {
    throw new UnitError(`"${value.slice(0, 20)}..." (${value.length} characters) is longer than a quantity (${MAX_QUANTITY_CHARS})`, 'UNIT_SYNTAX', { length: value.length });
  }
  return value;
}

/** The SI unit `parseQuantity` returns for a dimension. */
export function siUnit(dimension: Dimension): string {
  return UNITS[dimension].si;
}

function unitFactor(unit: string, dimension: Dimension): number | undefined {
  const table = UNITS[dimension];
  const direct = table.units[unit];
  if (direct !== undefined) return direct;
  for (const base of table.prefixable) {
    if (unit.endsWith(base) && unit.length > base.length) {
      const prefix = PREFIX[unit.slice(0, unit.length - base.length)];
      const baseFactor = table.units[base];
      if (prefix !== undefined && baseFactor !== undefined) return prefix * baseFactor;
    }
  }
  return undefined;
}

/**
 * A current given in amperes, as a string with a unit, or as a C-rate
 * (`"C/20"`, `"0.1C"`, `"2C"`) of a capacity in ampere-hours.
 */
export function parseCurrent(value: number | string, capacityAh?: number): number {
  if (typeof value === 'string') {
    const rate = /^\s*([-+])?\s*(\d*\.?\d+)?\s*C(?:\s*\/\s*(\d*\.?\d+))?\s*$/.exec(boundedText(value));
    if (rate) {
      if (capacityAh === undefined || !(capacityAh > 0)) {
        throw new UnitError(`"${value}" is a C-rate: the sample's capacity (Ah) is needed`, 'UNIT_DIMENSION', { value });
      }
      const sign = rate[1] === '-' ? -1 : 1;
      const multiple = rate[2] !== undefined ? Number(rate[2]) : 1;
      const divisor = rate[3] !== undefined ? Number(rate[3]) : 1;
      return finite((sign * multiple * capacityAh) / divisor, value);
    }
  }
  return parseQuantity(value, 'current');
}

const FORMAT_PREFIXES: Array<[number, string]> = [
  [1e9, 'G'], [1e6, 'M'], [1e3, 'k'], [1, ''], [1e-3, 'm'], [1e-6, 'u'], [1e-9, 'n'], [1e-12, 'p'], [1e-15, 'f'],
];

/**
 * A value for people: `-221 uA`, `2.5 mV`, with four significant digits.
 * Seconds above two minutes read as minutes or hours (`5 h`, `90 min`).
 */
export function formatQuantity(value: number, unit: string, digits = 4): string {
  if (!Number.isFinite(value)) return `${value} ${unit}`;
  if (unit === 's' && Math.abs(value) >= 120) {
    return Math.abs(value) >= 7200 ? `${Number((value / 3600).toPrecision(digits))} h` : `${Number((value / 60).toPrecision(digits))} min`;
  }
  if (value === 0) return `0 ${unit}`;
  const [factor, prefix] = FORMAT_PREFIXES.find(([f]) => Math.abs(value) >= f * 0.9995) ?? FORMAT_PREFIXES[FORMAT_PREFIXES.length - 1]!;
  return `${Number((value / factor).toPrecision(digits))} ${prefix}${unit}`;
}
