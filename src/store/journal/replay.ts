import { errorMessage } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { appendSalvaging, type AppendOutcome } from '../append-salvaging.js';
import { STORE_DEFAULTS } from '../defaults.js';
import type { DocumentStore } from '../document-store.js';
import type { Journal } from './journal.js';

/** The journal consumer name of the document store (the store writer, and the replay at start-up). */
export const STORE_CONSUMER = 'store';

/**
 * Appends to `store` what the journal holds beyond `consumer`'s
 * acknowledgement, in order, batch by batch, acknowledging each batch once it
 * is appended (so the journal drops what is committed). Documents the store
 * refuses for what they are are left out and handed to `onBatch` with the
 * stored ones. A failure of the store itself is thrown: the failed batch and
 * everything after it stay in the journal.
 */
export async function commitFromJournal(
  journal: Journal,
  consumer: string,
  store: DocumentStore,
  maxBatch: number,
  onBatch: (outcome: AppendOutcome) => void,
): Promise<void> {
  for await (const batch of journal.pending(consumer, maxBatch)) {
    const docs = batch.entries.map((e) => e.document);
    const outcome = docs.length > 0 ? await appendSalvaging(store, docs) : { stored: docs, rejections: [] };
    journal.acknowledge(consumer, batch.last);
    onBatch(outcome);
  }
}

/**
 * At start-up, before anything publishes: puts into the store what the
 * journal holds beyond it (documents the store already has are ignored by it,
 * so replaying a committed batch is harmless), which empties the journal.
 * Documents the store refuses (a run it never saw started) are logged and
 * skipped; a store that fails stops the start-up, and the journal keeps
 * everything for the next one.
 */
export async function replayJournal(journal: Journal, store: DocumentStore, logger: Logger): Promise<{ stored: number; rejected: number }> {
  let stored = 0;
  let rejected = 0;
  try {
    await commitFromJournal(journal, STORE_CONSUMER, store, STORE_DEFAULTS.maxBatch, (outcome) => {
      stored += outcome.stored.length;
      for (const r of outcome.rejections) {
        rejected += r.documents.length;
        logger.error({ code: r.error.code, err: r.error.message, documents: r.documents.length }, 'journal replay: the store refused documents; they are left out');
      }
    });
  } catch (e) {
    logger.error({ err: errorMessage(e), stored }, 'journal replay failed: the store did not take the journal; it is kept for the next start');
    throw e;
  }
  if (stored + rejected > 0) logger.info({ stored, rejected }, 'journal replayed into the store (what it held already was ignored)');
  return { stored, rejected };
}
