import { OperandoError } from '../../core/errors.js';

/**
 * Errors of the numeric layer: `NUMERIC_INPUT` for arguments that do not fit
 * together (lengths, bounds, non-finite values), `NUMERIC_SINGULAR` for a
 * matrix that cannot be factorised or a system without a unique solution.
 */
export const NUMERIC_ERROR_CODES = ['NUMERIC_INPUT', 'NUMERIC_SINGULAR'] as const;
export type NumericErrorCode = (typeof NUMERIC_ERROR_CODES)[number];

export class NumericError extends OperandoError<NumericErrorCode> {}

export function isNumericError(e: unknown): e is NumericError {
  return e instanceof NumericError;
}
