import type { FastifyInstance } from 'fastify';
import type { DocumentBus } from '../../core/bus.js';
import type { Clock } from '../../core/clock.js';
import { checkedDataset, parseExternalCsv, type ExternalDataset, type ExternalKind } from '../../ingest/external-dataset.js';
import type { ExternalHolds } from '../../ingest/external-holds.js';
import { INGEST_DEFAULTS } from '../../ingest/defaults.js';
import { ingestExternal, type IngestDeps } from '../../ingest/ingest.js';
import { ApiError, ErrorBodySchema } from '../api-error.js';

export interface UploadDeps {
  readonly engine: IngestDeps['runs'];
  readonly bus: DocumentBus;
  readonly clock: Clock;
  readonly holds: ExternalHolds;
}

/** The largest upload: a spectrometer export of a few hundred rows is a few kB. */
const MAX_UPLOAD_BYTES = 1 << 20;

const PointSchema = {
  type: 'object',
  properties: {
    temperatureK: { type: 'number', exclusiveMinimum: 0 },
    t2S: { type: 'number', exclusiveMinimum: 0 },
    mixingTimeS: { type: 'number', exclusiveMinimum: 0 },
    exchangedFraction: { type: 'number' },
  },
  required: ['temperatureK'],
  additionalProperties: false,
} as const;

const JsonBodySchema = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: ['nmr-t2', 'nmr-exsy'] },
    points: { type: 'array', minItems: 1, maxItems: INGEST_DEFAULTS.maxRows, items: PointSchema },
  },
  required: ['kind', 'points'],
  additionalProperties: false,
} as const;

interface JsonPoint {
  temperatureK: number;
  t2S?: number;
  mixingTimeS?: number;
  exchangedFraction?: number;
}

/**
 * Upload of external measurements (NMR results exported by the spectrometer
 * software) into a run: `POST /api/runs/:runId/external[?step=N]` with the
 * export as `text/csv` (`temperature_k,t2_s` or
 * `temperature_k,mixing_time_s,exchanged_fraction`) or as JSON
 * `{ kind, points: [{ temperatureK, t2S } | { temperatureK, mixingTimeS, exchangedFraction }] }`.
 * Without `step` the data go to the step the run waits at. The data are
 * published as documents (stored, fitted live) and end the run's hold.
 * `GET /api/external/holds` lists the runs waiting for external data.
 */
export async function uploadRoutes(app: FastifyInstance, deps: UploadDeps): Promise<void> {
  // Encapsulated: these routes take CSV and JSON only, and say so to anything else.
  await app.register(async (scoped) => {
    scoped.removeContentTypeParser('text/plain');
    scoped.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: MAX_UPLOAD_BYTES }, (_request, body, done) => done(null, body));
    scoped.addContentTypeParser('*', (request, _payload, done) =>
      done(Object.assign(new Error(`send the export as text/csv or application/json, not ${request.headers['content-type'] ?? 'without a content type'}`), { statusCode: 415 }), undefined),
    );

    scoped.post<{ Params: { runId: string }; Querystring: { step?: number }; Body: string | { kind: ExternalKind; points: JsonPoint[] } }>(
      '/api/runs/:runId/external',
      {
        config: { role: 'operator' },
        bodyLimit: MAX_UPLOAD_BYTES,
        schema: {
          summary: 'Upload external measurements (NMR T2 or 2D-exchange build-up at one temperature) into a run step',
          tags: ['runs'],
          params: { type: 'object', properties: { runId: { type: 'string', minLength: 1, maxLength: 100 } }, required: ['runId'] },
          querystring: {
            type: 'object',
            properties: { step: { type: 'integer', minimum: 1, description: 'temperature step (1..the run\'s number of steps); default: the step the run waits at' } },
            additionalProperties: false,
          },
          body: {
            content: {
              'application/json': { schema: JsonBodySchema },
              'text/csv': { schema: { type: 'string', minLength: 1 } },
            },
          },
          response: { 201: { type: 'object', additionalProperties: true }, 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 404: ErrorBodySchema, 409: ErrorBodySchema, 413: ErrorBodySchema, 415: ErrorBodySchema },
        },
      },
      async (request, reply) => {
        const { runId } = request.params;
        // Import and ingestion errors carry their own codes (error-catalogue.ts: 400, 404, 409).
        const dataset = typeof request.body === 'string' ? parseExternalCsv(request.body, 'upload') : datasetFromJson(request.body);
        const outcome = ingestExternal(
          { bus: deps.bus, clock: deps.clock, runs: deps.engine, holds: deps.holds },
          { runId, ...(request.query.step !== undefined && { step: request.query.step }), dataset, source: `upload by ${request.holder?.name ?? 'operator'}` },
        );
        return reply.status(201).send(outcome);
      },
    );

    scoped.get('/api/external/holds', { schema: { summary: 'Runs waiting for external measurements, with their step and setpoint', tags: ['runs'] } }, async () => ({
      holds: deps.holds.list(),
    }));
  });
}

/** JSON points to a dataset; the kind says which fields each point needs. */
function datasetFromJson(body: { kind: ExternalKind; points: JsonPoint[] }): ExternalDataset {
  const need = (p: JsonPoint, i: number, field: 't2S' | 'mixingTimeS' | 'exchangedFraction'): number => {
    const v = p[field];
    if (v === undefined) throw new ApiError(`body/points/${i}: ${field} is required for ${body.kind}`, 'VALIDATION');
    return v;
  };
  return checkedDataset(
    body.kind === 'nmr-t2'
      ? { kind: 'nmr-t2', rows: body.points.map((p, i) => ({ temperatureK: p.temperatureK, t2S: need(p, i, 't2S') })) }
      : {
          kind: 'nmr-exsy',
          rows: body.points.map((p, i) => ({ temperatureK: p.temperatureK, mixingTimeS: need(p, i, 'mixingTimeS'), exchangedFraction: need(p, i, 'exchangedFraction') })),
        },
  );
}
