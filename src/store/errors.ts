import { OperandoError } from '../core/errors.js';

export const STORE_ERROR_CODES = [
  /** The database could not be opened as promised (e.g. WAL refused by the file system). */
  'OPEN_FAILED',
  /** The database has another schema version than this operando's: refusing to misread it. */
  'SCHEMA_MISMATCH',
  /** The file is another application's SQLite database. */
  'NOT_A_STORE',
  /** The store or writer was closed before the call. */
  'CLOSED',
  /** A document names a run whose run-start the store has never seen. */
  'UNKNOWN_RUN',
  /** An event names a descriptor the store has never seen, or a query a stream the run does not have. */
  'UNKNOWN_STREAM',
  /** The backend rejected a batch; nothing of the batch is stored. */
  'WRITE_FAILED',
  /** A query the store cannot answer (e.g. maxPoints < 1). */
  'INVALID_QUERY',
  /** The file holds something the store cannot have written (an event without its array): it is damaged. */
  'CORRUPT',
  /** The writer's bounded queue was full: the batch was refused, not stored. */
  'QUEUE_FULL',
  /** The journal reached its bound (or holds too much unwritten in memory): the document was refused, its run is aborted. */
  'JOURNAL_FULL',
  /** A journal file is not a journal segment, or a record fails its checksum: the damaged part is cut, never misread. */
  'JOURNAL_DAMAGED',
  /** The journal could not write or fsync its file; documents wait in memory (bounded) and the write is retried. */
  'JOURNAL_WRITE_FAILED',
] as const;
export type StoreErrorCode = (typeof STORE_ERROR_CODES)[number];

/** Errors of the store layer: the document stores and the store writer. */
export class StoreError extends OperandoError<StoreErrorCode> {}

/**
 * A store error caused by the documents themselves (a stream of a run never
 * started): appending them again cannot succeed. Anything else (a write that
 * failed, a closed or damaged store) is the store's state, and the same
 * documents may be appended once it is back.
 */
export function isRejectionOfDocuments(e: unknown): e is StoreError {
  return isStoreError(e, 'UNKNOWN_RUN') || isStoreError(e, 'UNKNOWN_STREAM');
}

export function isStoreError(e: unknown, code?: StoreErrorCode): e is StoreError {
  return e instanceof StoreError && (code === undefined || e.code === code);
}
