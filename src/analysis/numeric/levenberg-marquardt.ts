import { NumericError } from './errors.js';
import { QrDecomposition, inverseNormalMatrix } from './linalg.js';

/**
 * Bounded Levenberg-Marquardt for small dense least-squares problems.
 *
 * Method: each iteration solves the damped Gauss-Newton step
 * min ||J s + r||^2 + lambda ||D s||^2 by QR (never the normal equations), with
 * D the running maximum of the Jacobian column norms (Moré 1978) so the damping
 * does not depend on parameter units, and the damping updated from the gain
 * ratio as in Nielsen (1999).
 *
 * Bounds are handled by projection with an active set (projected LM, after
 * Kanzow, Yamashita & Fukushima 2004): a parameter sitting on a bound while
 * the gradient pushes it outward is held for that iteration; a parameter
 * whose step would cross a bound is put on it and the step of the others is
 * recomputed with that displacement known. The predicted reduction uses the
 * step actually taken, so acceptance stays consistent, and convergence is
 * only declared from steps the bounds did not shape. Parameters can sit
 * exactly on a bound, which `atBound` reports. Fixed parameters are left out
 * of the step. The covariance is (J^T J)^-1 s^2 over the free parameters at
 * the optimum, s^2 = cost/(m - nFree), computed by QR of the column-scaled J.
 */

export interface LeastSquaresProblem {
  /** number of residuals */ readonly m: number;
  /** residuals at p (already weighted), written into out (length m) */
  residuals(p: Float64Array, out: Float64Array): void;
  /** optional analytic Jacobian d r_i / d p_j, row-major m x n; finite differences otherwise */
  jacobian?(p: Float64Array, out: Float64Array): void;
}

export interface LmOptions {
  lower?: number[];
  upper?: number[];
  fixed?: boolean[];
  maxIterations?: number;
  ftol?: number;
  xtol?: number;
  gtol?: number;
}

export interface LmResult {
  parameters: number[];
  cost: number /* sum of squared residuals */;
  iterations: number;
  converged: boolean;
  reason: string;
  covariance: number[][] | null /* of the free params scaled by cost/(m-nFree) */;
  stderr: number[] /* NaN where fixed or not computable */;
  atBound: boolean[];
}

/** Defaults: tight enough that a fit polished here is not improved by more iterations. */
const DEFAULTS = { maxIterations: 500, ftol: 1e-12, xtol: 1e-12, gtol: 1e-10 };
/** A step is taken when it achieves at least this fraction of the predicted reduction. */
const ACCEPT_RATIO = 1e-4;
/** Beyond this damping the step is below rounding: stop rather than loop. */
const MAX_LAMBDA = 1e16;
const SQRT_EPS = Math.sqrt(Number.EPSILON);

