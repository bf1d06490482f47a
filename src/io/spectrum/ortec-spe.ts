import type { McaSpectrum } from '../../core/spectrum.js';
import { ImportError } from '../errors.js';
import { inKeV, kevPerUnit } from './calibration.js';
import { SPECTRUM_FILE_DEFAULTS } from './defaults.js';
import { assertWritable, boundedLines, checkedSpectrum, countsFrom, parseCount, parseNumber, tooManyChannels, wordsUpTo, type Calibration, type ParsedSpectrum } from './spectrum-values.js';
import { formatUsDateTime, parseUsDateTime, plainDecimal } from './time.js';

/**
 * ORTEC `.Spe` (ASCII, CRLF), as GammaVision and Maestro write it
 * (docs/PROTOCOLS.md, "Spectrum files"): sections `$NAME:` on a line of their
 * own, each followed by its lines.
 *
 * - `$SPEC_ID:` the sample description (the title);
 * - `$DATE_MEA:` `mm/dd/yyyy hh:mm:ss`, the start, read as UTC (no zone in the file);
 * - `$MEAS_TIM:` `live real` in seconds;
 * - `$DATA:` `first last`, then one count per channel (any whitespace between
 *   counts is taken); channels before `first` hold 0 in the spectrum;
 * - `$MCA_CAL:` the number of coefficients, then c0 c1 c2 with the unit after
 *   them (`keV`; `eV`, `MeV` converted; none: keV); else `$ENER_FIT:` (c0 c1, keV).
 *   All zero (the digiBASE file) is no calibration.
 *
 * Other sections (`$SPEC_REM`, `$ROI`, `$PRESETS`, `$SHAPE_CAL`, ...) are
 * skipped. Lines are 1-based in messages.
 */

interface Section {
  /** line number of the `$NAME:` line */
  readonly line: number;
  readonly body: readonly string[];
}

const SECTION = /^\$([A-Z_0-9]+):\s*$/;

/** The sections of the file by name; a section we read given twice is refused rather than guessed. */
function sectionsOf(lines: readonly string[]): Map<string, Section> {
  const sections = new Map<string, Section>();
  let current: { name: string; line: number; body: string[] } | null = null;
  const close = () => {
    if (current === null) return;
    if (sections.has(current.name) && READ_SECTIONS.has(current.name)) {
      throw new ImportError(`line ${current.line}: a second $${current.name}: section`, 'IMPORT_FORMAT', { line: current.line });
    }
    if (!sections.has(current.name)) sections.set(current.name, { line: current.line, body: current.body });
  };
  lines.forEach((text, i) => {
    const m = SECTION.exec(text.trim());
    if (m) {
      close();
      current = { name: m[1]!, line: i + 1, body: [] };
    } else if (current !== null) {
      current.body.push(text);
    } else if (text.trim() !== '') {
      throw new ImportError(`line ${i + 1}: not an ORTEC .Spe file (it must start with a section such as $SPEC_ID:)`, 'IMPORT_FORMAT', { line: i + 1 });
    }
  });
  close();
  return sections;
}

/** What GammaVision and Maestro write in `$SPEC_ID:` when no sample description was entered. */
const NO_DESCRIPTION = 'No sample description was entered.';

const READ_SECTIONS = new Set(['SPEC_ID', 'DATE_MEA', 'MEAS_TIM', 'DATA', 'MCA_CAL', 'ENER_FIT']);

/**
 * The words of a section's lines from body line `fromBodyLine` on, with the
 * line each came from; at most `limit` + 1 of them, so that a section holding
 * millions of words where a few are due is refused without collecting them.
 */
function wordsOf(section: Section, limit: number, fromBodyLine = 0): { word: string; line: number }[] {
  const words: { word: string; line: number }[] = [];
  for (let k = fromBodyLine; k < section.body.length && words.length <= limit; k++) {
    // matchAll is lazy: a line of millions of words is not split whole.
    for (const m of section.body[k]!.matchAll(/\S+/g)) {
      words.push({ word: m[0], line: section.line + 1 + k });
      if (words.length > limit) break;
    }
  }
  return words;
}

