import { isNumericError } from '../numeric/errors.js';
import { inverseNormalMatrix, leastSquares } from '../numeric/linalg.js';

/** One column of a linear model y = sum_j c_j f_j(x). */
export type BasisFunction = (x: number) => number;

/** A linear least-squares fit of y against a few basis functions of x. */
export interface BasisFit {
  readonly coefficients: Float64Array;
  /** The fitted y at x. */
  valueAt(x: number): number;
  /**
   * g^T (A^T A)^-1 g with g the basis at x: the variance of valueAt(x) per
   * unit noise variance (multiply by sigma^2 for the variance itself).
   */
  varianceFactorAt(x: number): number;
  /** Sum of squared residuals and its degrees of freedom (points - functions). */
  readonly rss: number;
  readonly dof: number;
}

/**
 * Least squares by Householder QR (src/analysis/numeric/linalg.ts). Returns
 * null instead of throwing when the points cannot determine the coefficients
 * (fewer points than functions, a non-finite value, rank deficiency), so the
 * GITT analysis can fall back to a simpler reading. Callers scale x (e.g. by
 * the pulse duration) so the columns are of order one.
 */
export function fitBasis(x: readonly number[], y: readonly number[], basis: readonly BasisFunction[]): BasisFit | null {
  const m = x.length;
  const n = basis.length;
  if (m < n || y.length !== m) return null;
  const a = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const value = basis[j]!(x[i]!);
      if (!Number.isFinite(value)) return null;
      a[i * n + j] = value;
    }
    if (!Number.isFinite(y[i]!)) return null;
  }
  let coefficients: Float64Array;
  try {
    coefficients = leastSquares(a, m, n, Float64Array.from(y));
  } catch (e) {
    if (isNumericError(e)) return null;
    throw e;
  }
  const covariance = inverseNormalMatrix(a, m, n);
  if (covariance === null || !coefficients.every(Number.isFinite)) return null;
  const row = (at: number) => basis.map((f) => f(at));
  const valueAt = (at: number) => row(at).reduce((sum, g, j) => sum + g * coefficients[j]!, 0);
  let rss = 0;
  for (let i = 0; i < m; i++) rss += (y[i]! - valueAt(x[i]!)) ** 2;
  return {
    coefficients,
    valueAt,
    varianceFactorAt(at) {
      const g = row(at);
      let sum = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sum += g[i]! * covariance[i * n + j]! * g[j]!;
      return sum;
    },
    rss,
    dof: m - n,
  };
}
