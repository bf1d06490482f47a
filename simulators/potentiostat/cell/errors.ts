import { OperandoError } from '../../../src/core/errors.js';

/**
 * - CELL_PRESET_UNKNOWN: no preset of that name.
 * - CELL_PARAMETER_UNKNOWN: an override names a field the preset does not have.
 * - CELL_PARAMETER_READONLY: an override sets a field fixed by the preset (kind) or derived from others (area, capacity).
 * - CELL_PARAMETER_INVALID: a parameter is out of its physical range.
 * - CELL_INPUT_INVALID: a time step, current, potential, frequency or temperature is not usable.
 * - CELL_SOLVER_FAILED: the interface equations had no solution in range (drive far outside the physics).
 */
export const CELL_MODEL_ERROR_CODES = [
  'CELL_PRESET_UNKNOWN',
  'CELL_PARAMETER_UNKNOWN',
  'CELL_PARAMETER_READONLY',
  'CELL_PARAMETER_INVALID',
  'CELL_INPUT_INVALID',
  'CELL_SOLVER_FAILED',
] as const;
export type CellModelErrorCode = (typeof CELL_MODEL_ERROR_CODES)[number];

export class CellModelError extends OperandoError<CellModelErrorCode> {}

export function isCellModelError(e: unknown): e is CellModelError {
  return e instanceof CellModelError;
}

/** Guards the numbers a simulator passes in per call (dt, current, potential, frequency, temperature). */
export function requireFinite(value: number, name: string, sign: 'any' | 'positive' | 'non-negative' = 'any'): void {
  const ok = Number.isFinite(value) && (sign === 'any' || (sign === 'positive' ? value > 0 : value >= 0));
  if (!ok) {
    const what = sign === 'any' ? 'a finite number' : `a finite ${sign} number`;
    throw new CellModelError(`${name} must be ${what}, got ${value}`, 'CELL_INPUT_INVALID', { [name]: value });
  }
}
