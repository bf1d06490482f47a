import { QrDecomposition } from '../numeric/linalg.js';
import { EisError } from './errors.js';
import { angularFrequencies, assertValidSpectrum, type ImpedanceSpectrum } from './spectrum.js';
import { extent } from '../../core/extent.js';

/**
 * Kramers-Kronig validation by the linear "Lin-KK" test of Schönleber,
 * Klotz & Ivers-Tiffée (Electrochim. Acta 131 (2014) 20-27): fit
 *   Z = R0 + j omega L + 1/(j omega C) + sum_k R_k / (1 + j omega tau_k)
 * with M time constants log-spaced from 1/omega_max to 1/omega_min, to the
 * real and imaginary parts at once, linear in R0, L, 1/C and the R_k,
 * weighted by 1/|Z|. The series capacitance lets blocking (capacitive)
 * low-frequency tails pass (impedance.py's `add_cap`); L absorbs cable
 * inductance.
 *
 * M is chosen with the over-fitting measure mu = 1 - sum|R_k<0| / sum|R_k>=0|:
 * the first M from which mu stays below c (0.85) for this and the next
 * SUSTAIN values of M. Taking the first M with mu < c, as the paper does,
 * stops too early on spectra with sharp arcs over a wide window: while the RC
 * elements are still decades apart they ring around an arc with alternating
 * signs, mu dips for an M or two with residuals of tens of %, and rises again.
 * Over-fitting proper makes mu fall for good.
 *
 * A spectrum is KK-consistent when every residual, relative to |Z|, is within
 * the limit.
 */

export interface LinKkOptions {
  /** mu threshold (default 0.85, Schönleber 2014) */
  c?: number;
  /** most RC elements tried (default 50, at most what the points support) */
  maxM?: number;
  /** largest |residual|/|Z| that passes (default 0.01: 1 %) */
  maxResidual?: number;
}

export interface LinKkResult {
  /** RC elements used */
  M: number;
  mu: number;
  pass: boolean;
  /** largest |real or imaginary residual| / |Z| */
  maxResidual: number;
  /** (Z_data - Z_fit)/|Z_data| per point */
  residuals: { real: Float64Array; imag: Float64Array };
  tauS: Float64Array;
  resistanceOhm: Float64Array;
}

const DEFAULTS = { c: 0.85, maxM: 50, maxResidual: 0.01 };
/** mu must stay below c for this many further M. */
const SUSTAIN = 3;
/** R0, L and 1/C besides the RC elements. */
const EXTRA = 3;

export function linKk(spectrum: ImpedanceSpectrum, options: LinKkOptions = {}): LinKkResult {
  const c = options.c ?? DEFAULTS.c;
  const limit = options.maxResidual ?? DEFAULTS.maxResidual;
  assertValidSpectrum(spectrum, 3);
  const n = spectrum.frequencyHz.length;
  const maxM = Math.min(options.maxM ?? DEFAULTS.maxM, 2 * n - EXTRA);
  if (maxM < 2) throw new EisError(`Lin-KK needs more points than ${n}`, 'EIS_DATA', { points: n });
  if (!(c > 0 && c < 1)) throw new EisError(`Lin-KK threshold c = ${c} must be in (0, 1)`, 'EIS_PARAMETER');

  const model = new LinKkModel(spectrum);
  const fits: LinKkFit[] = [];
  for (let m = 2; m <= maxM; m++) {
    const fit = model.fit(m);
    // Time constants closer than the data can tell apart: more elements add nothing.
    if (fit === null) break;
    fits.push(fit);
    const from = fits.length - 1 - SUSTAIN;
    if (from >= 0 && fits.slice(from).every((f) => f.mu < c)) break;
  }
  if (fits.length === 0) throw new EisError('Lin-KK: the spectrum cannot determine even two RC elements', 'EIS_DATA');
  // The first fit of the final run of mu < c, or the largest M tried.
  let chosen = fits.length - 1;
  while (chosen > 0 && fits[chosen - 1]!.mu < c && fits[chosen]!.mu < c) chosen--;
  const fit = fits[chosen]!.mu < c ? fits[chosen]! : fits[fits.length - 1]!;

  const real = new Float64Array(n);
  const imag = new Float64Array(n);
  let maxResidual = 0;
  for (let i = 0; i < n; i++) {
    const mod = Math.hypot(spectrum.zRe[i]!, spectrum.zIm[i]!);
    real[i] = (spectrum.zRe[i]! - fit.zRe[i]!) / mod;
    imag[i] = (spectrum.zIm[i]! - fit.zIm[i]!) / mod;
    maxResidual = Math.max(maxResidual, Math.abs(real[i]!), Math.abs(imag[i]!));
  }
  return { M: fit.tauS.length, mu: fit.mu, pass: maxResidual <= limit, maxResidual, residuals: { real, imag }, tauS: fit.tauS, resistanceOhm: fit.resistanceOhm };
}

