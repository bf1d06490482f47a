import { NumericError } from './errors.js';

/**
 * Small dense linear algebra on row-major `Float64Array`s (element (i, j) of an
 * m x n matrix at `i * n + j`). Sized for fits with tens of parameters and up
 * to some thousands of rows: no blocking, no pivoting beyond what is noted.
 */

/**
 * Householder QR of an m x n matrix (m >= n), after JAMA: the Householder
 * vectors below the diagonal, R above it, R's diagonal kept apart. Solving
 * least squares through QR avoids squaring the condition number as the normal
 * equations would, which matters for the badly scaled Jacobians of EIS fits.
 */
export class QrDecomposition {
  private constructor(
    readonly m: number,
    readonly n: number,
    private readonly qr: Float64Array,
    private readonly rDiag: Float64Array,
  ) {}

  /** Factorises a copy of `a` (m x n, m >= n). */
  static of(a: Float64Array, m: number, n: number): QrDecomposition {
    if (m < n) throw new NumericError(`QR needs at least as many rows as columns (got ${m} x ${n})`, 'NUMERIC_INPUT', { m, n });
    if (a.length < m * n) throw new NumericError(`matrix of ${a.length} elements cannot be ${m} x ${n}`, 'NUMERIC_INPUT', { m, n });
    const qr = a.slice(0, m * n);
    const rDiag = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      let scale = 0;
      for (let i = k; i < m; i++) scale = Math.max(scale, Math.abs(qr[i * n + k]!));
      let nrm = 0;
      if (scale > 0) {
        let sum = 0;
        for (let i = k; i < m; i++) {
          const v = qr[i * n + k]! / scale;
          sum += v * v;
        }
        nrm = scale * Math.sqrt(sum);
      }
      if (nrm !== 0) {
        if (qr[k * n + k]! < 0) nrm = -nrm;
        for (let i = k; i < m; i++) qr[i * n + k] = qr[i * n + k]! / nrm;
        qr[k * n + k] = qr[k * n + k]! + 1;
        for (let j = k + 1; j < n; j++) {
          let s = 0;
          for (let i = k; i < m; i++) s += qr[i * n + k]! * qr[i * n + j]!;
          s = -s / qr[k * n + k]!;
          for (let i = k; i < m; i++) qr[i * n + j] = qr[i * n + j]! + s * qr[i * n + k]!;
        }
      }
      rDiag[k] = -nrm;
    }
    return new QrDecomposition(m, n, qr, rDiag);
  }

  /** True when no |R_kk| is below `relativeTolerance` times the largest. */
  isFullRank(relativeTolerance = 1e-13): boolean {
    let max = 0;
    for (const d of this.rDiag) max = Math.max(max, Math.abs(d));
    if (max === 0) return false;
    for (const d of this.rDiag) if (Math.abs(d) <= relativeTolerance * max) return false;
    return true;
  }

  /** Overwrites `b` (length m) with Q^T b. */
  applyQt(b: Float64Array): void {
    const { m, n, qr } = this;
    for (let k = 0; k < n; k++) {
      const hkk = qr[k * n + k]!;
      if (hkk === 0) continue;
      let s = 0;
      for (let i = k; i < m; i++) s += qr[i * n + k]! * b[i]!;
      s = -s / hkk;
      for (let i = k; i < m; i++) b[i] = b[i]! + s * qr[i * n + k]!;
    }
  }

  /** R (n x n, row-major, zeros below the diagonal). */
  r(): Float64Array {
    const { n, qr } = this;
    const r = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      r[i * n + i] = this.rDiag[i]!;
      for (let j = i + 1; j < n; j++) r[i * n + j] = qr[i * n + j]!;
    }
    return r;
  }

  /** The x minimising ||A x - b|| (b of length m, not modified). Throws if A is rank deficient. */
  solve(b: Float64Array): Float64Array {
    if (b.length !== this.m) throw new NumericError(`right-hand side has ${b.length} rows, matrix has ${this.m}`, 'NUMERIC_INPUT');
    if (!this.isFullRank()) throw new NumericError('matrix is rank deficient: least squares has no unique solution', 'NUMERIC_SINGULAR');
    const y = b.slice();
    this.applyQt(y);
    const { n, qr } = this;
    const x = y.subarray(0, n).slice();
    for (let k = n - 1; k >= 0; k--) {
      x[k] = x[k]! / this.rDiag[k]!;
      for (let i = 0; i < k; i++) x[i] = x[i]! - x[k]! * qr[i * n + k]!;
    }
    return x;
  }
}

/** Least squares min ||A x - b|| for an m x n matrix A (m >= n) by Householder QR. */
export function leastSquares(a: Float64Array, m: number, n: number, b: Float64Array): Float64Array {
  return QrDecomposition.of(a, m, n).solve(b);
}

/**
 * In-place Cholesky factorisation of a symmetric positive definite n x n
 * matrix: on success the lower triangle holds L with A = L L^T (the upper
 * triangle is left untouched). Returns false when A is not positive definite.
 */
export function choleskyInPlace(a: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!;
    for (let k = 0; k < j; k++) d -= a[j * n + k]! * a[j * n + k]!;
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    a[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= a[i * n + k]! * a[j * n + k]!;
      a[i * n + j] = s / ljj;
    }
  }
  return true;
}

/** Solves L L^T x = b in place in `b`, with L from `choleskyInPlace`. */
export function choleskySolveInPlace(l: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * b[k]!;
    b[i] = s / l[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * b[k]!;
    b[i] = s / l[i * n + i]!;
  }
}

/**
 * (A^T A)^-1 for an m x n matrix A of full column rank, through QR of A with
 * its columns scaled to unit norm (so the rank test is not fooled by
 * parameters of very different magnitudes). Null when A is rank deficient.
 */
export function inverseNormalMatrix(a: Float64Array, m: number, n: number): Float64Array | null {
  if (m < n) return null;
  const scale = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += a[i * n + j]! * a[i * n + j]!;
    scale[j] = Math.sqrt(s);
    if (!(scale[j]! > 0) || !Number.isFinite(scale[j]!)) return null;
  }
  const scaled = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) scaled[i * n + j] = a[i * n + j]! / scale[j]!;
  const qr = QrDecomposition.of(scaled, m, n);
  if (!qr.isFullRank(1e-12)) return null;
  const r = qr.r();
  // R^-1 (upper triangular) by back substitution, column by column.
  const rInv = new Float64Array(n * n);
  for (let col = 0; col < n; col++) {
    for (let i = col; i >= 0; i--) {
      let s = i === col ? 1 : 0;
      for (let k = i + 1; k <= col; k++) s -= r[i * n + k]! * rInv[k * n + col]!;
      rInv[i * n + col] = s / r[i * n + i]!;
    }
  }
  // (S^-1 R^-1)(S^-1 R^-1)^T, S the column scales.
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = Math.max(i, j); k < n; k++) s += rInv[i * n + k]! * rInv[j * n + k]!;
      const v = s / (scale[i]! * scale[j]!);
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
  return out;
}
