import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { nnls } from './nnls.js';
import { NumericError } from './errors.js';
import { leastSquares } from './linalg.js';

/** The Euclidean norm, without spreading a vector into Math.hypot's arguments. */
const norm = (v: ArrayLike<number>): number => Math.sqrt(Array.from(v).reduce((sum, x) => sum + x * x, 0));

describe('nnls (Lawson-Hanson)', () => {
  it('clips a negative unconstrained component to zero (identity matrix)', () => {
    const { x } = nnls(Float64Array.of(1, 0, 0, 1), 2, 2, Float64Array.of(1, -1));
    expect(Array.from(x)).toEqual([1, 0]);
  });

  it('solves a small case by hand', () => {
    // A = [[1, 1], [1, 2], [1, 3]], b = [3, 2, 1]: unconstrained slope -1 < 0, so the
    // constrained optimum is x = [mean(b), 0] = [2, 0].
    const { x } = nnls(Float64Array.of(1, 1, 1, 2, 1, 3), 3, 2, Float64Array.of(3, 2, 1));
    expect(x[0]).toBeCloseTo(2, 12);
    expect(x[1]).toBe(0);
  });

  it('equals unconstrained least squares when that solution is positive', () => {
    const a = Float64Array.of(2, 1, 1, 3, 0, 1, 1, 1);
    const truth = Float64Array.of(0.7, 1.3);
    const b = Float64Array.from({ length: 4 }, (_, i) => a[2 * i]! * truth[0]! + a[2 * i + 1]! * truth[1]! + (i % 2 ? 0.01 : -0.01));
    const ls = leastSquares(a, 4, 2, b);
    const { x } = nnls(a, 4, 2, b);
    expect(x[0]).toBeCloseTo(ls[0]!, 10);
    expect(x[1]).toBeCloseTo(ls[1]!, 10);
  });

  it('rejects inconsistent sizes with a typed error', () => {
    expect(() => nnls(new Float64Array(5), 2, 3, new Float64Array(2))).toThrow(NumericError);
  });

  it('satisfies the KKT conditions on random problems', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 8 }),
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 64, maxLength: 64 }),
        (n, extra, pool) => {
          const m = n + extra;
          const a = Float64Array.from({ length: m * n }, (_, i) => pool[i % 64]! + (Math.floor(i / n) === i % n ? 3 : 0));
          const b = Float64Array.from({ length: m }, (_, i) => pool[(i * 11 + 5) % 64]!);
          const { x } = nnls(a, m, n, b);
          const r = new Float64Array(m);
          for (let i = 0; i < m; i++) {
            let v = b[i]!;
            for (let j = 0; j < n; j++) v -= a[i * n + j]! * x[j]!;
            r[i] = v;
          }
          const scale = 1e-7 * (1 + norm(b)) * (1 + norm(a));
          for (let j = 0; j < n; j++) {
            let w = 0;
            for (let i = 0; i < m; i++) w += a[i * n + j]! * r[i]!;
            expect(x[j]!).toBeGreaterThanOrEqual(0);
            // Gradient of 1/2 |r|^2 is -w: zero on the passive set, w <= 0 where x is held at 0.
            if (x[j]! > 0) expect(Math.abs(w)).toBeLessThanOrEqual(scale);
            else expect(w).toBeLessThanOrEqual(scale);
          }
        },
      ),
    );
  });
});
