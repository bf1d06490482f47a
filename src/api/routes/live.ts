import type { FastifyInstance } from 'fastify';
import { bufferTime, filter } from 'rxjs';
import type { Document } from '../../core/documents.js';
import { toJsonSafe } from '../../core/documents.js';
import type { ApiDeps } from '../app.js';

/** A client whose socket holds more than this many unsent bytes is skipped (and told), so a slow browser never slows acquisition. */
const MAX_BUFFERED_BYTES = 1 << 20;
/** Documents are sent in batches this often, not one message per reading. */
const BATCH_MS = 100;

interface LiveQuery {
  runId?: string;
  quantity?: string;
  instrument?: string;
}

function matches(doc: Document, q: LiveQuery): boolean {
  if (q.runId && doc.runId !== q.runId) return false;
  if (doc.kind !== 'reading') return true;
  if (q.quantity && !q.quantity.split(',').includes(doc.quantity)) return false;
  if (q.instrument && doc.instrument !== q.instrument) return false;
  return true;
}

/**
 * `GET /api/live` (WebSocket): the document stream, filtered by run, quantity
 * (comma-separated) and instrument, in JSON batches `{ type: 'documents',
 * documents: [...] }` every 100 ms. Run start/stop, progress and fit documents
 * of the selected run always come through.
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
            runId: { type: 'string' },
            quantity: { type: 'string', description: 'comma-separated quantities, e.g. potential,current' },
            instrument: { type: 'string' },
            access_token: { type: 'string' },
          },
          additionalProperties: false,
        },
      },
    },
    (socket, request) => {
      const query = request.query as LiveQuery;
      let skipped = 0;
      const subscription = deps.bus.documents$
        .pipe(
          filter((d) => matches(d, query)),
          bufferTime(BATCH_MS),
          filter((batch) => batch.length > 0),
        )
        .subscribe((batch) => {
          if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
            skipped += batch.length;
            return;
          }
          socket.send(JSON.stringify({ type: 'documents', documents: toJsonSafe(batch), ...(skipped > 0 && { skipped }) }));
          skipped = 0;
        });
      socket.on('close', () => subscription.unsubscribe());
      socket.send(JSON.stringify({ type: 'hello', filter: query, holder: request.holder?.name ?? null }));
    },
  );
}
