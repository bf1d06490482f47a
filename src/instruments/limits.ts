import { OperandoError } from '../core/errors.js';

export const LIMIT_ERROR_CODES = [
  /**
   * A request beyond a hard limit of the lab file (a current, a potential, a
   * setpoint, a ramp), refused before anything reached the instrument; or a
   * measurement beyond one, which stopped the step. Context: `instrument`,
   * `limit` (the limit's name in the lab file), `value`.
   */
  'LIMIT_EXCEEDED',
  /** A setpoint before any ramp rate was set through the guard: the change would not be ramped. */
  'RAMP_NOT_SET',
  /** Limits that contradict themselves (minK >= maxK, safeK outside them). */
  'INVALID_LIMITS',
] as const;
export type LimitErrorCode = (typeof LIMIT_ERROR_CODES)[number];

/** The hard limits of an instrument, checked in one place per kind (src/kinds/<kind>/). */
export class LimitError extends OperandoError<LimitErrorCode> {}

export function isLimitError(e: unknown, code?: LimitErrorCode): e is LimitError {
  return e instanceof LimitError && (code === undefined || e.code === code);
}
