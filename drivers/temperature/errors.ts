import { OperandoError } from '../../src/core/errors.js';
import { isTransportError, type TransportErrorCode } from '../../src/transport/transport.js';

/**
 * Errors of the temperature-controller drivers (Eurotherm, Lake Shore 336).
 * Limits refused by the service-side guard are `LimitError` (src/kinds/temperature/limits.ts).
 */
export const TEMPERATURE_ERROR_CODES = [
  /** The instrument did not answer within the transaction timeout (after the retries). */
  'TIMEOUT',
  /** The link is closed or was lost. */
  'DISCONNECTED',
  /** The connection could not be opened. */
  'OPEN_FAILED',
  /** A reply that does not parse (bad CRC, wrong length, not a number...). */
  'BAD_REPLY',
  /** The instrument refused the request with a Modbus exception (context: exceptionCode). */
  'MODBUS_EXCEPTION',
  /** Lake Shore *ESR bit 2: query error. */
  'QUERY_ERROR',
  /** Lake Shore *ESR bit 4: execution error (e.g. a parameter out of range). */
  'EXECUTION_ERROR',
  /** Lake Shore *ESR bit 5: command error (syntax, unknown command). */
  'COMMAND_ERROR',
  /** A value does not fit the instrument's register format (scaled integer overflow). */
  'VALUE_NOT_ENCODABLE',
  /** The connection URL or the driver options are not valid. */
  'BAD_CONFIG',
  /** Too many transactions are waiting for the line (TRANSPORT_DEFAULTS.maxQueuedTransactions). */
  'BUSY',
  /** The driver was closed. */
  'CLOSED',
] as const;
export type TemperatureErrorCode = (typeof TEMPERATURE_ERROR_CODES)[number];

export class TemperatureError extends OperandoError<TemperatureErrorCode> {}

export function isTemperatureError(e: unknown, code?: TemperatureErrorCode): e is TemperatureError {
  return e instanceof TemperatureError && (code === undefined || e.code === code);
}

const FROM_TRANSPORT: Record<TransportErrorCode, TemperatureErrorCode> = {
  BAD_URL: 'BAD_CONFIG',
  OPEN_FAILED: 'OPEN_FAILED',
  DISCONNECTED: 'DISCONNECTED',
  WRITE_FAILED: 'DISCONNECTED',
  CANCELED: 'CLOSED',
  TIMEOUT: 'TIMEOUT',
  BUSY: 'BUSY',
};

/**
 * The drivers' callers see one error class: transport failures are passed on
 * as TemperatureErrors with the TransportError as cause. Other errors pass unchanged.
 */
export function fromTransportError(e: unknown): unknown {
  if (!isTransportError(e)) return e;
  return new TemperatureError(e.message, FROM_TRANSPORT[e.code], e.context, { cause: e });
}
