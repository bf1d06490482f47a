import type { FastifyInstance } from 'fastify';
import { KIND_NAMES } from '../../kinds/registry.js';
import type { ApiDeps } from '../app.js';

const InstrumentStatusSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', enum: KIND_NAMES },
    driver: { type: 'string' },
    transport: { type: 'string' },
    connection: { type: 'string', enum: ['connecting', 'connected', 'disconnected', 'error'] },
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
}
