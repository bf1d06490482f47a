import { QrDecomposition } from '../../analysis/numeric/linalg.js';
import { ImportError } from '../errors.js';
import type { Calibration } from './spectrum-values.js';

/**
 * Energy calibrations as files give them: coefficients in a named unit, or
 * (Amptek) pairs of channel and energy. `McaSpectrum` holds keV.
 */

const KEV_PER_UNIT: Readonly<Record<string, number>> = { ev: 1e-3, kev: 1, mev: 1e3 };

/**
 * keV per unit of an energy unit name (`keV`, `eV`, `MeV`, any case); null
 * for anything else. A unit is matched as a whole word, so that Amptek's
 * label `Energy (eV)` names eV.
 */
export function kevPerUnit(text: string): number | null {
  const words = text.toLowerCase().match(/[a-z]+/g) ?? [];
  for (const word of words) {
    const factor = KEV_PER_UNIT[word];
    if (factor !== undefined) return factor;
  }
  return null;
}

/** Coefficients (c0, c1, c2 of E = c0 + c1 ch + c2 ch^2) in a unit, as keV. */
export function inKeV(coefficients: readonly number[], factor: number): Calibration {
  const [c0 = 0, c1 = 0, c2 = 0] = coefficients;
  return [c0 * factor, c1 * factor, c2 * factor];
}

/**
 * The calibration through pairs of (channel, energy): a straight line through
 * two points, the least-squares parabola through three or more (exact through
 * three). Channels are scaled to 0..1 before the fit so that ch^2 of a 64k
 * spectrum does not spoil the conditioning. Points that do not fix the curve
 * (one point, all at one channel) are IMPORT_BAD_VALUE.
 */
export function fitCalibrationPoints(points: ReadonlyArray<readonly [number, number]>): Calibration {
  const distinct = new Set(points.map(([ch]) => ch)).size;
  if (distinct < 2) {
    throw new ImportError(`${points.length} calibration point(s) at ${distinct} channel(s): at least two channels are needed`, 'IMPORT_BAD_VALUE');
  }
  const terms = distinct >= 3 ? 3 : 2;
  let scale = 0;
  for (const [ch] of points) scale = Math.max(scale, Math.abs(ch));
  const a = new Float64Array(points.length * terms);
  const b = new Float64Array(points.length);
  points.forEach(([ch, energy], i) => {
    const x = ch / scale;
    a[i * terms] = 1;
    a[i * terms + 1] = x;
    if (terms === 3) a[i * terms + 2] = x * x;
    b[i] = energy;
  });
  const qr = QrDecomposition.of(a, points.length, terms);
  if (!qr.isFullRank()) throw new ImportError('the calibration points do not fix a calibration', 'IMPORT_BAD_VALUE');
  const x = qr.solve(b);
  const result: Calibration = [x[0]!, x[1]! / scale, terms === 3 ? x[2]! / (scale * scale) : 0];
  if (!result.every(Number.isFinite)) throw new ImportError('the calibration points give no finite calibration', 'IMPORT_BAD_VALUE');
  return result;
}
