import { open } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { McaSpectrum } from '../../core/spectrum.js';
import { ImportError } from '../errors.js';
import { decodeText } from '../text.js';
import { readAmptekMca } from './amptek-mca.js';
import { SPECTRUM_FILE_DEFAULTS } from './defaults.js';
import { readN42 } from './n42.js';
import { readChn } from './ortec-chn.js';
import { readSpe } from './ortec-spe.js';
import { readSpectrumCsv } from './spectrum-csv.js';
import type { ParsedSpectrum } from './spectrum-values.js';

/**
 * One entry point for spectrum files: the format is chosen by what the file
 * starts with when that is unmistakable (the `.Chn` tag -1 with its trailer
 * in place, `$SPEC_ID:`, `<<PMCA SPECTRUM>>`, XML),
 * else by the extension (`.spe`, `.chn`, `.n42`/`.xml`, `.mca`, `.csv`/`.txt`).
 * Every failure is an ImportError naming the file and the format: the bytes
 * of a file are never trusted to be what the extension says.
 */

export const SPECTRUM_FORMATS = ['ortec-spe', 'ortec-chn', 'n42', 'amptek-mca', 'csv'] as const;
export type SpectrumFormat = (typeof SPECTRUM_FORMATS)[number];

export interface SpectrumSource {
  readonly file: string;
  readonly format: SpectrumFormat;
  /** The file's sample or measurement description; null when it has none. */
  readonly title: string | null;
  /** What the reader had to decide (which of several spectra, an assumed unit). */
  readonly warnings: readonly string[];
}

export interface SpectrumFile extends McaSpectrum {
  readonly source: SpectrumSource;
}

const BY_EXTENSION: Readonly<Record<string, SpectrumFormat>> = {
  '.spe': 'ortec-spe',
  '.chn': 'ortec-chn',
  '.n42': 'n42',
  '.xml': 'n42',
  '.mca': 'amptek-mca',
  '.csv': 'csv',
  '.txt': 'csv',
};

/** The first characters of a text file, without a byte-order mark or leading white space. */
function head(bytes: Uint8Array): string {
  return new TextDecoder('latin1').decode(bytes.subarray(0, 256)).replace(/^\xEF\xBB\xBF/, '').trimStart();
}

/** The format of a file from its content when unmistakable, else its extension; null when neither says. */
export function detectSpectrumFormat(bytes: Uint8Array, fileName: string): SpectrumFormat | null {
  if (looksLikeChn(bytes)) return 'ortec-chn';
  const start = head(bytes);
  if (start.startsWith('$SPEC_ID:') || start.startsWith('$DATA:')) return 'ortec-spe';
  if (start.startsWith('<<PMCA SPECTRUM>>')) return 'amptek-mca';
  // XML: a declaration, a comment or an element; `<<` is Amptek's section marker, not XML.
  if (start.startsWith('<') && !start.startsWith('<<')) return 'n42';
  return BY_EXTENSION[extname(fileName).toLowerCase()] ?? null;
}

/** Tag -1 at 0, and -101 or -102 where the trailer of the announced channels starts: no text file does that. */
function looksLikeChn(bytes: Uint8Array): boolean {
  if (bytes.length < 32 + 512) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getInt16(0, true) !== -1) return false;
  const trailer = 32 + 4 * view.getUint16(30, true);
  if (trailer + 2 > bytes.length) return false;
  const tag = view.getInt16(trailer, true);
  return tag === -101 || tag === -102;
}

const READERS: Readonly<Record<SpectrumFormat, (bytes: Uint8Array) => ParsedSpectrum>> = {
  'ortec-spe': (bytes) => readSpe(decodeText(bytes)),
  'ortec-chn': readChn,
  // XML is UTF-8 unless it says otherwise; decodeText falls back to Latin-1 for the files that say ISO-8859-1.
  n42: (bytes) => readN42(decodeText(bytes)),
  'amptek-mca': (bytes) => readAmptekMca(decodeText(bytes)),
  csv: (bytes) => readSpectrumCsv(decodeText(bytes)),
};

/** A file larger than the bound, refused unread. */
function tooLarge(fileName: string, sizeBytes: number): ImportError {
  const { maxFileBytes } = SPECTRUM_FILE_DEFAULTS;
  return new ImportError(`${basename(fileName)}: ${sizeBytes} bytes, larger than the ${maxFileBytes} bytes a spectrum file may have`, 'IMPORT_TOO_LARGE', {
    file: fileName,
    sizeBytes,
    maxFileBytes,
  });
}

/**
 * A spectrum from the bytes of a file; `fileName` (a path or a name) picks the
 * format by extension when the content does not. Throws ImportError only.
 */
export function parseSpectrumFile(bytes: Uint8Array, fileName: string): SpectrumFile {
  if (bytes.length > SPECTRUM_FILE_DEFAULTS.maxFileBytes) throw tooLarge(fileName, bytes.length);
  const format = detectSpectrumFormat(bytes, fileName);
  if (format === null) {
    throw new ImportError(`${basename(fileName)}: not a spectrum file this reader knows (ORTEC .Spe or .Chn, N42 .n42, Amptek .mca, CSV channel,counts)`, 'IMPORT_FORMAT', {
      file: fileName,
    });
  }
  let parsed: ParsedSpectrum;
  try {
    parsed = READERS[format](bytes);
  } catch (e) {
    if (e instanceof ImportError) throw new ImportError(`${basename(fileName)} (${format}): ${e.message}`, e.code, { ...e.context, file: fileName, format }, { cause: e });
    throw e;
  }
  return { ...parsed.spectrum, source: { file: fileName, format, title: parsed.title, warnings: parsed.warnings } };
}

/**
 * A spectrum file from disk: its size is checked before anything is read
 * (IMPORT_TOO_LARGE), and no more than the bound is ever read, even from a
 * file that grows meanwhile.
 */
export async function readSpectrumFile(path: string): Promise<SpectrumFile> {
  let bytes: Uint8Array;
  try {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      if (size > SPECTRUM_FILE_DEFAULTS.maxFileBytes) throw tooLarge(path, size);
      // One byte more than the bound: a file that grew past it is seen to be too large.
      const buffer = new Uint8Array(Math.min(size, SPECTRUM_FILE_DEFAULTS.maxFileBytes) + 1);
      let length = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
        if (bytesRead === 0) break;
        length += bytesRead;
        if (length === buffer.length) {
          if (length > SPECTRUM_FILE_DEFAULTS.maxFileBytes) throw tooLarge(path, length);
          // More than stat said: the file is being written; what was read would be cut short.
          throw new ImportError(`${path}: grew while it was read (still being written?)`, 'IMPORT_READ', { file: path });
        }
      }
      bytes = buffer.subarray(0, length);
    } finally {
      await handle.close();
    }
  } catch (e) {
    if (e instanceof ImportError) throw e;
    throw new ImportError(`${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`, 'IMPORT_READ', { file: path }, { cause: e });
  }
  return parseSpectrumFile(bytes, path);
}
