import { differencePenalty, OFFSET, solveNonNegative, solveUnconstrained, type DrtSystem, type DrtWork } from './drt-system.js';

/**
 * Regularisation of the DRT and the choice of lambda.
 *
 * Penalty: first differences of gamma, re-weighted by the solution itself,
 *   sum_k (gamma_k+1 - gamma_k)^2 / (mean(gamma_k, gamma_k+1) + EPS max gamma)
 * (REWEIGHTS passes, each an NNLS solve, starting from the uniform weights).
 * A uniform first-difference penalty must be weak to let a sharp RC arc
 * through, and is then too weak to stop the noise, which shows up as side
 * peaks next to every broad (ZARC) peak; dividing by gamma makes the penalty
 * relative, so small bumps cost as much as tall sharp peaks do. Chosen by
 * drt.test.ts "synthetic spectra": with the uniform penalty no lambda gives
 * 3 peaks for 3 ZARCs with 1 % noise while keeping 3 RC time constants
 * within 10 %; with the relative one a wide range of lambda does.
 *
 * lambda: the discrepancy principle (Morozov) with the noise estimated from
 * the data. Generalised cross-validation (Golub, Heath & Wahba 1979) on the
 * uniform, unconstrained problem gives lambda_GCV and the noise
 * sigma^2 = |r(lambda_GCV)|^2 / (rows - tr H); lambda is then the largest
 * value above lambda_GCV whose residual stays within DISCREPANCY rows sigma^2.
 * GCV alone under-regularises measured spectra: their errors are correlated
 * (drift, instrument systematics), GCV treats every reproducible wiggle as
 * signal and picks lambda ~ 1e-7 with 9-12 peaks (drt.test.ts "real
 * spectra"). DISCREPANCY = 2 (tau = sqrt 2 in Morozov's |r| <= tau sigma
 * sqrt(rows), within the usual 1 < tau <= 2) is the smallest factor for which
 * every seed of the synthetic 2- and 3-ZARC spectra of drt.test.ts gave
 * exactly 2 and 3 peaks when it was chosen; 1 and 1.5 left noise peaks next
 * to the ZARCs on some seeds.
 *
 * Cost: 21 unconstrained Cholesky solves for GCV, one NNLS for the noise,
 * then a bisection in log lambda to LOG_LAMBDA_RESOLUTION (at most 6 steps
 * over the 11 decades above 1e-8), each 1 + REWEIGHTS NNLS solves: at most 25
 * NNLS solves, about 1000-2000 active-set iterations on a 100-point spectrum
 * (drt.test.ts counts them).
 * No NNLS is solved below lambda_GCV, where the active-set method is slowest.
 */

/** log10 lambda grid for GCV. */
const LOG_LAMBDA_MIN = -8;
const LOG_LAMBDA_MAX = 2;
const LOG_LAMBDA_STEP = 0.5;
/** Most regularised lambda tried by the discrepancy search. */
const LOG_LAMBDA_CEILING = 3;
/** Resolution of the discrepancy search in log10 lambda. */
const LOG_LAMBDA_RESOLUTION = 0.25;
/** Residual allowed by the discrepancy principle, in units of rows x sigma^2. */
const DISCREPANCY = 2;
const REWEIGHTS = 2;
/** Floor of the re-weighting denominator, relative to the largest gamma, so zero gamma does not give infinite weight. */
const EPS = 0.01;

export type DrtLambdaMethod = 'discrepancy' | 'fixed';

export interface DrtSelection {
  lambda: number;
  method: DrtLambdaMethod;
  /** noise estimated from the residual of the GCV fit, relative to |Z|; null when lambda was given */
  noiseRelative: number | null;
  /** R_inf, L and gamma at lambda, in the system's units */
  x: Float64Array;
}

/** The regularised NNLS solution at lambda with the re-weighted penalty. */
export function reweightedSolve(system: DrtSystem, lambda: number, work: DrtWork): { x: Float64Array; rss: number } {
  const { n } = system;
  const k = n - OFFSET;
  let solution = solveNonNegative(system, lambda, differencePenalty(n), work);
  for (let pass = 0; pass < REWEIGHTS; pass++) {
    const { x } = solution;
    let max = 0;
    for (let j = 0; j < k; j++) max = Math.max(max, x[OFFSET + j]!);
    if (!(max > 0)) break;
    const weights = new Float64Array(k - 1);
    for (let j = 0; j + 1 < k; j++) weights[j] = max / (0.5 * (x[OFFSET + j]! + x[OFFSET + j + 1]!) + EPS * max);
    solution = solveNonNegative(system, lambda, differencePenalty(n, weights), work);
  }
  return solution;
}

export function selectLambda(system: DrtSystem, work: DrtWork): DrtSelection {
  const gcv = gcvLambda(system, work);
  const penalty = differencePenalty(system.n);
  const dof = system.rows - gcv.trace;
  // No residual degrees of freedom: nothing to estimate the noise from.
  if (!(dof >= 1)) return { lambda: gcv.lambda, method: 'discrepancy', noiseRelative: null, x: reweightedSolve(system, gcv.lambda, work).x };
  const sigma2 = solveNonNegative(system, gcv.lambda, penalty, work).rss / dof;
  const target = DISCREPANCY * system.rows * sigma2;

  let lo = Math.log10(gcv.lambda);
  let best = reweightedSolve(system, gcv.lambda, work);
  let hi = LOG_LAMBDA_CEILING;
  const top = reweightedSolve(system, 10 ** hi, work);
  if (top.rss <= target) ((lo = hi), (best = top));
  while (hi - lo > LOG_LAMBDA_RESOLUTION) {
    const mid = (lo + hi) / 2;
    const trial = reweightedSolve(system, 10 ** mid, work);
    if (trial.rss <= target) ((lo = mid), (best = trial));
    else hi = mid;
  }
  return { lambda: 10 ** lo, method: 'discrepancy', noiseRelative: Math.sqrt(sigma2), x: best.x };
}

/** The minimum of GCV = rows |r|^2 / (rows - tr H)^2 over the grid, for the uniform penalty without the sign constraint. */
function gcvLambda(system: DrtSystem, work: DrtWork): { lambda: number; trace: number } {
  const penalty = differencePenalty(system.n);
  let best = { lambda: 10 ** LOG_LAMBDA_MAX, trace: 0, score: Infinity };
  for (let l = LOG_LAMBDA_MIN; l <= LOG_LAMBDA_MAX + 1e-9; l += LOG_LAMBDA_STEP) {
    const lambda = 10 ** l;
    const s = solveUnconstrained(system, lambda, penalty, work);
    if (s === null) continue;
    const dof = system.rows - s.trace;
    const score = dof > 0 ? (system.rows * s.rss) / (dof * dof) : Infinity;
    if (score < best.score) best = { lambda, trace: s.trace, score };
  }
  if (best.score === Infinity) best.trace = system.rows;
  return best;
}