function firstLine(section: Section): { text: string; line: number } | null {
  const k = section.body.findIndex((l) => l.trim() !== '');
  return k < 0 ? null : { text: section.body[k]!.trim(), line: section.line + 1 + k };
}

export function readSpe(text: string): ParsedSpectrum {
  const sections = sectionsOf(boundedLines(text));
  const data = sections.get('DATA');
  if (data === undefined) throw new ImportError('no $DATA: section', 'IMPORT_FORMAT');

  const counts = readData(data);
  const times = sections.get('MEAS_TIM');
  const [liveTimeS, realTimeS] = times === undefined ? [null, null] : readTimes(times);
  const date = sections.get('DATE_MEA');
  const startNs = date === undefined ? null : readDate(date);
  const mcaCal = sections.get('MCA_CAL');
  const enerFit = sections.get('ENER_FIT');
  const energyCalibrationKeV = mcaCal !== undefined ? readMcaCal(mcaCal) : enerFit !== undefined ? readEnerFit(enerFit) : null;
  const id = sections.get('SPEC_ID');
  const title = id === undefined ? '' : id.body.map((l) => l.trim()).filter((l) => l !== '').join(' ');
  return {
    spectrum: checkedSpectrum({ counts, liveTimeS, realTimeS, startNs, energyCalibrationKeV }),
    // ORTEC writes its placeholder when the operator entered nothing: that is no title.
    title: title === '' || title === NO_DESCRIPTION ? null : title,
    warnings: [],
  };
}

function readData(section: Section): Uint32Array {
  const range = firstLine(section);
  const m = range === null ? null : /^(\d{1,10})\s+(\d{1,10})$/.exec(range.text);
  if (range === null || m === null) throw new ImportError(`line ${section.line + 1}: $DATA: must start with "first last" channel numbers`, 'IMPORT_FORMAT', { line: section.line + 1 });
  const [first, last] = [Number(m[1]), Number(m[2])];
  if (last < first) throw new ImportError(`line ${range.line}: last channel ${last} before first ${first}`, 'IMPORT_FORMAT', { line: range.line });
  if (last + 1 > SPECTRUM_FILE_DEFAULTS.maxChannels) throw tooManyChannels(last + 1);
  const expected = last - first + 1;
  const words = wordsOf(section, expected, range.line - section.line);
  if (words.length !== expected) {
    const held = words.length > expected ? 'more' : String(words.length);
    throw new ImportError(`$DATA: ${first} ${last} announces ${expected} counts, the section holds ${held}`, 'IMPORT_FORMAT', { line: range.line });
  }
  const values = new Float64Array(expected);
  words.forEach(({ word, line }, k) => {
    values[k] = parseCount(word, `line ${line}`);
  });
  return countsFrom(first, values);
}

function readTimes(section: Section): [number, number] {
  const line = firstLine(section);
  const words = line === null ? [] : wordsUpTo(line.text, 2);
  if (line === null || words.length !== 2) throw new ImportError(`line ${section.line + 1}: $MEAS_TIM: must be "live real" (seconds)`, 'IMPORT_FORMAT', { line: section.line + 1 });
  return [parseNumber(words[0]!, `line ${line.line}, live time`), parseNumber(words[1]!, `line ${line.line}, real time`)];
}

function readDate(section: Section): bigint | null {
  const line = firstLine(section);
  if (line === null) return null;
  const ns = parseUsDateTime(line.text);
  if (ns === null) throw new ImportError(`line ${line.line}: $DATE_MEA: "${line.text.slice(0, 40)}" is not mm/dd/yyyy hh:mm:ss`, 'IMPORT_BAD_VALUE', { line: line.line });
  return ns;
}

