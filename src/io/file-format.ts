import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { isMpr } from './biologic-mpr.js';
import { isMptText } from './biologic-mpt.js';
import { IMPORT_DEFAULTS } from './defaults.js';
import { ImportError } from './errors.js';
import { isDtaText } from './gamry-dta.js';
import { isMaccorText } from './maccor.js';
import { decodeText, splitLines } from './text.js';

/**
 * Electrochemistry file formats, recognised by content first (what a file
 * starts with), then by extension: a Maccor export is named after its
 * channel (`.034`), EC-Lab exports get renamed `.txt`, and a `.csv` may hold
 * anything.
 */
export type ElectrochemFormat = 'biologic-mpr' | 'biologic-mpt' | 'gamry-dta' | 'maccor' | 'csv' | 'whitespace';

/** A file's format, and its text (null for a binary `.mpr`). */
export interface DetectedFile {
  readonly format: ElectrochemFormat;
  readonly bytes: Uint8Array | null;
  readonly text: string | null;
}

/** `input` as read from disk (bytes) or already decoded (text: never an `.mpr`). */
export function detectFormat(input: Uint8Array | string, fileName: string): DetectedFile {
  const ext = extname(fileName).toLowerCase();
  if (typeof input !== 'string' && (isMpr(input) || ext === '.mpr')) return { format: 'biologic-mpr', bytes: input, text: null };
  if (typeof input !== 'string' && looksBinary(input)) {
    throw new ImportError(`a binary file that is not a BioLogic .mpr: the formats read are ${FORMATS_READ}`, 'IMPORT_UNSUPPORTED', {});
  }
  const text = typeof input === 'string' ? input : decodeText(input);
  if (typeof input === 'string' && text.startsWith('BIO-LOGIC MODULAR FILE')) {
    throw new ImportError('a binary .mpr file was decoded as text: read it as bytes', 'IMPORT_FORMAT', {});
  }
  const format = byContent(text) ?? byExtension(ext) ?? (firstDataLine(text).includes(',') ? 'csv' : 'whitespace');
  return { format, bytes: null, text };
}

/** What the readers take, for messages about a file they do not. */
const FORMATS_READ = 'BioLogic .mpr and .mpt, Gamry .DTA, Maccor text exports, CSV or whitespace-separated text (any table with --columns)';

/** Text exports hold no NUL byte; binary files (an .mpr renamed, a Gamry .EXP project, a spreadsheet .xlsx) do in their first kilobytes. */
function looksBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, 4096).includes(0);
}

function byContent(text: string): ElectrochemFormat | null {
  if (isMptText(text)) return 'biologic-mpt';
  if (isMaccorText(text)) return 'maccor';
  if (isDtaText(text)) return 'gamry-dta';
  return null;
}

function byExtension(ext: string): ElectrochemFormat | null {
  switch (ext) {
    case '.mpt':
      return 'biologic-mpt';
    case '.dta':
      return 'gamry-dta';
    case '.csv':
      return 'csv';
    default:
      return null;
  }
}

function firstDataLine(text: string): string {
  // The first few kB are enough to find it; splitting a 200 MB file for one line is not.
  return splitLines(text.slice(0, 65_536)).find((l) => l.trim() !== '' && !l.trimStart().startsWith('#')) ?? '';
}

/** Reads a file's bytes after checking its size against IMPORT_DEFAULTS.maxFileBytes. */
export async function readImportFile(path: string): Promise<Uint8Array> {
  try {
    const { size } = await stat(path);
    if (size > IMPORT_DEFAULTS.maxFileBytes) {
      throw new ImportError(`${path}: ${size} bytes, more than the ${IMPORT_DEFAULTS.maxFileBytes} an import reads (src/io/defaults.ts)`, 'IMPORT_TOO_LARGE', { file: path, bytes: size });
    }
    return await readFile(path);
  } catch (e) {
    if (e instanceof ImportError) throw e;
    throw new ImportError(`${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`, 'IMPORT_READ', { file: path }, { cause: e });
  }
}
