import { parseQuantity, type Dimension } from '../../core/units.js';
import { EngineError } from '../../engine/errors.js';

/** An INVALID_PARAMETERS error naming the parameter's path (`settle/hold`). */
export function badParameter(path: string, message: string): EngineError {
  return new EngineError(`parameters/${path}: ${message}`, 'INVALID_PARAMETERS', { path });
}

/** A value with a unit to SI, with unit errors reported against the parameter's path. */
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
