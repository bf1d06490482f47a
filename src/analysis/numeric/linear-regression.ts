import { NumericError } from './errors.js';

/** y = intercept + slope * x by (weighted) ordinary least squares. */
export interface LinearFit {
  readonly intercept: number;
  readonly slope: number;
  readonly interceptStderr: number;
  readonly slopeStderr: number;
  /** Covariance of intercept and slope, for propagating both into a derived value. */
  readonly covariance: number;
  /** Coefficient of determination (weighted when weights are given). */
  readonly r2: number;
  /** y - fitted y, in input order. */
  readonly residuals: Float64Array;
  readonly points: number;
}

/**
 * Fits y = a + b x. `weights` are relative (e.g. 1/sigma^2): the standard
 * errors are scaled by the residual variance, as numpy's polyfit(cov=True) and
 * scipy's curve_fit(absolute_sigma=False) do, so multiplying all weights by a
 * constant changes nothing. At least 3 points: with 2 the line is exact and
 * has no standard errors. Throws a NumericError: `NUMERIC_INPUT` for too few
 * or non-finite points, `NUMERIC_SINGULAR` when all x are equal.
 */
export function linearRegression(x: ArrayLike<number>, y: ArrayLike<number>, weights?: ArrayLike<number>): LinearFit {
  const n = x.length;
  if (y.length !== n || (weights !== undefined && weights.length !== n)) {
    throw new NumericError(`linear regression: x has ${n} values, y ${y.length}${weights ? `, weights ${weights.length}` : ''}`, 'NUMERIC_INPUT', {
      x: n,
      y: y.length,
    });
  }
  if (n < 3) throw new NumericError(`linear regression needs at least 3 points, got ${n}`, 'NUMERIC_INPUT', { points: n });
  const w = (i: number) => (weights === undefined ? 1 : weights[i]!);
  let sw = 0;
  let swx = 0;
  let swy = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    const yi = y[i]!;
    const wi = w(i);
    if (!Number.isFinite(xi) || !Number.isFinite(yi)) {
      throw new NumericError(`linear regression: point ${i} (x=${xi}, y=${yi}) is not finite`, 'NUMERIC_INPUT', { index: i });
    }
    if (!(wi > 0) || !Number.isFinite(wi)) {
      throw new NumericError(`linear regression: weight ${i} is ${wi}, must be finite and > 0`, 'NUMERIC_INPUT', { index: i });
    }
    sw += wi;
    swx += wi * xi;
    swy += wi * yi;
  }
  // Centred sums: the plain normal equations lose digits when x is far from 0 (1/T ~ 3e-3).
  const xMean = swx / sw;
  const yMean = swy / sw;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - xMean;
    const dy = y[i]! - yMean;
    sxx += w(i) * dx * dx;
    sxy += w(i) * dx * dy;
    syy += w(i) * dy * dy;
  }
  if (!(sxx > 0)) throw new NumericError('linear regression: all x values are equal, the slope is undetermined', 'NUMERIC_SINGULAR', { x: xMean });
  const slope = sxy / sxx;
  const intercept = yMean - slope * xMean;
  const residuals = new Float64Array(n);
  let ssRes = 0;
  for (let i = 0; i < n; i++) {
    const r = y[i]! - (intercept + slope * x[i]!);
    residuals[i] = r;
    ssRes += w(i) * r * r;
  }
  const variance = ssRes / (n - 2);
  const interceptStderr = Math.sqrt(variance * (1 / sw + (xMean * xMean) / sxx));
  const slopeStderr = Math.sqrt(variance / sxx);
  const covariance = (-xMean * variance) / sxx;
  // A spread of x near the bottom of the double range (1e-162 squared) leaves finite sums but no usable errors.
  if (![slope, intercept, variance, interceptStderr, slopeStderr, covariance].every(Number.isFinite)) {
    throw new NumericError('linear regression: values beyond the range of double precision', 'NUMERIC_INPUT', { slope, intercept });
  }
  return {
    intercept,
    slope,
    interceptStderr,
    slopeStderr,
    covariance,
    // A flat y is fitted exactly by a flat line.
    r2: syy > 0 ? 1 - ssRes / syy : 1,
    residuals,
    points: n,
  };
}