export function levenbergMarquardt(problem: LeastSquaresProblem, initial: number[], options: LmOptions = {}): LmResult {
  const n = initial.length;
  const m = problem.m;
  const lower = options.lower ?? new Array<number>(n).fill(-Infinity);
  const upper = options.upper ?? new Array<number>(n).fill(Infinity);
  const fixed = options.fixed ?? new Array<boolean>(n).fill(false);
  const maxIterations = options.maxIterations ?? DEFAULTS.maxIterations;
  const ftol = options.ftol ?? DEFAULTS.ftol;
  const xtol = options.xtol ?? DEFAULTS.xtol;
  const gtol = options.gtol ?? DEFAULTS.gtol;
  validate(m, initial, lower, upper, fixed, maxIterations);

  const p = Float64Array.from(initial, (v, j) => (fixed[j] ? v : Math.min(upper[j]!, Math.max(lower[j]!, v))));
  const free: number[] = [];
  for (let j = 0; j < n; j++) if (!fixed[j]) free.push(j);
  const nFree = free.length;

  const r = new Float64Array(m);
  problem.residuals(p, r);
  let cost = sumSquares(r);
  if (!Number.isFinite(cost)) throw new NumericError('residuals are not finite at the initial parameters', 'NUMERIC_INPUT', { initial });

  // The finite-difference step scales with the parameter, never below the scale of its
  // initial value (or 1 for an initial 0, as scipy does): a parameter passing near zero
  // would otherwise get a step lost in the rounding of the residuals.
  const typical = initial.map((v) => (v !== 0 ? Math.abs(v) : 1));
  const jacobian = makeJacobian(problem, m, n, free, lower, upper, typical);
  const atBoundOf = (j: number): boolean => !fixed[j] && (p[j]! <= lower[j]! || p[j]! >= upper[j]!);

  let iterations = 0;
  let converged = false;
  let reason = 'no free parameters';
  if (nFree === 0) converged = true;
  else if (cost === 0) {
    converged = true;
    reason = 'cost is zero';
  } else {
    const jFree = new Float64Array(m * nFree);
    const d = new Float64Array(nFree);
    const g = new Float64Array(nFree);
    const rTrial = new Float64Array(m);
    const pTrial = new Float64Array(n);
    const js = new Float64Array(m);
    let lambda = 1e-3;
    let nu = 2;
    reason = 'maximum iterations reached';
    outer: while (iterations < maxIterations) {
      iterations++;
      jacobian(p, jFree);
      if (!jFree.every(Number.isFinite)) {
        throw new NumericError('Jacobian is not finite at the current parameters', 'NUMERIC_INPUT', { parameters: Array.from(p) });
      }
      // g = J^T r; D = running max of column norms (Moré's scaling).
      for (let k = 0; k < nFree; k++) {
        let gk = 0;
        let norm2 = 0;
        for (let i = 0; i < m; i++) {
          const jik = jFree[i * nFree + k]!;
          gk += jik * r[i]!;
          norm2 += jik * jik;
        }
        g[k] = gk;
        d[k] = Math.max(d[k]!, Math.sqrt(norm2));
      }
      // Active set: on a bound with the descent direction -g pointing out of the box.
      const inactive: number[] = [];
      for (let k = 0; k < nFree; k++) {
        const j = free[k]!;
        const blocked = (p[j]! <= lower[j]! && g[k]! > 0) || (p[j]! >= upper[j]! && g[k]! < 0);
        if (!blocked) inactive.push(k);
      }
      const rNorm = Math.sqrt(cost);
      let gMax = 0;
      for (const k of inactive) {
        let colNorm = 0;
        for (let i = 0; i < m; i++) colNorm += jFree[i * nFree + k]! ** 2;
        colNorm = Math.sqrt(colNorm);
        if (colNorm > 0) gMax = Math.max(gMax, Math.abs(g[k]!) / (colNorm * rNorm));
      }
      if (gMax <= gtol) {
        converged = true;
        reason = inactive.length === 0 ? 'every free parameter is held at a bound' : 'gtol: gradient orthogonal to the residuals';
        break;
      }
      // The QR compression of J depends on the iteration only, not on the damping trial.
      const base = compress(jFree, r, m, nFree, inactive, d);
      for (;;) {
        const constrained = boxStep(jFree, r, base, m, nFree, inactive, d, lambda, p, free, lower, upper, pTrial);
        if (constrained === null) {
          lambda *= nu;
          nu *= 2;
          if (lambda > MAX_LAMBDA) {
            reason = 'no step reduces the cost (damping overflow)';
            break outer;
          }
          continue;
        }
        // J s for the clipped step, for the predicted reduction -(2 r.Js + |Js|^2).
        js.fill(0);
        let stepTiny = true;
        for (let k = 0; k < nFree; k++) {
          const j = free[k]!;
          const s = pTrial[j]! - p[j]!;
          if (Math.abs(s) > xtol * (Math.abs(p[j]!) + xtol)) stepTiny = false;
          if (s === 0) continue;
          for (let i = 0; i < m; i++) js[i] = js[i]! + jFree[i * nFree + k]! * s;
        }
        let rJs = 0;
        let js2 = 0;
        for (let i = 0; i < m; i++) {
          rJs += r[i]! * js[i]!;
          js2 += js[i]! * js[i]!;
        }
        const predicted = -(2 * rJs + js2);
        problem.residuals(pTrial, rTrial);
        let costTrial = sumSquares(rTrial);
        if (!Number.isFinite(costTrial)) costTrial = Infinity;
        const actual = cost - costTrial;
        const ratio = predicted > 0 ? actual / predicted : -1;
        if (ratio > ACCEPT_RATIO) {
          p.set(pTrial);
          r.set(rTrial);
          cost = costTrial;
          lambda *= Math.max(1 / 3, 1 - (2 * ratio - 1) ** 3);
          nu = 2;
        } else {
          lambda *= nu;
          nu *= 2;
        }
        if (cost === 0) {
          converged = true;
          reason = 'cost is zero';
          break outer;
        }
        // A step shaped by the bounds says nothing about being near a minimum: more
        // damping shortens it until it no longer reaches them.
        if (!constrained && Math.abs(actual) <= ftol * cost && predicted <= ftol * cost && ratio <= 2) {
          converged = true;
          reason = 'ftol: relative reduction of the cost below ftol';
          break outer;
        }
        if (!constrained && stepTiny) {
          converged = true;
          reason = 'xtol: relative step below xtol';
          break outer;
        }
        if (ratio > ACCEPT_RATIO) break;
        if (lambda > MAX_LAMBDA) {
          reason = 'no step reduces the cost (damping overflow)';
          break outer;
        }
      }
    }
  }

  const { covariance, stderr } = nFree > 0 ? covarianceAt(jacobian, p, m, n, free, cost) : { covariance: null, stderr: new Array<number>(n).fill(NaN) };
  return {
    parameters: Array.from(p),
    cost,
    iterations,
    converged,
    reason,
    covariance,
    stderr,
    atBound: Array.from({ length: n }, (_, j) => atBoundOf(j)),
  };
}

