import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../app.js';

export async function protocolRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get(
    '/api/protocols',
    {
      schema: {
        summary: 'Protocols the engine runs, with the JSON schema of their parameters',
        tags: ['runs'],
        response: {
          200: {
            type: 'object',
            properties: {
              protocols: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { name: { type: 'string' }, version: { type: 'integer' }, summary: { type: 'string' }, parameters: { type: 'object', additionalProperties: true } },
                },
              },
            },
          },
        },
      },
    },
    async () => ({
      protocols: deps.engine.protocolList().map((p) => ({ name: p.name, version: p.version, summary: p.summary, parameters: p.parametersSchema })),
    }),
  );
}
