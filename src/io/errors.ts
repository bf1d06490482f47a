import { OperandoError } from '../core/errors.js';

/**
 * Errors of file import. Context carries `line` (1-based) and `column` where
 * they are known.
 * - `IMPORT_READ`: the file cannot be read
 * - `IMPORT_FORMAT`: the structure is not the expected one (header, table, column count)
 * - `IMPORT_BAD_VALUE`: a cell that should be a number is not, or a frequency is not positive
 * - `IMPORT_MISSING_COLUMN`: a needed column is missing
 * - `IMPORT_EMPTY`: no data rows
 * - `IMPORT_TOO_LARGE`: a file beyond the import bounds (spectrum files: `src/io/spectrum/defaults.ts`; electrochemistry files: `src/io/defaults.ts`), refused before it is read or allocated
 * - `IMPORT_UNSUPPORTED`: a file of a format recognised that holds nothing this reader can read (an `.mpr` data module of an unknown version or with unknown column IDs, a cycler export given to the EIS fit)
 */
export const IMPORT_ERROR_CODES = ['IMPORT_READ', 'IMPORT_FORMAT', 'IMPORT_BAD_VALUE', 'IMPORT_MISSING_COLUMN', 'IMPORT_EMPTY', 'IMPORT_TOO_LARGE', 'IMPORT_UNSUPPORTED'] as const;
export type ImportErrorCode = (typeof IMPORT_ERROR_CODES)[number];

export class ImportError extends OperandoError<ImportErrorCode> {}

export function isImportError(e: unknown): e is ImportError {
  return e instanceof ImportError;
}

/** Runs a parser and puts the file name in front of its import errors. */
export function inFile<T>(fileName: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof ImportError) throw new ImportError(`${fileName}: ${e.message}`, e.code, { ...e.context, file: fileName }, { cause: e });
    throw e;
  }
}