function validate(m: number, initial: number[], lower: number[], upper: number[], fixed: boolean[], maxIterations: number): void {
  const n = initial.length;
  if (!Number.isInteger(m) || m < 1) throw new NumericError(`problem.m must be a positive integer (got ${m})`, 'NUMERIC_INPUT', { m });
  if (lower.length !== n || upper.length !== n || fixed.length !== n) {
    throw new NumericError(`lower, upper and fixed must have one entry per parameter (${n})`, 'NUMERIC_INPUT', { n });
  }
  if (!Number.isInteger(maxIterations) || maxIterations < 0) {
    throw new NumericError(`maxIterations must be a non-negative integer (got ${maxIterations})`, 'NUMERIC_INPUT');
  }
  for (let j = 0; j < n; j++) {
    if (!Number.isFinite(initial[j]!)) throw new NumericError(`initial parameter ${j} is not finite (${initial[j]})`, 'NUMERIC_INPUT', { index: j });
    if (Number.isNaN(lower[j]!) || Number.isNaN(upper[j]!) || lower[j]! > upper[j]!) {
      throw new NumericError(`bounds of parameter ${j} are empty or NaN ([${lower[j]}, ${upper[j]}])`, 'NUMERIC_INPUT', { index: j });
    }
  }
}

function sumSquares(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return s;
}

type FreeJacobian = (p: Float64Array, out: Float64Array) => void;

/** The Jacobian of the free columns: analytic when the problem has one, forward differences otherwise. */
function makeJacobian(problem: LeastSquaresProblem, m: number, n: number, free: number[], lower: number[], upper: number[], typical: number[]): FreeJacobian {
  const nFree = free.length;
  if (problem.jacobian) {
    const full = new Float64Array(m * n);
    const analytic = problem.jacobian.bind(problem);
    return (p, out) => {
      analytic(p, full);
      for (let i = 0; i < m; i++) for (let k = 0; k < nFree; k++) out[i * nFree + k] = full[i * n + free[k]!]!;
    };
  }
  const r0 = new Float64Array(m);
  const r1 = new Float64Array(m);
  const shifted = new Float64Array(n);
  return (p, out) => {
    problem.residuals(p, r0);
    shifted.set(p);
    for (let k = 0; k < nFree; k++) {
      const j = free[k]!;
      // Stepping inward when the forward point would leave the box.
      let h = SQRT_EPS * Math.max(Math.abs(p[j]!), typical[j]!);
      if (p[j]! + h > upper[j]!) h = -h;
      if (p[j]! + h < lower[j]!) h = (upper[j]! - lower[j]!) / 2;
      shifted[j] = p[j]! + h;
      problem.residuals(shifted, r1);
      for (let i = 0; i < m; i++) out[i * nFree + k] = (r1[i]! - r0[i]!) / h;
      shifted[j] = p[j]!;
    }
  };
}

/**
 * The damped step of the inactive variables, written as the trial point into
 * `pTrial`. A variable whose step would cross a bound is put on that bound (a
 * variable already on it and pushed outward stays) and the step of the others
 * is recomputed with that displacement known, until none crosses: clipping
 * alone could turn the step into a direction that does not descend.
 * Returns whether any variable was put on a bound, or null when the damped
 * system was singular.
 */
