import type { McaSpectrum } from '../../core/spectrum.js';
import { ImportError } from '../errors.js';
import { splitLines } from '../text.js';
import { COUNT_LIMIT, SPECTRUM_FILE_DEFAULTS } from './defaults.js';
import { startInRange } from './time.js';

/**
 * What every reader makes of a file and every writer takes: the checks of a
 * valid `McaSpectrum`, in one place, so that what one format reads another
 * can write.
 */

/** Longest live or real time (s): 31 years, beyond any acquisition; keeps every duration a plain decimal. */
export const MAX_TIME_S = 1e9;
/** Shortest non-zero live or real time (s): a nanosecond, below any MCA's clock. */
export const MIN_NONZERO_TIME_S = 1e-9;

export type Calibration = readonly [number, number, number];

/** A spectrum as a reader found it, before the checks. */
export interface SpectrumParts {
  readonly counts: Uint32Array;
  readonly liveTimeS: number | null;
  readonly realTimeS: number | null;
  readonly startNs: bigint | null;
  /** null, or the three coefficients as the file gives them (all zero included). */
  readonly energyCalibrationKeV: Calibration | null;
}

/** What is wrong with a spectrum (null: nothing); calibration all zero counts as valid here, it means none. */
export function spectrumProblem(s: SpectrumParts): string | null {
  const channels = s.counts.length;
  if (channels === 0) return 'no channels';
  if (channels > SPECTRUM_FILE_DEFAULTS.maxChannels) return `${channels} channels, more than ${SPECTRUM_FILE_DEFAULTS.maxChannels}`;
  for (const [name, t] of [
    ['live time', s.liveTimeS],
    ['real time', s.realTimeS],
  ] as const) {
    if (t === null) continue;
    if (!Number.isFinite(t) || t < 0 || t > MAX_TIME_S) return `${name} ${t} s is not within 0..${MAX_TIME_S} s`;
    if (t > 0 && t < MIN_NONZERO_TIME_S) return `${name} ${t} s is below ${MIN_NONZERO_TIME_S} s`;
  }
  if (s.startNs !== null && !startInRange(s.startNs)) return `start ${s.startNs} ns is outside the years 1000..9999`;
  if (s.energyCalibrationKeV !== null && !s.energyCalibrationKeV.every(Number.isFinite)) return `energy calibration ${s.energyCalibrationKeV.join(' ')} is not finite`;
  return null;
}

/** A calibration whose coefficients are all zero is the files' way of saying there is none (ORTEC writes 0 0 0). */
export function validCalibration(c: Calibration | null): Calibration | null {
  return c === null || c.every((v) => v === 0) ? null : [c[0], c[1], c[2]];
}

/** The spectrum a reader returns: checked (IMPORT_BAD_VALUE, or IMPORT_TOO_LARGE beyond the channel bound), an all-zero calibration as null. */
export function checkedSpectrum(parts: SpectrumParts): McaSpectrum {
  if (parts.counts.length > SPECTRUM_FILE_DEFAULTS.maxChannels) throw tooManyChannels(parts.counts.length);
  if (parts.counts.length === 0) throw new ImportError('the spectrum has no channels', 'IMPORT_EMPTY');
  const problem = spectrumProblem(parts);
  if (problem !== null) throw new ImportError(problem, 'IMPORT_BAD_VALUE');
  return {
    counts: parts.counts,
    liveTimeS: parts.liveTimeS,
    realTimeS: parts.realTimeS,
    startNs: parts.startNs,
    energyCalibrationKeV: validCalibration(parts.energyCalibrationKeV),
  };
}

/** For writers: a spectrum that is not valid is a caller's bug (a RangeError), never written. */
export function assertWritable(s: McaSpectrum, format: string): void {
  const problem = spectrumProblem(s);
  if (problem !== null) throw new RangeError(`cannot write a ${format} spectrum: ${problem}`);
}

/** IMPORT_TOO_LARGE for a spectrum announcing more channels than the bound, before anything is allocated. */
export function tooManyChannels(channels: number): ImportError {
  const { maxChannels } = SPECTRUM_FILE_DEFAULTS;
  return new ImportError(`${channels} channels, more than the ${maxChannels} a spectrum may have`, 'IMPORT_TOO_LARGE', { channels, maxChannels });
}

const DIGITS = /^\d{1,10}$/;

