import Fastify, { type FastifyInstance } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifyWebsocket from '@fastify/websocket';
import type { DocumentBus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { ExternalHolds } from '../ingest/external-holds.js';
import type { Logger } from '../core/logger.js';
import type { RunEngine } from '../engine/run-engine.js';
import type { Instrument } from '../instruments/instrument.js';
import type { DocumentStore } from '../store/document-store.js';
import { errorHandler } from './api-error.js';
import { authHook, type TokenHolder } from './auth.js';
import { instrumentRoutes } from './routes/instruments.js';
import { liveRoutes } from './routes/live.js';
import { protocolRoutes } from './routes/protocols.js';
import { runRoutes } from './routes/runs.js';
import { storeRoutes, type StoreStatus } from './routes/store.js';
import { uploadRoutes } from './routes/uploads.js';
import { dashboardRoutes } from './routes/dashboard.js';

export interface ApiDeps {
  readonly engine: RunEngine;
  readonly bus: DocumentBus;
  readonly clock: Clock;
  /** Runs waiting for external acquisitions, shared with the VT protocol. */
  readonly holds: ExternalHolds;
  readonly store: DocumentStore;
  /** The store writer's and the journal's state for GET /api/store; without it (an API over a bare store) the route is not served. */
  readonly storeStatus?: () => StoreStatus;
  readonly instruments: { all(): Instrument[]; get(id: string): Instrument };
  readonly tokens: ReadonlyMap<string, TokenHolder>;
  readonly logger: Logger;
  /** Folder of the browser dashboard; not served when absent. */
  readonly dashboardDir?: string;
}

/**
 * The HTTP and WebSocket API, built apart from `listen()` so tests use
 * `inject()`. Every route needs a bearer token (viewer reads, operator
 * controls) except the OpenAPI document and the dashboard's static files.
 */
export async function buildApi(deps: ApiDeps, options: { logger?: boolean } = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 1 << 20 });
  app.setErrorHandler(errorHandler(deps.logger));
  app.setNotFoundHandler((request, reply) => reply.status(404).send({ error: { code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` } }));
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'operando API', version: '1', description: 'Instrument control and operando acquisition. All /api routes need `Authorization: Bearer <token>`.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  app.addHook('onRequest', authHook(deps.tokens));
  await app.register(async (scoped) => {
    await instrumentRoutes(scoped, deps);
    await protocolRoutes(scoped, deps);
    await runRoutes(scoped, deps);
    await liveRoutes(scoped, deps);
    await uploadRoutes(scoped, deps);
    if (deps.storeStatus) await storeRoutes(scoped, deps.storeStatus);
    if (deps.dashboardDir) await dashboardRoutes(scoped, deps.dashboardDir);
  });
  app.get('/docs/openapi.json', { config: { role: 'public' }, schema: { hide: true } }, async () => app.swagger());
  return app;
}
