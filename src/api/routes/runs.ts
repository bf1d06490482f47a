import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { toJsonSafe } from '../../core/documents.js';
import { METADATA_BOUNDS } from '../../engine/metadata-bounds.js';
import type { RunInfo } from '../../engine/run-engine.js';
import { bucketCsv, exportStreamCsv } from '../../export/stream-csv.js';
import type { DocumentStore, RunRecord } from '../../store/document-store.js';
import { ApiError, ErrorBodySchema } from '../api-error.js';
import type { ApiDeps } from '../app.js';

const RunIdParams = { type: 'object', properties: { runId: { type: 'string', minLength: 1, maxLength: 100 } }, required: ['runId'] } as const;
const Errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 404: ErrorBodySchema, 409: ErrorBodySchema, 422: ErrorBodySchema };
/** Points per stream of a JSON data response unless `maxPoints` says otherwise: a plot's worth. */
const DEFAULT_MAX_POINTS = 2000;

interface DataQuery {
  stream?: string;
  keys?: string;
  fromNs?: string;
  toNs?: string;
  maxPoints?: number;
  format?: 'json' | 'csv';
}

const NsString = { type: 'string', pattern: '^[0-9]{1,20}$', description: 'nanoseconds since the Unix epoch' } as const;

function liveView(info: RunInfo) {
  return toJsonSafe({
    runId: info.runId,
    protocol: info.protocol,
    state: info.state,
    instruments: info.instruments,
    startedNs: info.startedNs,
    events: info.events,
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
            metadata: {
              type: 'object',
              additionalProperties: true,
              description:
                `sample, operator, notes: stored in the run-start document; at most ${METADATA_BOUNDS.maxDepth} levels deep, ${METADATA_BOUNDS.maxBytes} bytes as JSON, ` +
                `keys of ${METADATA_BOUNDS.maxKeyChars} and strings of ${METADATA_BOUNDS.maxStringChars} characters (the engine refuses more: 400 INVALID_METADATA)`,
            },
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

  app.get<{ Params: { runId: string } }>(
    '/api/runs/:runId',
    { schema: { summary: 'One run: start and stop documents, its streams (descriptors: data keys with units, flags) with their event counts, live state', tags: ['runs'], params: RunIdParams } },
    async (request) => {
      const { runId } = request.params;
      const run = await storedRun(store, runId);
      const live = engine.get(runId);
      return toJsonSafe({ ...run, streams: await store.listStreams(runId), live: live ? liveView(live) : null });
    },
  );

  app.get<{ Params: { runId: string }; Querystring: DataQuery }>(
    '/api/runs/:runId/data',
    {
      schema: {
        summary:
          'Events of a run by stream and key, in columns. JSON: a stream with more than maxPoints events (default 2000) comes as min/max/mean buckets. ' +
          'CSV (one stream, a wide table with units in the header): every event, streamed, unless maxPoints asks for buckets',
        tags: ['data'],
        params: RunIdParams,
        querystring: {
          type: 'object',
          properties: {
            stream: { type: 'string', maxLength: 100, description: 'e.g. pstat1.dc; GET /api/runs/{id} lists the streams' },
            keys: { type: 'string', maxLength: 1000, description: 'comma-separated data keys, e.g. potential,current (default: every number and text key)' },
            fromNs: NsString,
            toNs: NsString,
            maxPoints: { type: 'integer', minimum: 2, maximum: 100000 },
            format: { type: 'string', enum: ['json', 'csv'], default: 'json' },
          },
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const { runId } = request.params;
      const q = request.query;
      const run = await storedRun(store, runId);
      const query = {
        runId,
        ...(q.stream !== undefined && { stream: q.stream }),
        ...(q.keys !== undefined && { keys: q.keys.split(',').map((k) => k.trim()).filter((k) => k !== '') }),
        ...(q.fromNs !== undefined && { fromNs: BigInt(q.fromNs) }),
        ...(q.toNs !== undefined && { toNs: BigInt(q.toNs) }),
      };
      if (q.format !== 'csv') return toJsonSafe({ runId, streams: await store.queryEvents({ ...query, maxPoints: q.maxPoints ?? DEFAULT_MAX_POINTS }) });
      // The stream and keys are checked before the response starts: a bad request is a 4xx, not a broken download.
      const { stream, chunks } = await exportStreamCsv(store, run, query);
      if (q.maxPoints !== undefined) {
        const [data] = await store.queryEvents({ ...query, stream: stream.stream, maxPoints: q.maxPoints });
        if (data!.downsampled) return csvReply(reply, runId, stream.stream).send(bucketCsv(data!, run.startNs));
      }
      // Full resolution, streamed page by page: any size, bounded memory.
      return csvReply(reply, runId, stream.stream).send(Readable.from(chunks));
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
      await storedRun(store, runId);
      return toJsonSafe({ runId, fits: await store.listFits(runId, request.query.method) });
    },
  );
}

async function storedRun(store: DocumentStore, runId: string): Promise<RunRecord> {
  const run = await store.getRun(runId);
  if (!run) throw new ApiError(`no run ${runId}`, 'RUN_NOT_FOUND');
  return run;
}

function csvReply(reply: FastifyReply, runId: string, stream: string): FastifyReply {
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${runId}-${stream}.csv"`);
}
