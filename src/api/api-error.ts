import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isOperandoError, OperandoError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';

/** The catalogue of API error codes and their HTTP statuses; every error body is `{ error: { code, message } }`. */
const STATUS_BY_CODE: Record<string, number> = {
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  VALIDATION: 400,
  BAD_REQUEST: 400,
  INVALID_PARAMETERS: 400,
  UNKNOWN_PROTOCOL: 400,
  UNIT_SYNTAX: 400,
  UNIT_UNKNOWN: 400,
  UNIT_DIMENSION: 400,
  NOT_FOUND: 404,
  UNKNOWN_INSTRUMENT: 404,
  RUN_NOT_FOUND: 404,
  INSTRUMENT_BUSY: 409,
  INSTRUMENT_UNAVAILABLE: 409,
  INVALID_STATE: 409,
  LIMIT_EXCEEDED: 422,
  PAYLOAD_TOO_LARGE: 413,
  INTERNAL: 500,
};

export type ApiErrorCode = keyof typeof STATUS_BY_CODE;

export class ApiError extends OperandoError<string> {}

export const ErrorBodySchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' } },
      required: ['code', 'message'],
    },
  },
  required: ['error'],
} as const;

/** Maps anything thrown in a route to a clear JSON error; never a stack trace. */
export function errorHandler(logger: Logger) {
  return (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    const fe = error as FastifyError;
    if (fe.validation) {
      const first = fe.validation[0];
      const where = `${fe.validationContext ?? 'request'}${first?.instancePath ?? ''}`;
      return reply.status(400).send({ error: { code: 'VALIDATION', message: `${where}: ${first?.message ?? 'invalid'}` } });
    }
    if (isOperandoError(error) && STATUS_BY_CODE[error.code] !== undefined) {
      return reply.status(STATUS_BY_CODE[error.code]!).send({ error: { code: error.code, message: error.message } });
    }
    if (fe.statusCode !== undefined && fe.statusCode >= 400 && fe.statusCode < 500) {
      const code = fe.statusCode === 413 ? 'PAYLOAD_TOO_LARGE' : fe.statusCode === 404 ? 'NOT_FOUND' : 'BAD_REQUEST';
      return reply.status(fe.statusCode).send({ error: { code, message: fe.message } });
    }
    logger.error({ url: request.url, err: error.message, stack: error.stack }, 'unexpected error in a request');
    return reply.status(500).send({ error: { code: 'INTERNAL', message: 'internal error; see the service log' } });
  };
}
