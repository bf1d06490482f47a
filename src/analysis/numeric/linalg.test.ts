import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { QrDecomposition, choleskyInPlace, choleskySolveInPlace, inverseNormalMatrix, leastSquares } from './linalg.js';
import { NumericError } from './errors.js';

/** The Euclidean norm, without spreading a vector into Math.hypot's arguments. */
const norm = (v: ArrayLike<number>): number => Math.sqrt(Array.from(v).reduce((sum, x) => sum + x * x, 0));

function matVec(a: Float64Array, m: number, n: number, x: Float64Array): Float64Array {
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) y[i] = y[i]! + a[i * n + j]! * x[j]!;
  return y;
}

describe('QR least squares', () => {
  it('solves a square system exactly', () => {
    // 2x + y = 5, x - 3y = -8  ->  x = 1, y = 3
    const x = leastSquares(Float64Array.of(2, 1, 1, -3), 2, 2, Float64Array.of(5, -8));
    expect(x[0]).toBeCloseTo(1, 12);
    expect(x[1]).toBeCloseTo(3, 12);
  });

  it('fits a straight line through points not on one (textbook normal-equation answer)', () => {
    // points (0,1) (1,2) (2,2) (3,4): slope = Sxy/Sxx = 4.5/5 = 0.9, intercept = 2.25 - 0.9*1.5 = 0.9
    const a = Float64Array.of(1, 0, 1, 1, 1, 2, 1, 3);
    const x = leastSquares(a, 4, 2, Float64Array.of(1, 2, 2, 4));
    expect(x[0]).toBeCloseTo(0.9, 12);
    expect(x[1]).toBeCloseTo(0.9, 12);
  });

  it('reports rank deficiency as a typed error', () => {
    const a = Float64Array.of(1, 2, 2, 4, 3, 6);
    expect(() => leastSquares(a, 3, 2, Float64Array.of(1, 2, 3))).toThrow(NumericError);
    expect(QrDecomposition.of(a, 3, 2).isFullRank()).toBe(false);
  });

  it('rejects more columns than rows', () => {
    expect(() => QrDecomposition.of(new Float64Array(6), 2, 3)).toThrow(NumericError);
  });

  it('residual of the solution is orthogonal to the columns (random full-rank systems)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 6 }),
        fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 200, maxLength: 200 }),
        (n, extra, pool) => {
          const m = n + extra;
          const a = Float64Array.from({ length: m * n }, (_, i) => pool[i % pool.length]! + (i % (n + 1) === 0 ? 20 : 0));
          const b = Float64Array.from({ length: m }, (_, i) => pool[(i * 7 + 3) % pool.length]!);
          const qr = QrDecomposition.of(a, m, n);
          if (!qr.isFullRank(1e-8)) return;
          const x = qr.solve(b);
          const r = matVec(a, m, n, x).map((v, i) => v - b[i]!);
          for (let j = 0; j < n; j++) {
            let dot = 0;
            let colNorm = 0;
            for (let i = 0; i < m; i++) ((dot += a[i * n + j]! * r[i]!), (colNorm += a[i * n + j]! ** 2));
            const bNorm = norm(b);
            expect(Math.abs(dot)).toBeLessThanOrEqual(1e-8 * Math.sqrt(colNorm) * (bNorm + 1));
          }
        },
      ),
    );
  });
});

describe('Cholesky', () => {
  it('solves an SPD system', () => {
    // A = [[4, 2], [2, 3]], b = [2, 1] -> x = [0.5, 0]
    const a = Float64Array.of(4, 2, 2, 3);
    expect(choleskyInPlace(a, 2)).toBe(true);
    const b = Float64Array.of(2, 1);
    choleskySolveInPlace(a, 2, b);
    expect(b[0]).toBeCloseTo(0.5, 14);
    expect(b[1]).toBeCloseTo(0, 14);
  });

  it('refuses a matrix that is not positive definite', () => {
    expect(choleskyInPlace(Float64Array.of(1, 2, 2, 1), 2)).toBe(false);
  });
});

describe('inverseNormalMatrix', () => {
  it('equals the inverse of A^T A, also for badly scaled columns', () => {
    // A = [[1, 0], [1, 1e-9], [1, 2e-9]]: A^T A = [[3, 3e-9], [3e-9, 5e-18]], det = 6e-18
    const a = Float64Array.of(1, 0, 1, 1e-9, 1, 2e-9);
    const inv = inverseNormalMatrix(a, 3, 2)!;
    expect(inv).not.toBeNull();
    const det = 3 * 5e-18 - 3e-9 * 3e-9;
    expect(inv[0]! / (5e-18 / det)).toBeCloseTo(1, 9);
    expect(inv[1]! / (-3e-9 / det)).toBeCloseTo(1, 9);
    expect(inv[3]! / (3 / det)).toBeCloseTo(1, 9);
  });

  it('is null for dependent columns', () => {
    expect(inverseNormalMatrix(Float64Array.of(1, 2, 2, 4, 3, 6), 3, 2)).toBeNull();
  });
});
