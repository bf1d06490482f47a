import type { McaSpectrum } from '../../core/spectrum.js';
import { ImportError } from '../errors.js';
import { SPECTRUM_FILE_DEFAULTS } from './defaults.js';
import { assertWritable, boundedLines, checkedSpectrum, countsFrom, parseCount, parseNumber, tooManyChannels, wordsUpTo, type Calibration, type ParsedSpectrum } from './spectrum-values.js';
import { formatIsoNs, parseIsoDateTime, plainDecimal } from './time.js';

/**
 * A spectrum as CSV, operando's own plain format: `channel,counts` rows under
 * `#` header lines that carry what the rows cannot.
 *
 * ```
 * # operando spectrum
 * # title: LiF on Cu, 2 h
 * # live_time_s: 296
 * # real_time_s: 300
 * # start_time: 2018-02-09T10:03:36Z
 * # energy_calibration_keV: 0 0.37844 0
 * channel,counts
 * 0,0
 * 1,12
 * ```
 *
 * Header keys are read in any case, with `:` or `=`; unknown `#` lines are
 * comments. `start_time` is ISO 8601 (UTC without a zone);
 * `energy_calibration_keV` is c0 c1 c2 of E = c0 + c1 ch + c2 ch^2 (spaces or
 * commas). The `channel,counts` header row is optional. Channels must follow
 * one another; the first may be above 0 (the channels before it hold 0).
 */

/** A header key: words of letters and underscores (`live_time_s`, `energy calibration keV`). */
const KEY = /^[A-Za-z_ ]{1,64}$/;

/** `# key: value` or `# key = value` as key (lower case, spaces as _) and value; null for a comment. Split by indexOf: no regex backtracking on a long line. */
function headerLine(line: string): { key: string; value: string } | null {
  const at = line.search(/[:=]/);
  if (at < 0) return null;
  const key = line.slice(1, at).trim();
  if (!KEY.test(key)) return null;
  return { key: key.toLowerCase().replace(/ +/g, '_'), value: line.slice(at + 1).trim() };
}

export function readSpectrumCsv(text: string): ParsedSpectrum {
  const lines = boundedLines(text.replace(/^\uFEFF/, ''));
  const header = new Map<string, { value: string; line: number }>();
  const values: number[] = [];
  let first = -1;
  let sawRows = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const lineNumber = i + 1;
    if (line === '') continue;
    if (line.startsWith('#')) {
      const entry = headerLine(line);
      if (entry !== null && !header.has(entry.key)) header.set(entry.key, { value: entry.value, line: lineNumber });
      continue;
    }
    const comma = line.indexOf(',');
    if (comma < 0 || line.includes(',', comma + 1)) throw new ImportError(`line ${lineNumber}: expected 2 columns (channel,counts)`, 'IMPORT_FORMAT', { line: lineNumber });
    const cells = [line.slice(0, comma).trim(), line.slice(comma + 1).trim()];
    if (!sawRows && /^channels?$/i.test(cells[0]!) && /^counts?$/i.test(cells[1]!)) {
      sawRows = true;
      continue;
    }
    sawRows = true;
    const channel = parseCount(cells[0]!, `line ${lineNumber}, column channel`);
    if (first < 0) {
      if (channel >= SPECTRUM_FILE_DEFAULTS.maxChannels) throw tooManyChannels(channel + 1);
      first = channel;
    } else if (channel !== first + values.length) {
      throw new ImportError(`line ${lineNumber}: channel ${channel} where ${first + values.length} should follow`, 'IMPORT_FORMAT', { line: lineNumber });
    }
    if (first + values.length >= SPECTRUM_FILE_DEFAULTS.maxChannels) throw tooManyChannels(first + values.length + 1);
    values.push(parseCount(cells[1]!, `line ${lineNumber}, column counts`));
  }
  if (values.length === 0) throw new ImportError('no channel,counts rows', 'IMPORT_EMPTY');

  const decimal = (key: string) => {
    const entry = header.get(key);
    return entry === undefined ? null : parseNumber(entry.value, `line ${entry.line}, ${key}`);
  };
  const start = header.get('start_time');
  const startNs = start === undefined ? null : parseIsoDateTime(start.value);
  if (start !== undefined && startNs === null) {
    throw new ImportError(`line ${start.line}: start_time "${start.value.slice(0, 40)}" is not ISO 8601 (2018-02-09T10:03:36Z)`, 'IMPORT_BAD_VALUE', { line: start.line });
  }
  const title = header.get('title')?.value ?? '';
  return {
    spectrum: checkedSpectrum({
      counts: countsFrom(first, values),
      liveTimeS: decimal('live_time_s'),
      realTimeS: decimal('real_time_s'),
      startNs,
      energyCalibrationKeV: calibrationOf(header.get('energy_calibration_kev')),
    }),
    title: title === '' ? null : title,
    warnings: [],
  };
}

function calibrationOf(entry: { value: string; line: number } | undefined): Calibration | null {
  if (entry === undefined) return null;
  const words = wordsUpTo(entry.value.replace(/,/g, ' '), 3);
  if (words.length !== 3) throw new ImportError(`line ${entry.line}: energy_calibration_keV needs 3 coefficients (c0 c1 c2), got ${words.length > 3 ? 'more' : words.length}`, 'IMPORT_FORMAT', { line: entry.line });
  const [c0, c1, c2] = words.map((w) => parseNumber(w, `line ${entry.line}, energy_calibration_keV`)) as [number, number, number];
  return [c0, c1, c2];
}

export interface SpectrumCsvWriteOptions {
  readonly title?: string | null;
}

/** The CSV above, LF line ends; exact (shortest round-tripping decimals, the start to the nanosecond). Unknown values are left out. */
export function writeSpectrumCsv(spectrum: McaSpectrum, options: SpectrumCsvWriteOptions = {}): string {
  assertWritable(spectrum, 'CSV');
  const lines = ['# operando spectrum'];
  const title = (options.title ?? '').replace(/[\r\n]+/g, ' ').trim();
  if (title !== '') lines.push(`# title: ${title}`);
  if (spectrum.liveTimeS !== null) lines.push(`# live_time_s: ${plainDecimal(spectrum.liveTimeS)}`);
  if (spectrum.realTimeS !== null) lines.push(`# real_time_s: ${plainDecimal(spectrum.realTimeS)}`);
  if (spectrum.startNs !== null) lines.push(`# start_time: ${formatIsoNs(spectrum.startNs)}`);
  if (spectrum.energyCalibrationKeV !== null) lines.push(`# energy_calibration_keV: ${spectrum.energyCalibrationKeV.map(String).join(' ')}`);
  lines.push('channel,counts');
  spectrum.counts.forEach((count, channel) => lines.push(`${channel},${count}`));
  return `${lines.join('\n')}\n`;
}