interface LinKkFit {
  tauS: Float64Array;
  resistanceOhm: Float64Array;
  mu: number;
  zRe: Float64Array;
  zIm: Float64Array;
}

class LinKkModel {
  private readonly omega: Float64Array;
  private readonly modulus: Float64Array;
  private readonly omegaMin: number;
  private readonly omegaMax: number;

  constructor(private readonly spectrum: ImpedanceSpectrum) {
    this.omega = angularFrequencies(spectrum.frequencyHz);
    this.modulus = spectrum.zRe.map((re, i) => Math.hypot(re, spectrum.zIm[i]!));
    const range = extent(this.omega)!;
    this.omegaMin = range.min;
    this.omegaMax = range.max;
  }

  /** The fit with m RC elements, or null when the design matrix is rank deficient. */
  fit(m: number): LinKkFit | null {
    const { omega, modulus, spectrum, omegaMin, omegaMax } = this;
    const n = omega.length;
    const tauS = Float64Array.from({ length: m }, (_, k) => (1 / omegaMax) * (omegaMax / omegaMin) ** (k / (m - 1)));
    // Columns R0, L, 1/C, R_1..R_M; rows: real parts then imaginary parts, each / |Z|.
    // L and 1/C are scaled by omega_max and omega_min so every column is O(1)
    // and the QR rank test compares like with like.
    const cols = EXTRA + m;
    const a = new Float64Array(2 * n * cols);
    const b = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const w = omega[i]!;
      const re = i * cols;
      const im = (n + i) * cols;
      a[re] = 1 / modulus[i]!;
      a[im + 1] = w / omegaMax / modulus[i]!;
      a[im + 2] = -omegaMin / w / modulus[i]!;
      for (let k = 0; k < m; k++) {
        const x = w * tauS[k]!;
        a[re + EXTRA + k] = 1 / (1 + x * x) / modulus[i]!;
        a[im + EXTRA + k] = -x / (1 + x * x) / modulus[i]!;
      }
      b[i] = spectrum.zRe[i]! / modulus[i]!;
      b[n + i] = spectrum.zIm[i]! / modulus[i]!;
    }
    const qr = QrDecomposition.of(a, 2 * n, cols);
    if (!qr.isFullRank()) return null;
    const x = qr.solve(b);
    const resistanceOhm = x.slice(EXTRA);
    let positive = 0;
    let negative = 0;
    for (const r of resistanceOhm) r >= 0 ? (positive += r) : (negative -= r);
    const mu = positive > 0 ? 1 - negative / positive : 0;

    // The model at the data: the design matrix times x, unweighted.
    const zRe = new Float64Array(n);
    const zIm = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let re = 0;
      let im = 0;
      for (let j = 0; j < cols; j++) {
        re += a[i * cols + j]! * x[j]!;
        im += a[(n + i) * cols + j]! * x[j]!;
      }
      zRe[i] = re * modulus[i]!;
      zIm[i] = im * modulus[i]!;
    }
    return { tauS, resistanceOhm, mu, zRe, zIm };
  }
}
