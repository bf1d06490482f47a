import { reweightedSolve, selectLambda, type DrtLambdaMethod } from './drt-lambda.js';
import { buildSystem, newWork, OFFSET, type DrtWork } from './drt-system.js';
import { EisError } from './errors.js';
import { assertValidSpectrum, type ImpedanceSpectrum } from './spectrum.js';

/**
 * Distribution of relaxation times:
 *   Z(f) = R_inf + j omega L + integral gamma(ln tau) / (1 + j omega tau) d ln tau
 * discretised on log-spaced tau (drt-system.ts), fitted to the real and
 * imaginary parts together, each weighted by 1/|Z|, with gamma >= 0,
 * R_inf >= 0, L >= 0, regularised by a first-difference penalty re-weighted
 * by gamma itself, lambda chosen by the discrepancy principle with the noise
 * estimated by GCV (drt-lambda.ts: why, and the tests that chose it).
 */

export interface DrtOptions {
  /** fixed lambda; chosen from the data when absent */
  lambda?: number;
  /** tau grid density (default 10 per decade) */
  pointsPerDecade?: number;
  /** decades the tau grid extends beyond 1/omega_max and 1/omega_min (default 1) */
  extendDecades?: number;
  /** peaks lower than this fraction of the highest peak are ignored (default 0.01) */
  peakThreshold?: number;
}

export interface DrtPeak {
  tauS: number;
  /** area under the peak, sum of gamma d ln tau between the minima around it */
  resistanceOhm: number;
}

export interface DrtResult {
  lambda: number;
  /** how lambda was chosen: `discrepancy` (from the data's noise) or `fixed` (given) */
  lambdaMethod: DrtLambdaMethod;
  /** noise the choice of lambda assumed, as a fraction of |Z| (null when lambda was given) */
  noiseRelative: number | null;
  tauS: Float64Array;
  /** gamma(ln tau) in ohm */
  gammaOhm: Float64Array;
  rInfOhm: number;
  inductanceH: number;
  peaks: DrtPeak[];
  work: DrtWork;
}

const DEFAULTS = { pointsPerDecade: 10, extendDecades: 1, peakThreshold: 0.01 };

export function drt(spectrum: ImpedanceSpectrum, options: DrtOptions = {}): DrtResult {
  assertValidSpectrum(spectrum, 4);
  const lambda = options.lambda;
  if (lambda !== undefined && !(lambda >= 0 && Number.isFinite(lambda))) {
    throw new EisError(`DRT lambda = ${lambda} must be a non-negative number`, 'EIS_PARAMETER');
  }
  const system = buildSystem(spectrum, {
    pointsPerDecade: options.pointsPerDecade ?? DEFAULTS.pointsPerDecade,
    extendDecades: options.extendDecades ?? DEFAULTS.extendDecades,
  });
  const work = newWork();
  const selection =
    lambda === undefined ? selectLambda(system, work) : { lambda, method: 'fixed' as const, noiseRelative: null, x: reweightedSolve(system, lambda, work).x };
  const { x } = selection;
  const { zScale, tauS, dLnTau, omegaMax } = system;
  const gammaOhm = Float64Array.from(tauS, (_, k) => x[OFFSET + k]! * zScale);
  return {
    lambda: selection.lambda,
    lambdaMethod: selection.method,
    noiseRelative: selection.noiseRelative,
    tauS,
    gammaOhm,
    rInfOhm: x[0]! * zScale,
    inductanceH: (x[1]! * zScale) / omegaMax,
    peaks: findPeaks(tauS, gammaOhm, dLnTau, options.peakThreshold ?? DEFAULTS.peakThreshold),
    work,
  };
}

/**
 * Interior local maxima of gamma above `threshold` x max; each peak's
 * resistance is the area between the minima (or zeros) on either side, its tau
 * the maximum of a parabola through the three highest points in ln tau.
 * gamma still rising at an end of the tau grid is not a peak: it is a process
 * beyond the measured window (a diffusion or blocking tail at low frequency,
 * a trade with R_inf at high frequency), whose time constant the data do not
 * give.
 */
function findPeaks(tauS: Float64Array, gamma: Float64Array, dLnTau: number, threshold: number): DrtPeak[] {
  const k = gamma.length;
  // Relative to the highest peak, not to gamma piled up at an end of the grid.
  let max = 0;
  for (let i = 1; i + 1 < k; i++) if (gamma[i]! > gamma[i - 1]! && gamma[i]! >= gamma[i + 1]!) max = Math.max(max, gamma[i]!);
  if (!(max > 0)) return [];
  const peaks: DrtPeak[] = [];
  for (let i = 1; i + 1 < k; i++) {
    const g = gamma[i]!;
    if (g < threshold * max) continue;
    if (gamma[i - 1]! >= g || gamma[i + 1]! > g) continue;
    let left = i;
    while (left > 0 && gamma[left - 1]! <= gamma[left]! && gamma[left - 1]! > 0) left--;
    let right = i;
    while (right + 1 < k && gamma[right + 1]! <= gamma[right]! && gamma[right + 1]! > 0) right++;
    // A valley shared by two peaks is split: each takes half of the minimum point.
    let area = 0;
    for (let j = left; j <= right; j++) {
      const shared = (j === left && left > 0 && gamma[left - 1]! > 0) || (j === right && right + 1 < k && gamma[right + 1]! > 0);
      area += (shared ? 0.5 : 1) * gamma[j]!;
    }
    let lnTau = Math.log(tauS[i]!);
    const a = gamma[i - 1]!;
    const c = gamma[i + 1]!;
    const denom = a - 2 * g + c;
    if (denom < 0) lnTau += (0.5 * (a - c) * dLnTau) / denom;
    peaks.push({ tauS: Math.exp(lnTau), resistanceOhm: area * dLnTau });
  }
  return peaks;
}