function readMcaCal(section: Section): Calibration {
  const words = wordsOf(section, 5);
  const n = words[0];
  if (n === undefined || !/^[1-3]$/.test(n.word)) {
    throw new ImportError(`line ${n?.line ?? section.line}: $MCA_CAL: must give the number of coefficients (1 to 3) first`, 'IMPORT_FORMAT', { line: n?.line ?? section.line });
  }
  const count = Number(n.word);
  const rest = words.slice(1);
  if (rest.length < count || rest.length > count + 1) {
    throw new ImportError(`line ${n.line}: $MCA_CAL: announces ${count} coefficients and a unit, the section holds ${rest.length} values`, 'IMPORT_FORMAT', { line: n.line });
  }
  const coefficients = rest.slice(0, count).map(({ word, line }) => parseNumber(word, `line ${line}, calibration coefficient`));
  const unit = rest[count];
  const factor = unit === undefined ? 1 : kevPerUnit(unit.word);
  if (factor === null) throw new ImportError(`line ${unit!.line}: $MCA_CAL: unknown energy unit "${unit!.word.slice(0, 20)}"`, 'IMPORT_BAD_VALUE', { line: unit!.line });
  return inKeV(coefficients, factor);
}

function readEnerFit(section: Section): Calibration {
  const words = wordsOf(section, 2);
  if (words.length !== 2) throw new ImportError(`line ${section.line + 1}: $ENER_FIT: must be "offset gain" (keV)`, 'IMPORT_FORMAT', { line: section.line + 1 });
  return inKeV(
    words.map(({ word, line }) => parseNumber(word, `line ${line}, calibration coefficient`)),
    1,
  );
}

/** ORTEC's `%E` notation with the exact shortest digits: 0.378444 -> `3.78444E-001`. */
function ortecExponential(x: number): string {
  const [mantissa, exponent] = x.toExponential().split('e') as [string, string];
  const e = Number(exponent);
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(3, '0')}`;
}

export interface SpeWriteOptions {
  /** `$SPEC_ID:` (one line); default ORTEC's "No sample description was entered." */
  readonly title?: string | null;
}

/**
 * The `.Spe` GammaVision and Maestro read (CRLF, counts right-aligned in 8
 * columns, as they write them). Exact: times and coefficients with their
 * shortest round-tripping digits; the start to whole seconds (the format's
 * resolution). Without a start, no `$DATE_MEA:`; without both times, no
 * `$MEAS_TIM:`; without a calibration, zeros (as ORTEC writes it).
 */
export function writeSpe(spectrum: McaSpectrum, options: SpeWriteOptions = {}): string {
  assertWritable(spectrum, '.Spe');
  const title = (options.title ?? '').replace(/[\r\n]+/g, ' ').trim();
  const lines: string[] = ['$SPEC_ID:', title === '' || title.startsWith('$') ? NO_DESCRIPTION : title, '$SPEC_REM:', 'AP# operando'];
  if (spectrum.startNs !== null) lines.push('$DATE_MEA:', formatUsDateTime(spectrum.startNs));
  if (spectrum.liveTimeS !== null && spectrum.realTimeS !== null) lines.push('$MEAS_TIM:', `${plainDecimal(spectrum.liveTimeS)} ${plainDecimal(spectrum.realTimeS)}`);
  lines.push('$DATA:', `0 ${spectrum.counts.length - 1}`);
  for (const count of spectrum.counts) lines.push(String(count).padStart(8, ' '));
  const [c0, c1, c2] = spectrum.energyCalibrationKeV ?? [0, 0, 0];
  lines.push('$ROI:', '0', '$PRESETS:', 'None', '0', '0');
  lines.push('$ENER_FIT:', `${ortecExponential(c0)} ${ortecExponential(c1)}`);
  lines.push('$MCA_CAL:', '3', `${ortecExponential(c0)} ${ortecExponential(c1)} ${ortecExponential(c2)} keV`);
  return `${lines.join('\r\n')}\r\n`;
}
