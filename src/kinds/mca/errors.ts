import { OperandoError } from '../../core/errors.js';

export const MCA_ERROR_CODES = [
  /** An acquisition the MCA cannot do (a preset real time that is not finite or outside the device's range); nothing was sent. */
  'BAD_ACQUISITION',
  /** The preset real time was not reached long after it should have been: the device stopped counting real time. */
  'ACQUISITION_STALLED',
  /** The device sent a spectrum of another channel count than the lab file's. */
  'CHANNEL_MISMATCH',
] as const;
export type McaErrorCode = (typeof MCA_ERROR_CODES)[number];

/** Errors of the MCA instrument (src/kinds/mca/instrument.ts), whatever its driver. */
export class McaError extends OperandoError<McaErrorCode> {}

export function isMcaError(e: unknown, code?: McaErrorCode): e is McaError {
  return e instanceof McaError && (code === undefined || e.code === code);
}
