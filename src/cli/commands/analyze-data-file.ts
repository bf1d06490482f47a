import { access } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { isColumnMapping, parseColumnMapping, type ColumnMapping, type MappedQuantity } from '../../io/column-mapping.js';
import { readImportFile } from '../../io/file-format.js';
import { UsageError, type CliIo } from '../command.js';

/**
 * The data file of `analyze eis` and `analyze gitt`, and their `--columns`
 * option. Kept apart from analyze-options.ts so that the other analyze
 * commands do not load the file readers.
 */

/**
 * Reads a data file's bytes (an `.mpr` is binary; the text formats are
 * decoded by their readers), named relative to the working directory: a
 * missing file is a usage error, one beyond IMPORT_DEFAULTS.maxFileBytes an
 * IMPORT_TOO_LARGE error, refused before it is read.
 */
export async function readDataFile(io: CliIo, path: string): Promise<Uint8Array> {
  const full = isAbsolute(path) ? path : join(io.cwd, path);
  try {
    await access(full);
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return readImportFile(full);
}

/** `--columns time=Test Time (s),...` as a mapping of the quantities a command needs; a bad one is a usage error. */
export function columnMappingOption(spec: string | undefined, required: readonly MappedQuantity[], optional: readonly MappedQuantity[] = []): ColumnMapping | undefined {
  if (spec === undefined) return undefined;
  const mapping = parseColumnMapping(spec, required, optional);
  if (!isColumnMapping(mapping)) throw new UsageError(mapping.problem);
  return mapping;
}
