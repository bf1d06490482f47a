import { QrDecomposition } from '../numeric/linalg.js';
import { EisError } from './errors.js';
import { assertValidSpectrum, type ImpedanceSpectrum } from './spectrum.js';

/**
 * Kramers-Kronig validation by the linear "Lin-KK" test of Schönleber,
 * Klotz & Ivers-Tiffée (Electrochim. Acta 131 (2014) 20-27): fit
 *   Z = R0 + j omega L + 1/(j omega C) + sum_k R_k / (1 + j omega tau_k)
 * with M time constants log-spaced from 1/omega_max to 1/omega_min. The fit is
 * linear in R0, L, 1/C and the R_k, weighted by 1/|Z| (modulus weighting).
 * M grows until the over-fitting measure mu = 1 - sum|R_k<0| / sum|R_k>=0|
 * drops below c (0.85): more elements would start fitting noise. A spectrum
 * is KK-consistent when every residual, relative to |Z|, is within the limit.
 * The series capacitance lets blocking (capacitive) low-frequency tails pass,
 * as in impedance.py's `add_cap` option.
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
/** R0, L and 1/C besides the RC elements. */
const EXTRA_TERMS = 3;

export function linKk(spectrum: ImpedanceSpectrum, options: LinKkOptions = {}): LinKkResult {
  const c = options.c ?? DEFAULTS.c;
  const limit = options.maxResidual ?? DEFAULTS.maxResidual;
  assertValidSpectrum(spectrum, 3);
  const n = spectrum.frequencyHz.length;
  const maxM = Math.min(options.maxM ?? DEFAULTS.maxM, 2 * n - EXTRA_TERMS - 1);
  if (maxM < 2) throw new EisError(`Lin-KK needs more points than ${n}`, 'EIS_DATA', { points: n });
  if (!(c > 0 && c < 1)) throw new EisError(`Lin-KK threshold c = ${c} must be in (0, 1)`, 'EIS_PARAMETER');

  let fit = fitLinKk(spectrum, 2);
  for (let m = 3; m <= maxM && fit.mu >= c; m++) {
    const next = fitLinKk(spectrum, m);
    // Time constants closer than the data can tell apart: more elements add nothing.
    if (next === null) break;
    fit = next;
  }

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

function fitLinKk(spectrum: ImpedanceSpectrum, m: 2): LinKkFit;
function fitLinKk(spectrum: ImpedanceSpectrum, m: number): LinKkFit | null;
function fitLinKk(spectrum: ImpedanceSpectrum, m: number): LinKkFit | null {
  const n = spectrum.frequencyHz.length;
  const omega = spectrum.frequencyHz.map((f) => 2 * Math.PI * f);
  let omegaMin = Infinity;
  let omegaMax = 0;
  for (const w of omega) ((omegaMin = Math.min(omegaMin, w)), (omegaMax = Math.max(omegaMax, w)));
  const tauMin = 1 / omegaMax;
  const tauMax = 1 / omegaMin;
  const tauS = Float64Array.from({ length: m }, (_, k) => tauMin * (tauMax / tauMin) ** (k / (m - 1)));

  // Columns: R0, L, 1/C, R_1..R_M; rows: real parts then imaginary parts, each / |Z|.
  const cols = m + EXTRA_TERMS;
  const a = new Float64Array(2 * n * cols);
  const b = new Float64Array(2 * n);
  // Scale L and 1/C columns so every column is O(1) and the QR rank test is meaningful.
  const lScale = 1 / omegaMax;
  const cScale = omegaMin;
  for (let i = 0; i < n; i++) {
    const w = omega[i]!;
    const mod = Math.hypot(spectrum.zRe[i]!, spectrum.zIm[i]!);
    const re = i * cols;
    const im = (n + i) * cols;
    a[re] = 1 / mod;
    a[im + 1] = (w * lScale) / mod;
    a[im + 2] = -cScale / (w * mod);
    for (let k = 0; k < m; k++) {
      const x = w * tauS[k]!;
      const d = 1 + x * x;
      a[re + EXTRA_TERMS + k] = 1 / d / mod;
      a[im + EXTRA_TERMS + k] = -x / d / mod;
    }
    b[i] = spectrum.zRe[i]! / mod;
    b[n + i] = spectrum.zIm[i]! / mod;
  }
  const qr = QrDecomposition.of(a, 2 * n, cols);
  if (!qr.isFullRank()) {
    if (m === 2) throw new EisError('Lin-KK: the spectrum cannot determine even two RC elements', 'EIS_DATA');
    return null;
  }
  const x = qr.solve(b);
  const resistanceOhm = x.slice(EXTRA_TERMS);
  let positive = 0;
  let negative = 0;
  for (const r of resistanceOhm) r >= 0 ? (positive += r) : (negative -= r);
  const mu = positive > 0 ? 1 - negative / positive : 0;

  const zRe = new Float64Array(n);
  const zIm = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const w = omega[i]!;
    let re = x[0]!;
    let im = x[1]! * lScale * w - (x[2]! * cScale) / w;
    for (let k = 0; k < m; k++) {
      const t = w * tauS[k]!;
      const d = 1 + t * t;
      re += resistanceOhm[k]! / d;
      im -= (resistanceOhm[k]! * t) / d;
    }
    zRe[i] = re;
    zIm[i] = im;
  }
  return { tauS, resistanceOhm, mu, zRe, zIm };
}