function boxStep(
  jFree: Float64Array,
  r: Float64Array,
  base: Compressed,
  m: number,
  nFree: number,
  inactive: number[],
  d: Float64Array,
  lambda: number,
  p: Float64Array,
  free: number[],
  lower: number[],
  upper: number[],
  pTrial: Float64Array,
): boolean | null {
  pTrial.set(p);
  let moving = inactive;
  const rShifted = r.slice();
  while (moving.length > 0) {
    const system = moving === inactive ? base : compress(jFree, rShifted, m, nFree, moving, d);
    const step = dampedStep(system, lambda);
    if (step === null) return null;
    const stillMoving: number[] = [];
    for (let a = 0; a < moving.length; a++) {
      const k = moving[a]!;
      const j = free[k]!;
      const target = p[j]! + step[a]!;
      const bound = target < lower[j]! ? lower[j]! : target > upper[j]! ? upper[j]! : null;
      if (bound === null) {
        stillMoving.push(k);
        continue;
      }
      pTrial[j] = bound;
      const s = bound - p[j]!;
      for (let i = 0; i < m; i++) rShifted[i] = rShifted[i]! + jFree[i * nFree + k]! * s;
    }
    if (stillMoving.length === moving.length) {
      for (let a = 0; a < moving.length; a++) pTrial[free[moving[a]!]!] = p[free[moving[a]!]!]! + step[a]!;
      return moving !== inactive;
    }
    moving = stillMoving;
  }
  return true;
}

/** J_K D^-1 reduced to `rows` x k (R of its QR when m >= k) and the matching right-hand side. */
interface Compressed {
  top: Float64Array;
  rhsTop: Float64Array;
  rows: number;
  scale: number[];
}

/**
 * The least-squares system of the columns K in the scaled variable u = D s:
 * J_K D^-1 QR-compressed to its R factor (when it has more rows than columns),
 * so each damping trial only factorises a 2k x k matrix.
 */
function compress(jFree: Float64Array, r: Float64Array, m: number, nFree: number, columns: number[], d: Float64Array): Compressed {
  const k = columns.length;
  const scale = columns.map((c) => d[c]! || 1);
  const jK = new Float64Array(m * k);
  for (let i = 0; i < m; i++) for (let a = 0; a < k; a++) jK[i * k + a] = jFree[i * nFree + columns[a]!]! / scale[a]!;
  if (m < k) return { top: jK, rhsTop: r.slice(), rows: m, scale };
  const qr = QrDecomposition.of(jK, m, k);
  const rhs = r.slice();
  qr.applyQt(rhs);
  return { top: qr.r(), rhsTop: rhs.slice(0, k), rows: k, scale };
}

/**
 * Solves min ||J_K s + r||^2 + lambda ||D_K s||^2 as min ||[J_K D^-1; sqrt(lambda) I] u + [r; 0]||
 * with s = D^-1 u: the scaled system is well conditioned however different the
 * parameters' magnitudes. Null if it is still singular (lambda below
 * rounding), which the caller treats as a rejected step.
 */
function dampedStep(system: Compressed, lambda: number): Float64Array | null {
  const { top, rhsTop, rows, scale } = system;
  const k = scale.length;
  const a = new Float64Array((rows + k) * k);
  a.set(top);
  const rhs = new Float64Array(rows + k);
  for (let i = 0; i < rows; i++) rhs[i] = -rhsTop[i]!;
  const sqrtLambda = Math.sqrt(lambda);
  for (let t = 0; t < k; t++) a[(rows + t) * k + t] = sqrtLambda;
  const qr = QrDecomposition.of(a, rows + k, k);
  if (!qr.isFullRank()) return null;
  const u = qr.solve(rhs);
  for (let t = 0; t < k; t++) u[t] = u[t]! / scale[t]!;
  return u;
}

function covarianceAt(jacobian: FreeJacobian, p: Float64Array, m: number, n: number, free: number[], cost: number): { covariance: number[][] | null; stderr: number[] } {
  const nFree = free.length;
  const stderr = new Array<number>(n).fill(NaN);
  const dof = m - nFree;
  if (dof <= 0) return { covariance: null, stderr };
  const jFree = new Float64Array(m * nFree);
  jacobian(p, jFree);
  const inv = inverseNormalMatrix(jFree, m, nFree);
  if (!inv) return { covariance: null, stderr };
  const s2 = cost / dof;
  const covariance: number[][] = [];
  for (let a = 0; a < nFree; a++) {
    const row: number[] = [];
    for (let b = 0; b < nFree; b++) row.push(inv[a * nFree + b]! * s2);
    covariance.push(row);
    stderr[free[a]!] = Math.sqrt(Math.max(0, row[a]!));
  }
  return { covariance, stderr };
}
