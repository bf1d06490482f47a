import { OperandoError } from '../../core/errors.js';

/**
 * Errors of the EIS analysis layer.
 * - `EIS_CIRCUIT_SYNTAX`: a circuit string that does not parse (context: position, expected, found)
 * - `EIS_CIRCUIT_ELEMENT`: an element used twice
 * - `EIS_PARAMETER`: a parameter name or value that does not fit the circuit
 * - `EIS_DATA`: a spectrum that cannot be analysed (too few points, non-finite or non-positive values)
 */
export const EIS_ERROR_CODES = ['EIS_CIRCUIT_SYNTAX', 'EIS_CIRCUIT_ELEMENT', 'EIS_PARAMETER', 'EIS_DATA'] as const;
export type EisErrorCode = (typeof EIS_ERROR_CODES)[number];

export class EisError extends OperandoError<EisErrorCode> {}

export function isEisError(e: unknown): e is EisError {
  return e instanceof EisError;
}
