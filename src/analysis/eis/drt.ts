import { choleskyInPlace, choleskySolveInPlace } from '../numeric/linalg.js';
import { nnlsNormal } from '../numeric/nnls.js';
import { EisError } from './errors.js';
import { angularFrequencies, assertValidSpectrum, type ImpedanceSpectrum } from './spectrum.js';

/**
 * Distribution of relaxation times:
 *   Z(f) = R_inf + j omega L + integral gamma(ln tau) / (1 + j omega tau) d ln tau
 * discretised on log-spaced tau (piecewise constant gamma), fitted to the real
 * and imaginary parts together, each weighted by 1/|Z|, with gamma >= 0,
 * R_inf >= 0, L >= 0 (non-negative least squares on the normal equations) and
 * a first-order Tikhonov penalty lambda sum (gamma_k+1 - gamma_k)^2, as in
 * pyDRTtools' default. Unknowns are in units of max |Z| so lambda is
 * dimensionless and comparable between spectra.
 *
 * lambda is chosen by generalised cross-validation (Golub, Heath & Wahba 1979)
 * GCV = n |r|^2 / (n - tr H)^2, with the influence matrix H of the
 * unconstrained problem restricted to the variables the constraint leaves
 * free (the usual approximation for NNLS), minimised over a grid of
 * half-decades and refined by golden section in log lambda.
 */

export interface DrtOptions {
  /** fixed lambda; chosen by GCV when absent */
  lambda?: number;
  /** tau grid density (default 10 per decade) */
  pointsPerDecade?: number;
  /** decades the tau grid extends beyond 1/omega_max and 1/omega_min (default 1) */
  extendDecades?: number;
  /** peaks lower than this fraction of the highest are ignored (default 0.01) */
  peakThreshold?: number;
}

export interface DrtPeak {
  tauS: number;
  /** area under the peak, sum of gamma d ln tau between the minima around it */
  resistanceOhm: number;
}

export interface DrtResult {
  lambda: number;
  tauS: Float64Array;
  /** gamma(ln tau) in ohm */
  gammaOhm: Float64Array;
  rInfOhm: number;
  inductanceH: number;
  peaks: DrtPeak[];
}

const DEFAULTS = { pointsPerDecade: 10, extendDecades: 1, peakThreshold: 0.01 };
/** log10 lambda grid for GCV. */
const LOG_LAMBDA_MIN = -8;
const LOG_LAMBDA_MAX = 2;
const LOG_LAMBDA_STEP = 0.5;
const GOLDEN_ITERATIONS = 10;
/** R_inf and L before the gamma values in the unknown vector. */
const OFFSET = 2;

export function drt(spectrum: ImpedanceSpectrum, options: DrtOptions = {}): DrtResult {
  assertValidSpectrum(spectrum, 4);
  const system = buildSystem(spectrum, options);
  let lambda = options.lambda;
  if (lambda !== undefined && !(lambda >= 0 && Number.isFinite(lambda))) {
    throw new EisError(`DRT lambda = ${lambda} must be a non-negative number`, 'EIS_PARAMETER');
  }
  lambda ??= gcvLambda(system);
  const x = solve(system, lambda).x;
  const { zScale, tauS, dLnTau, omegaMax } = system;
  const gammaOhm = Float64Array.from(tauS, (_, k) => x[OFFSET + k]! * zScale);
  return {
    lambda,
    tauS,
    gammaOhm,
    rInfOhm: x[0]! * zScale,
    inductanceH: (x[1]! * zScale) / omegaMax,
    peaks: findPeaks(tauS, gammaOhm, dLnTau, options.peakThreshold ?? DEFAULTS.peakThreshold),
  };
}

interface DrtSystem {
  /** rows of the weighted data matrix */
  rows: number;
  /** unknowns: R_inf, L, gamma_1..K */
  n: number;
  ata: Float64Array;
  atb: Float64Array;
  btb: number;
  /** first-difference penalty M^T M on the gamma block */
  penalty: Float64Array;
  tauS: Float64Array;
  dLnTau: number;
  zScale: number;
  omegaMax: number;
}

