import { OperandoError } from '../../../src/core/errors.js';

export const METHODSCRIPT_ERROR_CODES = [
  /** A reply line longer than the framing allows (garbage without a newline). */
  'LINE_TOO_LONG',
  /** A `P` line that is not a valid data package. */
  'BAD_PACKAGE',
  /** A line that has no place in the exchange (unknown first character, out of order). */
  'UNEXPECTED_REPLY',
  /** The device answered `!XXXX`: `context.deviceCode`, and `line`/`column` for script errors. */
  'DEVICE_ERROR',
  /** The device went silent for longer than the step allows. */
  'TIMEOUT',
  /** A step the driver cannot express (non-finite, non-positive or inconsistent values). */
  'BAD_STEP',
  /** A number that MethodSCRIPT cannot carry (out of range, not finite where required). */
  'BAD_NUMBER',
] as const;
export type MethodScriptErrorCode = (typeof METHODSCRIPT_ERROR_CODES)[number];

/**
 * Errors of the MethodSCRIPT protocol and device. Link problems (disconnect,
 * close, a reply that never came to `t`) stay TransportErrors.
 */
export class MethodScriptError extends OperandoError<MethodScriptErrorCode> {}

export function isMethodScriptError(e: unknown, code?: MethodScriptErrorCode): e is MethodScriptError {
  return e instanceof MethodScriptError && (code === undefined || e.code === code);
}
