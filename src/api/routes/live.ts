import type { FastifyInstance } from 'fastify';
import { bufferTime, filter } from 'rxjs';
import type { Document } from '../../core/documents.js';
import { toJsonSafe } from '../../core/documents.js';
import { packEventPages } from '../../core/event-page.js';
import type { ApiDeps } from '../app.js';

/** A client whose socket holds more than this many unsent bytes is skipped (and told), so a slow browser never slows acquisition. */
const MAX_BUFFERED_BYTES = 1 << 20;
/** Documents are sent in batches this often, not one message per reading. */
const BATCH_MS = 100;

interface LiveQuery {
  runId?: string;
  stream?: string;
  keys?: string;
}

const list = (value: string | undefined): Set<string> | undefined => (value ? new Set(value.split(',').map((v) => v.trim())) : undefined);

/**
 * `GET /api/live` (WebSocket): the document stream, filtered by run, stream
 * and data key (comma-separated), in JSON batches `{ type: 'documents',
 * documents: [...] }` every 100 ms. Consecutive events of a stream travel as
 * one `event-page` (columns); descriptors of the selected streams come before
 * their first events, and run start/stop, progress and fit documents of the
 * selected run always come through. A client that joins a running run finds
 * the descriptors of its streams in `GET /api/runs/{id}`.
 */
export async function liveRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get(
    '/api/live',
    {
      websocket: true,
      schema: {
        summary: 'Live document stream (WebSocket); token as Bearer header or ?access_token=',
        tags: ['live'],
        querystring: {
          type: 'object',
          properties: {
            runId: { type: 'string', maxLength: 100 },
            stream: { type: 'string', maxLength: 1000, description: 'comma-separated streams, e.g. pstat1.dc' },
            keys: { type: 'string', maxLength: 1000, description: 'comma-separated data keys of the events, e.g. potential' },
            access_token: { type: 'string' },
          },
          additionalProperties: false,
        },
      },
    },
    (socket, request) => {
      const query = request.query as LiveQuery;
      const streams = list(query.stream);
      const keys = list(query.keys);
      const matches = (doc: Document): boolean => {
        if (query.runId && doc.runId !== query.runId) return false;
        if (doc.kind === 'event' || doc.kind === 'descriptor') return !streams || streams.has(doc.stream);
        return true;
      };
      let skipped = 0;
      const subscription = deps.bus.documents$
        .pipe(
          filter(matches),
          bufferTime(BATCH_MS),
          filter((batch) => batch.length > 0),
        )
        .subscribe((batch) => {
          if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
            skipped += batch.length;
            return;
          }
          socket.send(JSON.stringify({ type: 'documents', documents: toJsonSafe(packEventPages(batch, keys)), ...(skipped > 0 && { skipped }) }));
          skipped = 0;
        });
      socket.on('close', () => subscription.unsubscribe());
      socket.send(JSON.stringify({ type: 'hello', filter: query, holder: request.holder?.name ?? null }));
    },
  );
}
