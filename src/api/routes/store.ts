import type { FastifyInstance } from 'fastify';
import type { JournalUsage } from '../../store/journal/journal.js';
import type { WriterStatus } from '../../store/writer.js';
import { ErrorBodySchema } from '../api-error.js';

/** The store's health as the lab reports it: the writer's mode and the journal's fill and alarm state. */
export interface StoreStatus {
  readonly writer: WriterStatus;
  readonly journal: JournalUsage;
}

const count = { type: 'integer', minimum: 0 } as const;

const StoreStatusSchema = {
  type: 'object',
  properties: {
    writer: {
      type: 'object',
      properties: {
        mode: { type: 'string', enum: ['live', 'catching-up'] },
        stats: { type: 'object', properties: { committed: count, failed: count, dropped: count }, required: ['committed', 'failed', 'dropped'] },
        lastError: { type: ['string', 'null'] },
      },
      required: ['mode', 'stats', 'lastError'],
    },
    journal: {
      type: 'object',
      description: 'state: ok, warning (past 80% of maxBytes: the store is behind), full (documents refused, their runs aborted), failing (the journal file cannot be written or synced)',
      properties: {
        state: { type: 'string', enum: ['ok', 'warning', 'full', 'failing'] },
        bytes: count,
        maxBytes: count,
        warnBytes: count,
        segments: count,
        oldestPosition: count,
        nextPosition: count,
        writtenPosition: count,
        syncedPosition: count,
        consumers: {
          type: 'object',
          additionalProperties: { type: 'object', properties: { acknowledged: count, behind: count }, required: ['acknowledged', 'behind'] },
        },
        refused: count,
        cutBytes: count,
        lastError: { type: ['string', 'null'] },
      },
      required: ['state', 'bytes', 'maxBytes', 'warnBytes', 'segments', 'nextPosition', 'writtenPosition', 'syncedPosition', 'consumers', 'refused', 'cutBytes', 'lastError'],
    },
  },
  required: ['writer', 'journal'],
} as const;

/** `GET /api/store`: whether documents reach the store, and how full the journal in front of it is (its alarm state). */
export async function storeRoutes(app: FastifyInstance, storeStatus: () => StoreStatus): Promise<void> {
  app.get(
    '/api/store',
    {
      schema: {
        summary: 'The store writer and the write-ahead journal: mode, fill, alarm state',
        tags: ['store'],
        response: { 200: StoreStatusSchema, 401: ErrorBodySchema },
      },
    },
    async () => storeStatus(),
  );
}
