import { OperandoError } from '../core/errors.js';

/**
 * Errors of the ingestion of external measurements (file structure errors
 * are the import layer's ImportError).
 * - `INGEST_FORMAT`: a header that names no known export
 * - `INGEST_VALUE`: a value outside its physical range, or rows at several temperatures
 * - `INGEST_UNKNOWN_RUN`: the run named is not known to the service
 * - `INGEST_UNKNOWN_STEP`: the run has no such step
 * - `INGEST_TOO_LARGE`: a file or export beyond the ingest bounds (src/ingest/defaults.ts)
 * - `INGEST_NO_LINK`: no run step the data could belong to
 * - `INGEST_AMBIGUOUS_LINK`: several waiting runs could take the data
 */
export const INGEST_ERROR_CODES = [
  'INGEST_FORMAT',
  'INGEST_VALUE',
  'INGEST_UNKNOWN_RUN',
  'INGEST_UNKNOWN_STEP',
  'INGEST_TOO_LARGE',
  'INGEST_NO_LINK',
  'INGEST_AMBIGUOUS_LINK',
] as const;
export type IngestErrorCode = (typeof INGEST_ERROR_CODES)[number];

export class IngestError extends OperandoError<IngestErrorCode> {}

export function isIngestError(e: unknown, code?: IngestErrorCode): e is IngestError {
  return e instanceof IngestError && (code === undefined || e.code === code);
}
