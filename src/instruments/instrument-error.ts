import { OperandoError } from '../core/errors.js';

export const INSTRUMENT_ERROR_CODES = [
  /** The instrument has no working link now (connecting, reconnecting, given up, or never reached): the request was not sent. */
  'NOT_CONNECTED',
  /** The link failed during the request (lost, timed out, garbled); the instrument reconnects on its own. Cause: the driver's error. */
  'LINK_LOST',
] as const;
export type InstrumentErrorCode = (typeof INSTRUMENT_ERROR_CODES)[number];

/**
 * Errors of an instrument's link as the service sees it, whatever the
 * driver: the run engine suspends a run on them (the instrument comes back)
 * instead of failing it.
 */
export class InstrumentError extends OperandoError<InstrumentErrorCode> {}

export function isInstrumentError(e: unknown, code?: InstrumentErrorCode): e is InstrumentError {
  return e instanceof InstrumentError && (code === undefined || e.code === code);
}
