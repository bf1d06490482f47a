import type { FrequencyRangeHz } from '../../../drivers/potentiostat/methodscript/defaults.js';
import { formatQuantity, parseQuantity, type Dimension } from '../../core/units.js';
import { EngineError } from '../../engine/errors.js';
import { PROTOCOL_BOUNDS } from '../defaults.js';

/**
 * How every protocol reads its parameters: units to SI with errors naming the
 * parameter's path, and the bounds all protocols share (PROTOCOL_BOUNDS; the
 * instruments' own in instrument-bounds.ts), so a bad value is refused with
 * the bound it breaks before a run starts.
 */

/** An INVALID_PARAMETERS error naming the parameter's path (`settle/hold`). */
export function badParameter(path: string, message: string): EngineError {
  return new EngineError(`parameters/${path}: ${message}`, 'INVALID_PARAMETERS', { path });
}

/** A value with a unit to SI (finite), with unit errors reported against the parameter's path. */
export function quantityAt(path: string, value: number | string, dimension: Dimension): number {
  try {
    return parseQuantity(value, dimension);
  } catch (e) {
    throw badParameter(path, (e as Error).message);
  }
}

const CELSIUS_UNIT = /(°C|degC|\dC|\sC)\s*$/;

/**
 * A temperature difference (band, step) in kelvin. A Celsius unit is refused:
 * parseQuantity would add 273.15 to it, which is right for a temperature and
 * wrong for a difference.
 */
export function temperatureDifferenceAt(path: string, value: number | string): number {
  if (typeof value === 'string' && CELSIUS_UNIT.test(value)) throw badParameter(path, `"${value}": give a temperature difference in K`);
  return quantityAt(path, value, 'temperature');
}

/** A strictly positive SI value. */
export function positiveAt(path: string, value: number | string, dimension: Dimension): number {
  const v = quantityAt(path, value, dimension);
  if (!(v > 0)) throw badParameter(path, 'must be positive');
  return v;
}

const seconds = (s: number) => formatQuantity(s, 's');

/** A duration in seconds: not negative (positive unless `allowZero`), at most the longest step. */
export function durationAt(path: string, value: number | string, options: { allowZero: boolean } = { allowZero: false }): number {
  const s = quantityAt(path, value, 'time');
  if (options.allowZero ? !(s >= 0) : !(s > 0)) throw badParameter(path, options.allowZero ? 'must not be negative' : 'must be positive');
  if (s > PROTOCOL_BOUNDS.maxStepS) throw badParameter(path, `${seconds(s)} is longer than the longest step, ${seconds(PROTOCOL_BOUNDS.maxStepS)}`);
  return s;
}

/** A sampling (or polling) interval: a duration no shorter than what the instrument (`instrument`, its driver) can do. */
export function intervalAt(path: string, value: number | string, minS: number, instrument: string, what = 'sampling interval'): number {
  const s = durationAt(path, value);
  if (s < minS) throw badParameter(path, `${seconds(s)} is below the instrument's shortest ${what} ${seconds(minS)} (${instrument})`);
  return s;
}

/** A step of `durationS` sampled every `intervalS` (the interval at `path`): at most PROTOCOL_BOUNDS.maxSamplesPerStep samples. */
export function checkSamplesPerStep(path: string, intervalS: number, durationS: number, step: string): void {
  const samples = Math.ceil(durationS / intervalS);
  if (samples > PROTOCOL_BOUNDS.maxSamplesPerStep) {
    throw badParameter(path, `${seconds(intervalS)} over ${step} of ${seconds(durationS)} makes ${samples} samples, more than ${PROTOCOL_BOUNDS.maxSamplesPerStep} per step`);
  }
}

/** A run planned to last `durationS` (described by `what`): at most PROTOCOL_BOUNDS.maxRunS. */
export function checkRunDuration(path: string, durationS: number, what: string): void {
  if (!(durationS <= PROTOCOL_BOUNDS.maxRunS)) {
    throw badParameter(path, `${what} would last ${seconds(durationS)}, longer than the longest run, ${seconds(PROTOCOL_BOUNDS.maxRunS)}`);
  }
}

/** A frequency within the instrument's range (`range.source` says where the range comes from). */
export function frequencyAt(path: string, value: number | string, range: FrequencyRangeHz & { readonly source: string }, instrument: string): number {
  const hz = positiveAt(path, value, 'frequency');
  const bound = (side: string, limit: number) =>
    badParameter(path, `${formatQuantity(hz, 'Hz')} is ${side} the instrument's ${side === 'above' ? 'highest' : 'lowest'} EIS frequency ${formatQuantity(limit, 'Hz')} (${instrument}: ${range.source})`);
  if (hz > range.maxHz) throw bound('above', range.maxHz);
  if (hz < range.minHz) throw bound('below', range.minHz);
  return hz;
}

/** A positive length in metres, at most `maxM`. */
export function lengthAt(path: string, value: number | string, maxM: number): number {
  const m = positiveAt(path, value, 'length');
  if (m > maxM) throw badParameter(path, `${formatQuantity(m, 'm')} is longer than ${formatQuantity(maxM, 'm')}`);
  return m;
}
