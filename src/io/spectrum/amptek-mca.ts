import { ImportError } from '../errors.js';
import { fitCalibrationPoints, inKeV, kevPerUnit } from './calibration.js';
import { SPECTRUM_FILE_DEFAULTS } from './defaults.js';
import { boundedLines, checkedSpectrum, parseCount, parseNumber, tooManyChannels, wordsUpTo, type Calibration, type ParsedSpectrum } from './spectrum-values.js';
import { parseIsoDateTime, parseUsDateTime } from './time.js';

/**
 * Amptek `.mca` (the PMCA / DppMCA text format of the DP5, PX5 and MCA8000D),
 * after Amptek's "Amptek Spectrum File Format" description:
 *
 * ```
 * <<PMCA SPECTRUM>>
 * TAG - live_data
 * DESCRIPTION - Am241 Spectrum
 * LIVE_TIME - 3983.720000
 * REAL_TIME - 4000.000000
 * START_TIME - 10/20/1998 12:17:17
 * <<CALIBRATION>>            (optional)
 * LABEL - keV
 * 1 0.000000                 (pairs: channel energy)
 * 322 13.95
 * <<ROI>>                    (optional)
 * <<DATA>>
 * 0                          (one count per channel)
 * ...
 * <<END>>
 * <<DP5 CONFIGURATION>> ...  (DPP CONFIGURATION, DPP STATUS: after <<END>>, not read)
 * ```
 *
 * The calibration label names the unit (`keV`, `Energy (eV)`, `MeV`); a label
 * naming none is taken as keV, with a warning. The points become a line (two
 * points) or a least-squares parabola (three or more; unverified against
 * DppMCA, which shows the calibration it fitted but does not store it).
 * `START_TIME` is `mm/dd/yyyy hh:mm:ss` (some tools write `yyyy-mm-dd`), read
 * as UTC. `DESCRIPTION` (else `TAG`) is the title.
 */

const SECTION = /^<<(.+)>>$/;
const KEY_VALUE = /^([A-Z_0-9]+) *[-–] ?(.*)$/;

export function readAmptekMca(text: string): ParsedSpectrum {
  const lines = boundedLines(text);
  const firstIndex = lines.findIndex((l) => l.trim() !== '');
  if (firstIndex < 0 || lines[firstIndex]!.trim() !== '<<PMCA SPECTRUM>>') {
    throw new ImportError(`line ${firstIndex + 1}: not an Amptek .mca file (it must start with <<PMCA SPECTRUM>>)`, 'IMPORT_FORMAT', { line: firstIndex + 1 });
  }
  const header = new Map<string, { value: string; line: number }>();
  const calibrationPoints: Array<readonly [number, number]> = [];
  let calibrationLabel: string | null = null;
  const data: number[] = [];
  let section = 'PMCA SPECTRUM';
  let ended = false;
  for (let i = firstIndex + 1; i < lines.length && !ended; i++) {
    const line = lines[i]!.trim();
    const lineNumber = i + 1;
    if (line === '') continue;
    const m = SECTION.exec(line);
    if (m) {
      section = m[1]!.trim();
      ended = section === 'END';
      continue;
    }
    if (section === 'PMCA SPECTRUM') {
      const kv = KEY_VALUE.exec(line);
      if (kv && !header.has(kv[1]!)) header.set(kv[1]!, { value: kv[2]!.trim(), line: lineNumber });
    } else if (section === 'CALIBRATION') {
      const kv = KEY_VALUE.exec(line);
      if (kv && kv[1] === 'LABEL') calibrationLabel = kv[2]!.trim();
      else {
        if (calibrationPoints.length === 64) throw new ImportError(`line ${lineNumber}: more than 64 calibration points`, 'IMPORT_FORMAT', { line: lineNumber });
        const pair = wordsUpTo(line, 2);
        if (pair.length !== 2) throw new ImportError(`line ${lineNumber}: a calibration point is "channel energy"`, 'IMPORT_FORMAT', { line: lineNumber });
        calibrationPoints.push([parseNumber(pair[0]!, `line ${lineNumber}, calibration channel`), parseNumber(pair[1]!, `line ${lineNumber}, calibration energy`)]);
      }
    } else if (section === 'DATA') {
      if (data.length === SPECTRUM_FILE_DEFAULTS.maxChannels) throw tooManyChannels(data.length + 1);
      data.push(parseCount(line, `line ${lineNumber}`));
    }
  }
  if (!ended) throw new ImportError('no <<END>> after the data: the file is cut short', 'IMPORT_FORMAT');
  if (data.length === 0) throw new ImportError('no counts between <<DATA>> and <<END>>', 'IMPORT_EMPTY');

  const warnings: string[] = [];
  const decimal = (key: string) => {
    const entry = header.get(key);
    return entry === undefined || entry.value === '' ? null : parseNumber(entry.value, `line ${entry.line}, ${key}`);
  };
  const start = header.get('START_TIME');
  let startNs: bigint | null = null;
  if (start !== undefined && start.value !== '') {
    startNs = parseUsDateTime(start.value) ?? parseIsoDateTime(start.value);
    if (startNs === null) throw new ImportError(`line ${start.line}: START_TIME "${start.value.slice(0, 40)}" is not mm/dd/yyyy hh:mm:ss`, 'IMPORT_BAD_VALUE', { line: start.line });
  }
  const title = header.get('DESCRIPTION')?.value || header.get('TAG')?.value || null;
  return {
    spectrum: checkedSpectrum({
      counts: Uint32Array.from(data),
      liveTimeS: decimal('LIVE_TIME'),
      realTimeS: decimal('REAL_TIME'),
      startNs,
      energyCalibrationKeV: calibrationOf(calibrationPoints, calibrationLabel, warnings),
    }),
    title,
    warnings,
  };
}

function calibrationOf(points: ReadonlyArray<readonly [number, number]>, label: string | null, warnings: string[]): Calibration | null {
  if (points.length === 0) return null;
  let factor = label === null ? null : kevPerUnit(label);
  if (factor === null) {
    warnings.push(`calibration label ${label === null ? '(none)' : `"${label}"`} names no energy unit: read as keV`);
    factor = 1;
  }
  return inKeV(fitCalibrationPoints(points), factor);
}
