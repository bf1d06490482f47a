import { IMPORT_DEFAULTS } from './defaults.js';
import { ImportError } from './errors.js';

/**
 * How the impedance rows of a file become spectra, whatever the format:
 *
 * - a row whose frequency is 0 is not an impedance point: EC-Lab writes the
 *   rows of the other techniques of a sequence (OCV, CA, GCPL between two
 *   PEIS) into the same table with frequency 0. Such rows are left out and
 *   counted, and they separate spectra: the impedance rows on either side are
 *   two measurements. A negative or non-finite frequency is an error.
 * - within a run of impedance rows, a new spectrum starts where the file's
 *   own loop number changes (EC-Lab's `cycle number` and `Ns`, the loop
 *   module of an `.mpr` or the loop list of an `.mpt` header, operando's
 *   `sweep`, a column mapped as `loop`), and where a frequency of the
 *   current spectrum is measured again (within 0.1-0.2 %): one sweep measures
 *   each frequency once, so a repeated one starts the next sweep of a file
 *   that does not number its sweeps (a VSP export of 32 sweeps).
 * - of a spectrum with several attempts (operando's `attempt` column: a lost
 *   link interrupted the earlier ones and the run repeated the sweep), the
 *   last attempt is kept: the only complete one.
 */
export interface ImpedanceRows {
  readonly frequencyHz: Float64Array;
  readonly zRe: Float64Array;
  /** Z'' in impedance.py's sign (negative = capacitive) */
  readonly zIm: Float64Array;
  /** 1-based source line (text) or row (binary) of each row, for messages */
  readonly lines: readonly number[];
  /** per row, keys of the file's own loop numbering (each a column: a change in any starts a spectrum), with their names */
  readonly loops: ReadonlyArray<{ readonly name: string; readonly values: ArrayLike<number> }>;
  /** per row, operando's attempt at the sweep, or null */
  readonly attempts: ArrayLike<number> | null;
  /** where a line number comes from, for messages: `line` or `row` */
  readonly lineWord?: 'line' | 'row';
}

export interface SplitSpectrum {
  readonly frequencyHz: Float64Array;
  readonly zRe: Float64Array;
  readonly zIm: Float64Array;
  readonly lines: readonly number[];
  /** the file's own numbering of the spectrum, e.g. `cycle number 2`, or null when the file has none */
  readonly label: string | null;
  /** rows of earlier attempts left out */
  readonly earlierAttemptRows: number;
}

export interface SplitResult {
  readonly spectra: readonly SplitSpectrum[];
  /** rows with frequency 0 left out */
  readonly notImpedanceRows: number;
  /** spectra started because a frequency was measured again, not by a loop number */
  readonly repeatedFrequencySplits: number;
}

/** Relative tolerance of "the same frequency": sweeps set it to 4-5 significant digits, far apart from the next (1.3x at 10 points per decade). */
const SAME_FREQUENCY = 1e-3;
const LOG_STEP = Math.log1p(SAME_FREQUENCY);

export function splitSpectra(rows: ImpedanceRows): SplitResult {
  const word = rows.lineWord ?? 'line';
  const groups: number[][] = [];
  let current: number[] | null = null;
  /** the current spectrum's frequencies, by log(f) in steps of SAME_FREQUENCY: a repeat is found in O(1) */
  let seen = new Set<number>();
  let notImpedanceRows = 0;
  let repeatedFrequencySplits = 0;
  for (let i = 0; i < rows.frequencyHz.length; i++) {
    const f = rows.frequencyHz[i]!;
    if (f === 0) {
      notImpedanceRows++;
      current = null;
      continue;
    }
    if (!(f > 0) || !Number.isFinite(f)) {
      throw new ImportError(`${word} ${rows.lines[i]}: frequency ${f} Hz is not positive`, 'IMPORT_BAD_VALUE', { line: rows.lines[i] });
    }
    const bin = Math.round(Math.log(f) / LOG_STEP);
    const newLoop = current !== null && rows.loops.some((loop) => loop.values[i] !== loop.values[current![current!.length - 1]!]);
    // operando's next attempt at a sweep measures its frequencies again: same spectrum, and its own repeats.
    const newAttempt = current !== null && rows.attempts !== null && rows.attempts[i] !== rows.attempts[current[current.length - 1]!];
    if (newAttempt) seen = new Set();
    const repeated = !newAttempt && current !== null && (seen.has(bin - 1) || seen.has(bin) || seen.has(bin + 1));
    if (repeated && !newLoop) repeatedFrequencySplits++;
    if (current === null || newLoop || repeated) {
      current = [];
      seen = new Set();
      groups.push(current);
      if (groups.length > IMPORT_DEFAULTS.maxSpectra) {
        throw new ImportError(`more than ${IMPORT_DEFAULTS.maxSpectra} spectra (src/io/defaults.ts): is ${rows.loops.map((l) => l.name).join(' or ') || 'the frequency column'} a loop number?`, 'IMPORT_TOO_LARGE', {
          spectra: groups.length,
        });
      }
    }
    current.push(i);
    seen.add(bin);
  }
  // Spectra are named by the loop columns that tell them apart (EC-Lab writes `Ns` 0 on every row of a lone PEIS).
  const naming = rows.loops.filter((loop) => groups.some((g) => loop.values[g[0]!] !== loop.values[groups[0]![0]!]));
  return { spectra: groups.map((group) => spectrumOf(rows, group, naming)), notImpedanceRows, repeatedFrequencySplits };
}

function spectrumOf(rows: ImpedanceRows, group: readonly number[], naming: ImpedanceRows['loops']): SplitSpectrum {
  let kept = group;
  if (rows.attempts !== null) {
    let last = -Infinity;
    for (const i of group) if (rows.attempts[i]! > last) last = rows.attempts[i]!;
    kept = group.filter((i) => rows.attempts![i] === last);
  }
  const first = group[0]!;
  const label = naming.length === 0 ? null : naming.map((loop) => `${loop.name} ${loop.values[first]}`).join(', ');
  return {
    frequencyHz: Float64Array.from(kept, (i) => rows.frequencyHz[i]!),
    zRe: Float64Array.from(kept, (i) => rows.zRe[i]!),
    zIm: Float64Array.from(kept, (i) => rows.zIm[i]!),
    lines: kept.map((i) => rows.lines[i]!),
    label,
    earlierAttemptRows: group.length - kept.length,
  };
}

/**
 * Loop keys from an `.mpr` loop module (or any list of first rows): per row,
 * the 1-based loop it lies in.
 */
export function loopIndexOfRows(loopStarts: readonly number[], rows: number): Float64Array {
  const loop = new Float64Array(rows);
  let k = 0;
  for (let i = 0; i < rows; i++) {
    while (k + 1 < loopStarts.length && loopStarts[k + 1]! <= i) k++;
    loop[i] = k + 1;
  }
  return loop;
}
