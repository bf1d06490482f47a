import { createReadStream } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { INGEST_DEFAULTS } from './defaults.js';
import { IngestError } from './errors.js';
import { ExternalCsvReader, type ExternalDataset } from './external-dataset.js';

export interface ExportFileLimits {
  readonly maxFileBytes: number;
  readonly maxRows: number;
  readonly maxLineChars: number;
  readonly readChunkBytes: number;
}

/**
 * Reads a spectrometer export from a file as a stream: chunk by chunk, each
 * chunk's lines parsed as they complete, with a turn of the event loop
 * between chunks, so a large file neither fills memory nor holds the
 * service; the limits stop a file that is too large, has too many rows or
 * no line breaks, without reading the rest. Decoded as UTF-8, or as Latin-1
 * when it is not valid UTF-8 (as `decodeText`; the file is read again then).
 */
export async function readExportFile(file: string, fileName: string, limits: ExportFileLimits = INGEST_DEFAULTS): Promise<ExternalDataset> {
  try {
    return await readAs('utf-8', file, fileName, limits);
  } catch (e) {
    if ((e as { code?: unknown }).code !== 'ERR_ENCODING_INVALID_ENCODED_DATA') throw e;
    return readAs('latin1', file, fileName, limits);
  }
}

async function readAs(encoding: 'utf-8' | 'latin1', file: string, fileName: string, limits: ExportFileLimits): Promise<ExternalDataset> {
  const decoder = new TextDecoder(encoding, { fatal: true });
  const reader = new ExternalCsvReader(fileName, limits);
  const stream = createReadStream(file, { highWaterMark: limits.readChunkBytes });
  let bytes = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > limits.maxFileBytes) throw tooLarge(fileName, null, limits);
      reader.push(decoder.decode(chunk, { stream: true }));
      await nextTurn();
    }
    reader.push(decoder.decode());
  } finally {
    stream.destroy();
  }
  return reader.result();
}

/** INGEST_TOO_LARGE for a file beyond `maxFileBytes` (of `sizeBytes`, when known before reading; null when it grew past the limit while read). */
export function tooLarge(fileName: string, sizeBytes: number | null, limits: Pick<ExportFileLimits, 'maxFileBytes'>): IngestError {
  return new IngestError(
    `${fileName}: ${sizeBytes === null ? '' : `${sizeBytes} bytes, `}larger than the ingest limit of ${limits.maxFileBytes} bytes (an export of one temperature step is a few kB); not ingested`,
    'INGEST_TOO_LARGE',
    { file: fileName, maxFileBytes: limits.maxFileBytes },
  );
}
