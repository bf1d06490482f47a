import type { FastifyInstance } from 'fastify';
import { KIND_NAMES } from '../../kinds/registry.js';
import { ErrorBodySchema } from '../api-error.js';
import type { ApiDeps } from '../app.js';

const InstrumentStatusSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', enum: KIND_NAMES },
    driver: { type: 'string' },
    transport: { type: 'string' },
    connection: { type: 'string', enum: ['connecting', 'connected', 'reconnecting', 'disconnected', 'error'] },
    runId: { type: ['string', 'null'] },
    identity: { type: ['object', 'null'], additionalProperties: true },
    lastError: { type: ['string', 'null'] },
  },
  required: ['id', 'kind', 'driver', 'connection', 'runId'],
} as const;

export async function instrumentRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get(
    '/api/instruments',
    {
      schema: {
        summary: 'Instruments of the lab and their state',
        tags: ['instruments'],
        response: { 200: { type: 'object', properties: { instruments: { type: 'array', items: InstrumentStatusSchema } } } },
      },
    },
    async () => ({ instruments: deps.instruments.all().map((i) => i.status()) }),
  );
  app.post<{ Params: { id: string } }>(
    '/api/instruments/:id/reconnect',
    {
      config: { role: 'operator' },
      schema: {
        summary: 'Try to reconnect an instrument now (after it gave up, or to cut a backoff wait short)',
        tags: ['instruments'],
        params: { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 64 } }, required: ['id'] },
        response: { 202: InstrumentStatusSchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 404: ErrorBodySchema },
      },
    },
    async (request, reply) => {
      const instrument = deps.instruments.get(request.params.id);
      instrument.requestReconnect();
      return reply.status(202).send(instrument.status());
    },
  );
}
