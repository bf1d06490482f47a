import { OperandoError } from '../core/errors.js';

export type StoreErrorCode =
  /** The database could not be opened as promised (e.g. WAL refused by the file system). */
  | 'OPEN_FAILED'
  /** The database was written by a newer operando: refusing to guess at its schema. */
  | 'SCHEMA_TOO_NEW'
  /** The store or writer was closed before the call. */
  | 'CLOSED'
  /** A document names a run whose run-start the store has never seen. */
  | 'UNKNOWN_RUN'
  /** The backend rejected a batch; nothing of the batch is stored. */
  | 'WRITE_FAILED'
  /** A query the store cannot answer (e.g. maxPoints < 1). */
  | 'INVALID_QUERY'
  /** The writer's bounded queue was full: the batch was refused, not stored. */
  | 'QUEUE_FULL';

/** Errors of the store layer: the document stores and the store writer. */
export class StoreError extends OperandoError<StoreErrorCode> {}

export function isStoreError(e: unknown, code?: StoreErrorCode): e is StoreError {
  return e instanceof StoreError && (code === undefined || e.code === code);
}
