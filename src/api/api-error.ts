import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isOperandoError, OperandoError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { httpStatusOf, type ApiErrorCode } from './error-catalogue.js';

/** Errors the API layer raises itself (authentication, a missing run, a bad request); see error-catalogue.ts. */
export class ApiError extends OperandoError<ApiErrorCode> {}

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

const CODE_BY_STATUS: Record<number, ApiErrorCode> = { 404: 'NOT_FOUND', 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE' };

/**
 * Maps anything thrown in a route to a clear JSON error `{ error: { code,
 * message } }` with the status of its code in the catalogue; never a stack
 * trace. What the catalogue does not know is a bug: logged, answered 500
 * INTERNAL without detail.
 */
export function errorHandler(logger: Logger) {
  return (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    const fe = error as FastifyError;
    if (fe.validation) {
      const first = fe.validation[0];
      const where = `${fe.validationContext ?? 'request'}${first?.instancePath ?? ''}`;
      return reply.status(400).send({ error: { code: 'VALIDATION', message: `${where}: ${first?.message ?? 'invalid'}` } });
    }
    const status = isOperandoError(error) ? httpStatusOf(error.code) : undefined;
    if (status !== undefined) {
      if (status >= 500) logger.error({ url: request.url, code: (error as OperandoError).code, err: error.message }, 'request failed on the service side');
      return reply.status(status).send({ error: { code: (error as OperandoError).code, message: error.message } });
    }
    if (fe.statusCode !== undefined && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.status(fe.statusCode).send({ error: { code: CODE_BY_STATUS[fe.statusCode] ?? 'BAD_REQUEST', message: fe.message } });
    }
    logger.error({ url: request.url, err: error.message, stack: error.stack }, 'unexpected error in a request');
    return reply.status(500).send({ error: { code: 'INTERNAL', message: 'internal error; see the service log' } });
  };
}
