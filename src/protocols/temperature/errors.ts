import { OperandoError } from '../../core/errors.js';

/**
 * Errors of a temperature program while it runs (limits are refused earlier,
 * when the program is planned, as LIMIT_EXCEEDED).
 * - `SETTLE_TIMEOUT`: a setpoint did not settle within the step's timeout
 * - `SETTLE_INTERRUPTED`: lost links interrupted the settling more often than the step repeats
 */
export const TEMPERATURE_PROGRAM_ERROR_CODES = ['SETTLE_TIMEOUT', 'SETTLE_INTERRUPTED'] as const;
export type TemperatureProgramErrorCode = (typeof TEMPERATURE_PROGRAM_ERROR_CODES)[number];

export class TemperatureProgramError extends OperandoError<TemperatureProgramErrorCode> {}