function buildSystem(spectrum: ImpedanceSpectrum, options: DrtOptions): DrtSystem {
  const points = spectrum.frequencyHz.length;
  const omega = angularFrequencies(spectrum.frequencyHz);
  let omegaMin = Infinity;
  let omegaMax = 0;
  let zScale = 0;
  for (let i = 0; i < points; i++) {
    omegaMin = Math.min(omegaMin, omega[i]!);
    omegaMax = Math.max(omegaMax, omega[i]!);
    zScale = Math.max(zScale, Math.hypot(spectrum.zRe[i]!, spectrum.zIm[i]!));
  }
  if (!(zScale > 0)) throw new EisError('DRT of a spectrum that is zero everywhere', 'EIS_DATA');
  const perDecade = options.pointsPerDecade ?? DEFAULTS.pointsPerDecade;
  const extend = options.extendDecades ?? DEFAULTS.extendDecades;
  if (!(perDecade > 0) || !(extend >= 0)) throw new EisError('DRT pointsPerDecade must be positive and extendDecades non-negative', 'EIS_PARAMETER');
  const logTauMin = Math.log10(1 / omegaMax) - extend;
  const logTauMax = Math.log10(1 / omegaMin) + extend;
  const k = Math.max(2, Math.round((logTauMax - logTauMin) * perDecade) + 1);
  const tauS = Float64Array.from({ length: k }, (_, i) => 10 ** (logTauMin + (i * (logTauMax - logTauMin)) / (k - 1)));
  const dLnTau = Math.log(tauS[1]! / tauS[0]!);

  const n = OFFSET + k;
  const rows = 2 * points;
  const a = new Float64Array(rows * n);
  const b = new Float64Array(rows);
  for (let i = 0; i < points; i++) {
    const w = omega[i]!;
    const mod = Math.hypot(spectrum.zRe[i]!, spectrum.zIm[i]!) / zScale;
    const re = i * n;
    const im = (points + i) * n;
    a[re] = 1 / mod;
    a[im + 1] = w / omegaMax / mod;
    for (let j = 0; j < k; j++) {
      const x = w * tauS[j]!;
      const d = 1 + x * x;
      a[re + OFFSET + j] = dLnTau / d / mod;
      a[im + OFFSET + j] = (-dLnTau * x) / d / mod;
    }
    b[i] = spectrum.zRe[i]! / zScale / mod;
    b[points + i] = spectrum.zIm[i]! / zScale / mod;
  }
  const ata = new Float64Array(n * n);
  const atb = new Float64Array(n);
  let btb = 0;
  for (let r = 0; r < rows; r++) {
    btb += b[r]! * b[r]!;
    for (let i = 0; i < n; i++) {
      const ari = a[r * n + i]!;
      if (ari === 0) continue;
      atb[i] = atb[i]! + ari * b[r]!;
      for (let j = i; j < n; j++) ata[i * n + j] = ata[i * n + j]! + ari * a[r * n + j]!;
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) ata[i * n + j] = ata[j * n + i]!;
  const penalty = new Float64Array(n * n);
  for (let j = 0; j + 1 < k; j++) {
    const p = OFFSET + j;
    const q = p + 1;
    penalty[p * n + p] = penalty[p * n + p]! + 1;
    penalty[q * n + q] = penalty[q * n + q]! + 1;
    penalty[p * n + q] = penalty[p * n + q]! - 1;
    penalty[q * n + p] = penalty[q * n + p]! - 1;
  }
  return { rows, n, ata, atb, btb, penalty, tauS, dLnTau, zScale, omegaMax };
}

/** The NNLS solution at lambda, its residual |A x - b|^2 and the GCV score. */
function solve(system: DrtSystem, lambda: number): { x: Float64Array; gcv: number } {
  const { n, ata, atb, btb, penalty, rows } = system;
  const g = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) g[i] = ata[i]! + lambda * penalty[i]!;
  const { x, passive } = nnlsNormal(g, atb, n);
  // |A x - b|^2 = x^T A^T A x - 2 x^T A^T b + b^T b
  let xAx = 0;
  let xAb = 0;
  for (let i = 0; i < n; i++) {
    if (x[i] === 0) continue;
    xAb += x[i]! * atb[i]!;
    for (let j = 0; j < n; j++) xAx += x[i]! * ata[i * n + j]! * x[j]!;
  }
  const residual = Math.max(0, xAx - 2 * xAb + btb);
  // tr H = tr((A_P^T A_P + lambda M_P^T M_P)^-1 A_P^T A_P) over the passive set P.
  const idx: number[] = [];
  for (let i = 0; i < n; i++) if (passive[i]) idx.push(i);
  const p = idx.length;
  const gp = new Float64Array(p * p);
  for (let r = 0; r < p; r++) for (let c = 0; c < p; c++) gp[r * p + c] = g[idx[r]! * n + idx[c]!]!;
  let trace = 0;
  if (p > 0 && choleskyInPlace(gp, p)) {
    const col = new Float64Array(p);
    for (let c = 0; c < p; c++) {
      for (let r = 0; r < p; r++) col[r] = ata[idx[r]! * n + idx[c]!]!;
      choleskySolveInPlace(gp, p, col);
      trace += col[c]!;
    }
  }
  const dof = rows - trace;
  return { x, gcv: dof > 0 ? (rows * residual) / (dof * dof) : Infinity };
}

