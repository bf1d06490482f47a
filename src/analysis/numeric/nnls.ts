import { NumericError } from './errors.js';
import { choleskyInPlace, choleskySolveInPlace } from './linalg.js';

/**
 * Non-negative least squares min ||A x - b|| subject to x >= 0, by the
 * active-set algorithm of Lawson & Hanson (1974, ch. 23) in the normal-equation
 * form of Bro & De Jong (1997, "FNNLS"): the passive-set subproblems are solved
 * by Cholesky on the cross products A^T A and A^T b, which is what makes a
 * Tikhonov DRT with a hundred unknowns and a scan over lambda affordable.
 * The price is the squared condition number: fine for regularised or
 * well-conditioned problems, which is what this is used for.
 */

export interface NnlsResult {
  x: Float64Array;
  /** outer iterations (variables released into the passive set) */
  iterations: number;
  /** true where x_j is free (passive), false where it is held at zero */
  passive: Uint8Array;
}

/** NNLS on the cross products: `ata` = A^T A (n x n, row-major), `atb` = A^T b. */
export function nnlsNormal(ata: Float64Array, atb: Float64Array, n: number): NnlsResult {
  if (ata.length !== n * n || atb.length !== n) throw new NumericError(`nnls: A^T A must be ${n} x ${n} and A^T b of length ${n}`, 'NUMERIC_INPUT', { n });
  for (let i = 0; i < ata.length; i++) if (!Number.isFinite(ata[i]!)) throw new NumericError('nnls: A^T A has non-finite entries', 'NUMERIC_INPUT');
  for (let i = 0; i < n; i++) if (!Number.isFinite(atb[i]!)) throw new NumericError('nnls: A^T b has non-finite entries', 'NUMERIC_INPUT');

  // Rounding in w = A^T (b - A x) is of order eps |A^T b|: smaller gradients are noise.
  const tol = 10 * Number.EPSILON * n * maxAbs(atb);
  const x = new Float64Array(n);
  const passive = new Uint8Array(n);
  const rejected = new Uint8Array(n);
  const w = atb.slice();
  const maxOuter = 3 * n + 10;
  let iterations = 0;

  while (iterations < maxOuter) {
    let best = -1;
    let bestW = tol;
    for (let j = 0; j < n; j++) if (!passive[j] && !rejected[j] && w[j]! > bestW) ((best = j), (bestW = w[j]!));
    if (best < 0) break;
    iterations++;
    passive[best] = 1;
    let s = solvePassive(ata, atb, n, passive);
    if (!s) {
      // Numerically dependent on the passive columns: leave it out this round.
      passive[best] = 0;
      rejected[best] = 1;
      continue;
    }
    rejected.fill(0);
    let inner = 0;
    while (s && minPassive(s, passive) <= 0 && inner++ < n) {
      // Step from x toward s until the first passive variable reaches zero.
      let alpha = Infinity;
      let limiting = -1;
      for (let j = 0; j < n; j++) {
        if (!passive[j] || s[j]! > 0) continue;
        const a = x[j]! / (x[j]! - s[j]!);
        if (a < alpha) ((alpha = a), (limiting = j));
      }
      for (let j = 0; j < n; j++) {
        if (!passive[j]) continue;
        x[j] = j === limiting ? 0 : x[j]! + alpha * (s[j]! - x[j]!);
        if (x[j]! <= 0) {
          x[j] = 0;
          passive[j] = 0;
        }
      }
      s = solvePassive(ata, atb, n, passive);
    }
    if (!s) throw new NumericError('nnls: passive subproblem became singular', 'NUMERIC_SINGULAR');
    x.set(s);
    for (let j = 0; j < n; j++) {
      let v = atb[j]!;
      for (let k = 0; k < n; k++) v -= ata[j * n + k]! * x[k]!;
      w[j] = v;
    }
  }
  return { x, iterations, passive };
}

/** NNLS for an explicit m x n matrix A (row-major) and b of length m. */
export function nnls(a: Float64Array, m: number, n: number, b: Float64Array): NnlsResult {
  if (a.length !== m * n || b.length !== m) throw new NumericError(`nnls: A must be ${m} x ${n} and b of length ${m}`, 'NUMERIC_INPUT', { m, n });
  const ata = new Float64Array(n * n);
  const atb = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    const bi = b[i]!;
    for (let j = 0; j < n; j++) {
      const aij = a[i * n + j]!;
      if (aij === 0) continue;
      atb[j] = atb[j]! + aij * bi;
      for (let k = j; k < n; k++) ata[j * n + k] = ata[j * n + k]! + aij * a[i * n + k]!;
    }
  }
  for (let j = 0; j < n; j++) for (let k = 0; k < j; k++) ata[j * n + k] = ata[k * n + j]!;
  return nnlsNormal(ata, atb, n);
}

function maxAbs(v: Float64Array): number {
  let m = 0;
  for (const x of v) m = Math.max(m, Math.abs(x));
  return m;
}

function minPassive(s: Float64Array, passive: Uint8Array): number {
  let m = Infinity;
  for (let j = 0; j < s.length; j++) if (passive[j]) m = Math.min(m, s[j]!);
  return m;
}

/** The unconstrained solution on the passive set (zeros elsewhere), or null if that subsystem is singular. */
function solvePassive(ata: Float64Array, atb: Float64Array, n: number, passive: Uint8Array): Float64Array | null {
  const idx: number[] = [];
  for (let j = 0; j < n; j++) if (passive[j]) idx.push(j);
  const k = idx.length;
  const sub = new Float64Array(k * k);
  const rhs = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    rhs[a] = atb[idx[a]!]!;
    for (let b = 0; b < k; b++) sub[a * k + b] = ata[idx[a]! * n + idx[b]!]!;
  }
  if (!choleskyInPlace(sub, k)) return null;
  choleskySolveInPlace(sub, k, rhs);
  const s = new Float64Array(n);
  for (let a = 0; a < k; a++) s[idx[a]!] = rhs[a]!;
  return s;
}
