import { OperandoError } from '../core/errors.js';

/**
 * Errors of the analyses (GITT, Arrhenius, NMR, exchange): a result that
 * cannot be trusted is refused with the reason, never returned as a number.
 */
export const ANALYSIS_ERROR_CODES = [
  /** Fewer points than the model needs. */
  'INSUFFICIENT_DATA',
  /** A value is not finite, out of its physical range, or the arrays do not match. */
  'INVALID_INPUT',
  /** The data cannot determine the parameters (no pulse, no trend, no motional regime). */
  'DEGENERATE',
  /** An iterative fit did not converge or ended on a bound. */
  'NO_CONVERGENCE',
] as const;
export type AnalysisErrorCode = (typeof ANALYSIS_ERROR_CODES)[number];

export class AnalysisError extends OperandoError<AnalysisErrorCode> {}

export function isAnalysisError(e: unknown): e is AnalysisError {
  return e instanceof AnalysisError;
}
