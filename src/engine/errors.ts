import { OperandoError } from '../core/errors.js';

export const ENGINE_ERROR_CODES = [
  /** No protocol of that name. */
  'UNKNOWN_PROTOCOL',
  /** Parameters the protocol's schema or its planning refuses. */
  'INVALID_PARAMETERS',
  /** Run metadata nested too deep, too large, or with too long keys or strings (bounds: src/engine/metadata-bounds.ts). */
  'INVALID_METADATA',
  /** No instrument of that id, or one the run does not hold. */
  'UNKNOWN_INSTRUMENT',
  /** The instrument is held by another run. */
  'INSTRUMENT_BUSY',
  /** The instrument is not connected, or did not deliver what the step needs. */
  'INSTRUMENT_UNAVAILABLE',
  /** No run of that id. */
  'RUN_NOT_FOUND',
  /** The run's state does not allow the request (resume a running run, control a finished one). */
  'INVALID_STATE',
  /** The run was aborted (by an operator, a shutdown, a failed store). */
  'ABORTED',
  /** A stream or event a protocol produced does not match its descriptor (a bug, never data). */
  'INVALID_EVENT',
  /** A condition (an instrument's link, a temperature band) stayed tripped longer than it allows: the run fails. */
  'SUSPENDED_TOO_LONG',
] as const;
export type EngineErrorCode = (typeof ENGINE_ERROR_CODES)[number];

/** Errors of the run engine and the protocols it runs. */
export class EngineError extends OperandoError<EngineErrorCode> {}

export function isEngineError(e: unknown, code?: EngineErrorCode): e is EngineError {
  return e instanceof EngineError && (code === undefined || e.code === code);
}
