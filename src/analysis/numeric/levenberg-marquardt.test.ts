import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { levenbergMarquardt, type LeastSquaresProblem } from './levenberg-marquardt.js';
import { NumericError } from './errors.js';

/** Rosenbrock as least squares: r = (10 (y - x^2), 1 - x), minimum 0 at (1, 1). */
const rosenbrock = (analytic: boolean): LeastSquaresProblem => ({
  m: 2,
  residuals(p, out) {
    out[0] = 10 * (p[1]! - p[0]! ** 2);
    out[1] = 1 - p[0]!;
  },
  ...(analytic
    ? {
        jacobian(p: Float64Array, out: Float64Array) {
          out[0] = -20 * p[0]!;
          out[1] = 10;
          out[2] = -1;
          out[3] = 0;
        },
      }
    : {}),
});

/** A deterministic pseudo-random sequence for test data (no Math.random in tests). */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

describe('levenbergMarquardt', () => {
  it.each([true, false])('finds the Rosenbrock minimum from (-1.2, 1) (analytic Jacobian: %s)', (analytic) => {
    const res = levenbergMarquardt(rosenbrock(analytic), [-1.2, 1]);
    expect(res.converged).toBe(true);
    expect(res.parameters[0]).toBeCloseTo(1, 6);
    expect(res.parameters[1]).toBeCloseTo(1, 6);
    expect(res.cost).toBeLessThan(1e-12);
    expect(res.atBound).toEqual([false, false]);
  });

  it('fits a straight line with the closed-form OLS estimates and standard errors', () => {
    const rnd = noise(7);
    const t = Array.from({ length: 25 }, (_, i) => i * 0.4);
    const y = t.map((ti) => 1.5 + 0.75 * ti + 0.2 * rnd());
    const problem: LeastSquaresProblem = {
      m: t.length,
      residuals(p, out) {
        t.forEach((ti, i) => (out[i] = p[0]! + p[1]! * ti - y[i]!));
      },
    };
    const res = levenbergMarquardt(problem, [0, 0]);
    const n = t.length;
    const tMean = t.reduce((a, b) => a + b) / n;
    const yMean = y.reduce((a, b) => a + b) / n;
    const sxx = t.reduce((a, ti) => a + (ti - tMean) ** 2, 0);
    const sxy = t.reduce((a, ti, i) => a + (ti - tMean) * (y[i]! - yMean), 0);
    const slope = sxy / sxx;
    const intercept = yMean - slope * tMean;
    const rss = t.reduce((a, ti, i) => a + (y[i]! - intercept - slope * ti) ** 2, 0);
    const s2 = rss / (n - 2);
    expect(res.parameters[0]).toBeCloseTo(intercept, 8);
    expect(res.parameters[1]).toBeCloseTo(slope, 8);
    expect(res.cost).toBeCloseTo(rss, 10);
    expect(res.stderr[1]! / Math.sqrt(s2 / sxx)).toBeCloseTo(1, 6);
    expect(res.stderr[0]! / Math.sqrt(s2 * (1 / n + tMean ** 2 / sxx))).toBeCloseTo(1, 6);
    expect(res.covariance![0]![1]! / (-tMean * s2 / sxx)).toBeCloseTo(1, 6);
  });

  it('recovers an exponential decay from noisy data within its standard errors', () => {
    const rnd = noise(11);
    const t = Array.from({ length: 40 }, (_, i) => i * 0.25);
    const y = t.map((ti) => 3 * Math.exp(-ti / 2.5) + 0.5 + 0.01 * rnd());
    const problem: LeastSquaresProblem = {
      m: t.length,
      residuals(p, out) {
        t.forEach((ti, i) => (out[i] = p[0]! * Math.exp(-ti / p[1]!) + p[2]! - y[i]!));
      },
    };
    const res = levenbergMarquardt(problem, [1, 1, 0]);
    expect(res.converged).toBe(true);
    [3, 2.5, 0.5].forEach((truth, j) => expect(Math.abs(res.parameters[j]! - truth)).toBeLessThan(5 * res.stderr[j]! + 1e-9));
  });

  it('stops on an upper bound and reports it (bounded Rosenbrock, x <= 0.5 gives (0.5, 0.25))', () => {
    const res = levenbergMarquardt(rosenbrock(true), [-1.2, 1], { upper: [0.5, Infinity] });
    expect(res.converged).toBe(true);
    expect(res.parameters[0]).toBe(0.5);
    expect(res.parameters[1]).toBeCloseTo(0.25, 8);
    expect(res.atBound).toEqual([true, false]);
    expect(res.cost).toBeCloseTo(0.25, 8);
  });

  it('clips an initial point outside the box and stays inside', () => {
    const res = levenbergMarquardt(rosenbrock(false), [5, 5], { lower: [-2, -1], upper: [0, 0.5] });
    expect(res.parameters[0]).toBeGreaterThanOrEqual(-2);
    expect(res.parameters[0]).toBeLessThanOrEqual(0);
    expect(res.parameters[1]).toBeLessThanOrEqual(0.5);
    // On x <= 0 the best is x = 0, y = 0 (cost 1).
    expect(res.parameters[0]).toBeCloseTo(0, 6);
    expect(res.cost).toBeCloseTo(1, 8);
  });

  it('holds fixed parameters and gives them NaN standard errors', () => {
    // x fixed at 0.5: r = (10 (y - 0.25), 0.5), so y = 0.25, cost = 0.25 and, with one
    // degree of freedom, var(y) = (J^T J)^-1 s^2 = 0.25 / 100.
    const res = levenbergMarquardt(rosenbrock(true), [0.5, 3], { fixed: [true, false] });
    expect(res.parameters[0]).toBe(0.5);
    expect(res.parameters[1]).toBeCloseTo(0.25, 8);
    expect(res.cost).toBeCloseTo(0.25, 12);
    expect(Number.isNaN(res.stderr[0]!)).toBe(true);
    expect(res.covariance).toHaveLength(1);
    expect(res.covariance![0]![0]).toBeCloseTo(0.0025, 12);
    expect(res.stderr[1]).toBeCloseTo(0.05, 10);
  });

  it('has no covariance without degrees of freedom', () => {
    const res = levenbergMarquardt(rosenbrock(true), [-1.2, 1]);
    expect(res.covariance).toBeNull();
    expect(res.stderr.every(Number.isNaN)).toBe(true);
  });

  it('treats non-finite trial residuals as a rejected step', () => {
    // r = ln(p) - ln(2): the Gauss-Newton step from p = 10 lands at p < 0, where ln is NaN.
    const problem: LeastSquaresProblem = { m: 1, residuals: (p, out) => void (out[0] = Math.log(p[0]!) - Math.log(2)) };
    const res = levenbergMarquardt(problem, [10]);
    expect(res.converged).toBe(true);
    expect(res.parameters[0]).toBeCloseTo(2, 8);
  });

  it('rejects inconsistent options with typed errors', () => {
    expect(() => levenbergMarquardt(rosenbrock(true), [0, 0], { lower: [0] })).toThrow(NumericError);
    expect(() => levenbergMarquardt(rosenbrock(true), [0, 0], { lower: [1, 0], upper: [0, 1] })).toThrow(NumericError);
    expect(() => levenbergMarquardt(rosenbrock(true), [Number.NaN, 0])).toThrow(NumericError);
  });

  it('matches linear least squares on random linear problems, inside random boxes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 24, maxLength: 24 }),
        fc.double({ min: -2, max: 0, noNaN: true }),
        (pool, lo) => {
          // r_i = a0 + a1 t_i - y_i with t_i = i: a well-conditioned 2-parameter problem.
          const y = pool.slice(0, 12);
          const problem: LeastSquaresProblem = { m: 12, residuals: (p, out) => y.forEach((yi, i) => (out[i] = p[0]! + p[1]! * i - yi)) };
          const res = levenbergMarquardt(problem, [0, 0], { lower: [lo, lo], upper: [1, 1] });
          for (const v of res.parameters) {
            expect(v).toBeGreaterThanOrEqual(lo);
            expect(v).toBeLessThanOrEqual(1);
          }
          // Optimality in the box: no feasible coordinate move lowers the cost.
          const cost = (p: number[]) => y.reduce((a, yi, i) => a + (p[0]! + p[1]! * i - yi) ** 2, 0);
          for (let j = 0; j < 2; j++) {
            for (const h of [1e-4, -1e-4]) {
              const q = res.parameters.slice();
              q[j] = Math.min(1, Math.max(lo, q[j]! + h));
              expect(cost(q)).toBeGreaterThanOrEqual(res.cost - 1e-9);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
