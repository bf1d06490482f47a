import { choleskyInPlace, choleskySolveInPlace } from '../numeric/linalg.js';
import { nnlsNormal } from '../numeric/nnls.js';
import { EisError } from './errors.js';
import { angularFrequencies, type ImpedanceSpectrum } from './spectrum.js';

/**
 * The discretised DRT problem:
 *   Z(f) = R_inf + j omega L + integral gamma(ln tau) / (1 + j omega tau) d ln tau
 * on log-spaced tau (piecewise constant gamma), real and imaginary parts
 * together, each row weighted by 1/|Z| (so the residuals are relative to |Z|
 * and a relative noise sigma is the same in every row). Unknowns are R_inf,
 * L omega_max and the gamma_k, in units of max |Z|, so lambda is dimensionless
 * and comparable between spectra. Held as the cross products A^T A, A^T b,
 * b^T b, which is all NNLS and the selection of lambda need.
 */
export interface DrtSystem {
  /** rows of the weighted data matrix (2 x points) */
  rows: number;
  /** unknowns: R_inf, L, gamma_1..K */
  n: number;
  ata: Float64Array;
  atb: Float64Array;
  btb: number;
  tauS: Float64Array;
  dLnTau: number;
  zScale: number;
  omegaMax: number;
}

export interface DrtGrid {
  /** tau points per decade */
  pointsPerDecade: number;
  /** decades the tau grid extends beyond 1/omega_max and 1/omega_min */
  extendDecades: number;
}

/** R_inf and L before the gamma values in the unknown vector. */
export const OFFSET = 2;

/** Work done, counted so that tests can bound the cost without timing it. */
export interface DrtWork {
  /** Cholesky factorisations of the full n x n system (unconstrained solves) */
  factorizations: number;
  /** non-negative least-squares solves */
  nnlsSolves: number;
  /** active-set iterations of those solves, each one Cholesky factorisation of at most n x n */
  nnlsIterations: number;
}

export function newWork(): DrtWork {
  return { factorizations: 0, nnlsSolves: 0, nnlsIterations: 0 };
}

export function buildSystem(spectrum: ImpedanceSpectrum, grid: DrtGrid): DrtSystem {
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
  const { pointsPerDecade, extendDecades } = grid;
  if (!(pointsPerDecade > 0) || !(extendDecades >= 0)) throw new EisError('DRT pointsPerDecade must be positive and extendDecades non-negative', 'EIS_PARAMETER');
  const logTauMin = Math.log10(1 / omegaMax) - extendDecades;
  const logTauMax = Math.log10(1 / omegaMin) + extendDecades;
  const k = Math.max(2, Math.round((logTauMax - logTauMin) * pointsPerDecade) + 1);
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
  return { rows, n, ata, atb, btb, tauS, dLnTau, zScale, omegaMax };
}

/**
 * The first-difference penalty sum_k w_k (gamma_k+1 - gamma_k)^2 as an n x n
 * matrix (zero on R_inf and L); uniform weights when `weights` is absent.
 */
export function differencePenalty(n: number, weights?: Float64Array): Float64Array {
  const penalty = new Float64Array(n * n);
  for (let j = 0; OFFSET + j + 1 < n; j++) {
    const p = OFFSET + j;
    const q = p + 1;
    const w = weights ? weights[j]! : 1;
    penalty[p * n + p] = penalty[p * n + p]! + w;
    penalty[q * n + q] = penalty[q * n + q]! + w;
    penalty[p * n + q] = penalty[p * n + q]! - w;
    penalty[q * n + p] = penalty[q * n + p]! - w;
  }
  return penalty;
}

function regularised(system: DrtSystem, lambda: number, penalty: Float64Array): Float64Array {
  const { n, ata } = system;
  const g = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) g[i] = ata[i]! + lambda * penalty[i]!;
  return g;
}

/** |A x - b|^2 = x^T A^T A x - 2 x^T A^T b + b^T b */
function residualSquares(system: DrtSystem, x: Float64Array): number {
  const { n, ata, atb, btb } = system;
  let xAx = 0;
  let xAb = 0;
  for (let i = 0; i < n; i++) {
    if (x[i] === 0) continue;
    xAb += x[i]! * atb[i]!;
    for (let j = 0; j < n; j++) xAx += x[i]! * ata[i * n + j]! * x[j]!;
  }
  return Math.max(0, xAx - 2 * xAb + btb);
}

/** min |A x - b|^2 + lambda x^T P x subject to x >= 0, and its residual |A x - b|^2. */
export function solveNonNegative(system: DrtSystem, lambda: number, penalty: Float64Array, work: DrtWork): { x: Float64Array; rss: number } {
  const { x, iterations } = nnlsNormal(regularised(system, lambda, penalty), system.atb, system.n);
  work.nnlsSolves++;
  work.nnlsIterations += iterations;
  return { x, rss: residualSquares(system, x) };
}

/**
 * The unconstrained Tikhonov solution at lambda: its residual |A x - b|^2 and
 * the trace of the influence matrix, tr((A^T A + lambda P)^-1 A^T A), the
 * effective number of parameters. Null if the system is not positive
 * definite (lambda too small for the rounding of A^T A).
 */
export function solveUnconstrained(system: DrtSystem, lambda: number, penalty: Float64Array, work: DrtWork): { rss: number; trace: number } | null {
  const { n, ata, atb } = system;
  const g = regularised(system, lambda, penalty);
  work.factorizations++;
  if (!choleskyInPlace(g, n)) return null;
  const x = atb.slice();
  choleskySolveInPlace(g, n, x);
  let trace = 0;
  const col = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    for (let r = 0; r < n; r++) col[r] = ata[r * n + c]!;
    choleskySolveInPlace(g, n, col);
    trace += col[c]!;
  }
  return { rss: residualSquares(system, x), trace };
}