/**
 * One channel's count: decimal digits only (no sign, point or exponent), below
 * 2^32. `line` names where it was for the message.
 */
export function parseCount(token: string, where: string): number {
  if (DIGITS.test(token)) {
    const value = Number(token);
    if (value < COUNT_LIMIT) return value;
  }
  const shown = token.length > 24 ? `${token.slice(0, 24)}...` : token;
  throw new ImportError(`${where}: "${shown}" is not a count (an integer 0..${COUNT_LIMIT - 1})`, 'IMPORT_BAD_VALUE');
}

/**
 * The lines of a text spectrum file (as `splitLines`), refused with
 * IMPORT_TOO_LARGE beyond `SPECTRUM_FILE_DEFAULTS.maxLines`: the line ends are
 * counted first (CRLF, LF or CR), so a file of millions of lines is not split.
 */
export function boundedLines(text: string): string[] {
  const { maxLines } = SPECTRUM_FILE_DEFAULTS;
  let lines = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // LF ends a line; so does a CR not followed by LF (old Mac files).
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      if (++lines > maxLines + 1) {
        throw new ImportError(`more than ${maxLines} lines: a text spectrum holds one line per channel (at most ${SPECTRUM_FILE_DEFAULTS.maxChannels}) and its header`, 'IMPORT_TOO_LARGE', { maxLines });
      }
    }
  }
  return splitLines(text);
}

/**
 * The whitespace-separated words of `text`, at most `max` + 1 of them: a line
 * of millions of words where a few are due is refused without splitting it
 * whole (matchAll is lazy).
 */
export function wordsUpTo(text: string, max: number): string[] {
  const words: string[] = [];
  for (const m of text.matchAll(/\S+/g)) {
    words.push(m[0]);
    if (words.length > max) break;
  }
  return words;
}

/**
 * A decimal in the usual notations. Unlike `\d+\.?\d*`, no two parts can
 * match the same digits, so a token of millions of digits fails in linear
 * time instead of backtracking quadratically.
 */
const DECIMAL = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/** A finite decimal number (`1.5`, `-2e-3`); `what` names it and where it is in the message (`line 9, live time`). */
export function parseNumber(token: string, what: string): number {
  const value = DECIMAL.test(token) ? Number(token) : Number.NaN;
  if (!Number.isFinite(value)) throw new ImportError(`${what}: "${token.length > 24 ? `${token.slice(0, 24)}...` : token}" is not a number`, 'IMPORT_BAD_VALUE');
  return value;
}

/** Counts of channels `first..first + values.length - 1` in a spectrum that starts at channel 0: the channels before `first` hold 0. */
export function countsFrom(first: number, values: ArrayLike<number>): Uint32Array {
  const channels = first + values.length;
  if (channels > SPECTRUM_FILE_DEFAULTS.maxChannels) throw tooManyChannels(channels);
  const counts = new Uint32Array(channels);
  for (let i = 0; i < values.length; i++) counts[first + i] = values[i]!;
  return counts;
}

/** Two spectra are the same: every count, both times, the start and the calibration (tests, and callers that deduplicate). */
export function sameSpectrum(a: McaSpectrum, b: McaSpectrum): boolean {
  if (a.counts.length !== b.counts.length) return false;
  for (let i = 0; i < a.counts.length; i++) if (a.counts[i] !== b.counts[i]) return false;
  const sameCalibration =
    a.energyCalibrationKeV === null || b.energyCalibrationKeV === null
      ? a.energyCalibrationKeV === b.energyCalibrationKeV
      : a.energyCalibrationKeV.every((c, k) => c === b.energyCalibrationKeV![k]);
  // === and not Object.is: -0 and 0 are the same time or coefficient, and a valid spectrum holds no NaN.
  return a.liveTimeS === b.liveTimeS && a.realTimeS === b.realTimeS && a.startNs === b.startNs && sameCalibration;
}

/** What a format's reader returns: the checked spectrum, the file's title (sample description) and what the reader had to decide. */
export interface ParsedSpectrum {
  readonly spectrum: McaSpectrum;
  /** The file's description of the sample or measurement (`$SPEC_ID`, N42 `Remark`, Amptek `DESCRIPTION`); null when empty. */
  readonly title: string | null;
  /** Choices the reader made that the user should know of (which of several spectra, an assumed unit). */
  readonly warnings: readonly string[];
}