function gcvLambda(system: DrtSystem): number {
  const score = (logLambda: number) => solve(system, 10 ** logLambda).gcv;
  let bestLog = LOG_LAMBDA_MIN;
  let bestScore = Infinity;
  for (let l = LOG_LAMBDA_MIN; l <= LOG_LAMBDA_MAX + 1e-9; l += LOG_LAMBDA_STEP) {
    const s = score(l);
    if (s < bestScore) ((bestScore = s), (bestLog = l));
  }
  // Golden-section search within one grid step either side of the best grid point.
  const ratio = (Math.sqrt(5) - 1) / 2;
  let lo = bestLog - LOG_LAMBDA_STEP;
  let hi = bestLog + LOG_LAMBDA_STEP;
  let x1 = hi - ratio * (hi - lo);
  let x2 = lo + ratio * (hi - lo);
  let f1 = score(x1);
  let f2 = score(x2);
  for (let i = 0; i < GOLDEN_ITERATIONS; i++) {
    if (f1 <= f2) {
      hi = x2;
      ((x2 = x1), (f2 = f1));
      x1 = hi - ratio * (hi - lo);
      f1 = score(x1);
    } else {
      lo = x1;
      ((x1 = x2), (f1 = f2));
      x2 = lo + ratio * (hi - lo);
      f2 = score(x2);
    }
  }
  const refined = f1 <= f2 ? x1 : x2;
  return 10 ** (Math.min(f1, f2) <= bestScore ? refined : bestLog);
}

/**
 * Local maxima of gamma above `threshold` x max; each peak's resistance is the
 * area between the minima (or zeros) on either side, its tau the maximum of a
 * parabola through the three highest points in ln tau.
 */
function findPeaks(tauS: Float64Array, gamma: Float64Array, dLnTau: number, threshold: number): DrtPeak[] {
  const k = gamma.length;
  let max = 0;
  for (const g of gamma) max = Math.max(max, g);
  if (!(max > 0)) return [];
  const peaks: DrtPeak[] = [];
  for (let i = 0; i < k; i++) {
    const g = gamma[i]!;
    if (g < threshold * max) continue;
    if ((i > 0 && gamma[i - 1]! >= g) || (i + 1 < k && gamma[i + 1]! > g)) continue;
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
    if (i > 0 && i + 1 < k) {
      const a = gamma[i - 1]!;
      const c = gamma[i + 1]!;
      const denom = a - 2 * g + c;
      if (denom < 0) lnTau += (0.5 * (a - c) * dLnTau) / denom;
    }
    peaks.push({ tauS: Math.exp(lnTau), resistanceOhm: area * dLnTau });
  }
  return peaks;
}
