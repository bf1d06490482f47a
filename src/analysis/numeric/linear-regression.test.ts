import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NumericError } from './errors.js';
import { linearRegression } from './linear-regression.js';
import { codeOf } from '../error-code.test-support.js';

// Anscombe (1973), data set I: published fit y = 3.00 + 0.500 x, R^2 = 0.667,
// standard errors 1.125 (intercept) and 0.118 (slope).
const ANSCOMBE_X = [10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5];
const ANSCOMBE_Y = [8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68];


describe('linearRegression', () => {
  it('reproduces the published fit of Anscombe set I', () => {
    const fit = linearRegression(ANSCOMBE_X, ANSCOMBE_Y);
    expect(fit.intercept).toBeCloseTo(3.0001, 3);
    expect(fit.slope).toBeCloseTo(0.5001, 3);
    expect(fit.r2).toBeCloseTo(0.6665, 3);
    expect(fit.interceptStderr).toBeCloseTo(1.1247, 3);
    expect(fit.slopeStderr).toBeCloseTo(0.1179, 3);
    expect(fit.points).toBe(11);
    expect(fit.residuals[0]).toBeCloseTo(8.04 - (fit.intercept + fit.slope * 10), 12);
  });

  it('gives the same coefficients for a point of weight 2 as for that point twice', () => {
    const x = [1, 2, 3, 4, 5];
    const y = [1.1, 1.9, 3.2, 3.9, 5.3];
    const weighted = linearRegression(x, y, [1, 1, 2, 1, 1]);
    const duplicated = linearRegression([...x, 3], [...y, 3.2]);
    expect(weighted.slope).toBeCloseTo(duplicated.slope, 12);
    expect(weighted.intercept).toBeCloseTo(duplicated.intercept, 12);
  });

  it('does not change when all weights are scaled (they are relative)', () => {
    const a = linearRegression(ANSCOMBE_X, ANSCOMBE_Y, ANSCOMBE_X.map(() => 1));
    const b = linearRegression(ANSCOMBE_X, ANSCOMBE_Y, ANSCOMBE_X.map(() => 1e6));
    expect(b.slopeStderr).toBeCloseTo(a.slopeStderr, 12);
    expect(b.interceptStderr).toBeCloseTo(a.interceptStderr, 12);
  });

  it('keeps precision for x far from zero (1/T around 3e-3)', () => {
    const x = [1 / 300, 1 / 320, 1 / 340, 1 / 360];
    const y = x.map((xi) => -2 + 4000 * xi);
    const fit = linearRegression(x, y);
    expect(fit.slope).toBeCloseTo(4000, 6);
    expect(fit.intercept).toBeCloseTo(-2, 9);
    expect(fit.r2).toBeCloseTo(1, 12);
  });

  it('refuses fewer than 3 points, mismatched arrays, NaN, bad weights and equal x with typed errors', () => {
    expect(codeOf(() => linearRegression([1, 2], [1, 2]))).toBe('NUMERIC_INPUT');
    expect(codeOf(() => linearRegression([1, 2, 3], [1, 2]))).toBe('NUMERIC_INPUT');
    expect(codeOf(() => linearRegression([1, 2, Number.NaN], [1, 2, 3]))).toBe('NUMERIC_INPUT');
    expect(codeOf(() => linearRegression([1, 2, 3], [1, 2, 3], [1, 0, 1]))).toBe('NUMERIC_INPUT');
    expect(codeOf(() => linearRegression([2, 2, 2], [1, 2, 3]))).toBe('NUMERIC_SINGULAR');
  });

  it('recovers any exact line', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e3, max: 1e3, noNaN: true }),
        fc.double({ min: -1e3, max: 1e3, noNaN: true }),
        fc.uniqueArray(fc.integer({ min: -1000, max: 1000 }), { minLength: 3, maxLength: 30 }),
        (a, b, xs) => {
          const fit = linearRegression(xs, xs.map((x) => a + b * x));
          expect(fit.slope).toBeCloseTo(b, 6);
          expect(fit.intercept).toBeCloseTo(a, 4);
        },
      ),
    );
  });

  it('on arbitrary input returns finite results or a typed error, never anything else', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double(), fc.double())), (pairs) => {
        try {
          const fit = linearRegression(
            pairs.map((p) => p[0]),
            pairs.map((p) => p[1]),
          );
          expect(Number.isFinite(fit.slope) && Number.isFinite(fit.intercept) && Number.isFinite(fit.slopeStderr)).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(NumericError);
        }
      }),
    );
  });
});

describe('linearRegression at the edges of double precision', () => {
  it('refuses an x spread whose square underflows, found by the property test', () => {
    expect(codeOf(() => linearRegression([0, 0, 2.3575916770539433e-162], [0, 0, -1.4600096599955443e-7]))).toBe('NUMERIC_INPUT');
  });
});
