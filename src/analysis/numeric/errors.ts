import { OperandoError } from '../../core/errors.js';

/**
 * Errors of the numeric layer: `NUMERIC_INPUT` for arguments that do not fit
 * together (lengths, bounds, non-finite values), `NUMERIC_SINGULAR` for a
 * matrix that cannot be factorised or a system without a unique solution.
 */
export type NumericErrorCode = 'NUMERIC_INPUT' | 'NUMERIC_SINGULAR';

export class NumericError extends OperandoError<NumericErrorCode> {}

export function isNumericError(e: unknown): e is NumericError {
  return e instanceof NumericError;
}
