import { OperandoError } from '../core/errors.js';

export type EngineErrorCode =
  | 'UNKNOWN_PROTOCOL'
  | 'INVALID_PARAMETERS'
  | 'UNKNOWN_INSTRUMENT'
  | 'INSTRUMENT_BUSY'
  | 'INSTRUMENT_UNAVAILABLE'
  | 'LIMIT_EXCEEDED'
  | 'RUN_NOT_FOUND'
  | 'INVALID_STATE'
  | 'ABORTED';

/** Errors of the run engine and the protocols it runs. */
export class EngineError extends OperandoError<EngineErrorCode> {}

export function isEngineError(e: unknown, code?: EngineErrorCode): e is EngineError {
  return e instanceof EngineError && (code === undefined || e.code === code);
}
