import type { FastifyInstance } from 'fastify';
import { toJsonSafe } from '../../core/documents.js';
import type { RunInfo } from '../../engine/run-engine.js';
import { ApiError, ErrorBodySchema } from '../api-error.js';
import type { ApiDeps } from '../app.js';
import { seriesCsv } from '../series-csv.js';

const RunIdParams = { type: 'object', properties: { runId: { type: 'string', minLength: 1, maxLength: 100 } }, required: ['runId'] } as const;
const Errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 404: ErrorBodySchema, 409: ErrorBodySchema, 422: ErrorBodySchema };
const NsString = { type: 'string', pattern: '^[0-9]{1,20}$', description: 'nanoseconds since the Unix epoch' } as const;

function liveView(info: RunInfo) {
  return toJsonSafe({
    runId: info.runId,
    protocol: info.protocol,
    state: info.state,
    instruments: info.instruments,
    startedNs: info.startedNs,
    readings: info.readings,
    progress: info.progress,
    stop: info.stop,
  });
}

export async function runRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const { engine, store } = deps;

  app.post<{ Body: { protocol: string; parameters: Record<string, unknown>; metadata?: Record<string, unknown> } }>(
    '/api/runs',
    {
      config: { role: 'operator' },
      schema: {
        summary: 'Start a protocol run (GET /api/protocols lists protocols and the schema of their parameters)',
        tags: ['runs'],
        body: {
          type: 'object',
          properties: {
            protocol: { type: 'string', minLength: 1, maxLength: 64 },
            parameters: { type: 'object', additionalProperties: true },
            metadata: { type: 'object', additionalProperties: true, description: 'sample, operator, notes: stored in the run-start document' },
          },
          required: ['protocol', 'parameters'],
          additionalProperties: false,
        },
        response: { 201: { type: 'object', additionalProperties: true }, ...Errors },
      },
    },
    async (request, reply) => {
      const info = engine.start({ protocol: request.body.protocol, parameters: request.body.parameters, metadata: { ...request.body.metadata, startedBy: request.holder?.name } });
      return reply.status(201).send(liveView(info));
    },
  );

  for (const action of ['pause', 'resume', 'abort'] as const) {
    app.post<{ Params: { runId: string } }>(
      `/api/runs/:runId/${action}`,
      {
        config: { role: 'operator' },
        schema: { summary: `${action[0]!.toUpperCase()}${action.slice(1)} a run`, tags: ['runs'], params: RunIdParams, response: { 200: { type: 'object', additionalProperties: true }, ...Errors } },
      },
      async (request) => {
        const { runId } = request.params;
        const info = action === 'abort' ? engine.abort(runId, `aborted by ${request.holder?.name ?? 'operator'}`) : engine[action](runId);
        return liveView(info);
      },
    );
  }

  app.get('/api/runs', { schema: { summary: 'Runs in the store, newest first, with the live state of those running', tags: ['runs'] } }, async () => {
    const stored = await store.listRuns();
    const live = new Map(engine.list().map((r) => [r.runId, r]));
    return { runs: stored.map((r) => toJsonSafe({ ...r, live: live.has(r.runId) ? liveView(live.get(r.runId)!) : null })) };
  });

  app.get<{ Params: { runId: string } }>('/api/runs/:runId', { schema: { summary: 'One run: start and stop documents, series, live state', tags: ['runs'], params: RunIdParams } }, async (request) => {
    const { runId } = request.params;
    const run = await store.getRun(runId);
    if (!run) throw new ApiError(`no run ${runId}`, 'RUN_NOT_FOUND');
    const live = engine.get(runId);
    return toJsonSafe({ ...run, series: await store.listSeries(runId), live: live ? liveView(live) : null });
  });

  app.get<{ Params: { runId: string }; Querystring: { instrument?: string; quantity?: string; fromNs?: string; toNs?: string; maxPoints?: number; format?: 'json' | 'csv' } }>(
    '/api/runs/:runId/data',
    {
      schema: {
        summary: 'Readings of a run, downsampled to min/max/mean buckets when a series has more than maxPoints points',
        tags: ['data'],
        params: RunIdParams,
        querystring: {
          type: 'object',
          properties: {
            instrument: { type: 'string' },
            quantity: { type: 'string' },
            fromNs: NsString,
            toNs: NsString,
            maxPoints: { type: 'integer', minimum: 2, maximum: 100000, default: 2000 },
            format: { type: 'string', enum: ['json', 'csv'], default: 'json' },
          },
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const { runId } = request.params;
      const q = request.query;
      const run = await store.getRun(runId);
      if (!run) throw new ApiError(`no run ${runId}`, 'RUN_NOT_FOUND');
      const series = await store.queryReadings({
        runId,
        ...(q.instrument !== undefined && { instrument: q.instrument }),
        ...(q.quantity !== undefined && { quantity: q.quantity }),
        ...(q.fromNs !== undefined && { fromNs: BigInt(q.fromNs) }),
        ...(q.toNs !== undefined && { toNs: BigInt(q.toNs) }),
        maxPoints: q.maxPoints ?? 2000,
      });
      if (q.format === 'csv') {
        reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${runId}.csv"`);
        return seriesCsv(series);
      }
      return toJsonSafe({ runId, series });
    },
  );

  app.get<{ Params: { runId: string }; Querystring: { method?: string } }>(
    '/api/runs/:runId/fits',
    {
      schema: {
        summary: 'Fit results of a run (GITT pulses, EIS spectra, Arrhenius...)',
        tags: ['fits'],
        params: RunIdParams,
        querystring: { type: 'object', properties: { method: { type: 'string' } }, additionalProperties: false },
      },
    },
    async (request) => {
      const { runId } = request.params;
      if (!(await store.getRun(runId))) throw new ApiError(`no run ${runId}`, 'RUN_NOT_FOUND');
      return toJsonSafe({ runId, fits: await store.listFits(runId, request.query.method) });
    },
  );
}
