import type { Estimate } from '../arrhenius/arrhenius.js';
import { extent } from '../../core/extent.js';
import { BOLTZMANN_EV_PER_K } from '../../core/physical-constants.js';
import { AnalysisError } from '../errors.js';
import { levenbergMarquardt, type LeastSquaresProblem, type LmOptions, type LmResult } from '../numeric/levenberg-marquardt.js';
import { NumericError } from '../numeric/errors.js';
import { linearRegression } from '../numeric/linear-regression.js';
import type { T2Point } from './t2-temperature.js';

/**
 * 1/T2 = C (3/2 tau_c + 5/2 tau_c/(1 + w0^2 tau_c^2) + tau_c/(1 + 4 w0^2 tau_c^2)),
 * tau_c = tau_inf exp(Ea/(k_B T)) (Bloembergen, Purcell and Pound).
 */
export function bppRelaxationRatePerS(temperatureK: number, p: { constantPerS2: number; tauInfS: number; activationEnergyEv: number }, larmorHz: number): number {
  const tauC = p.tauInfS * Math.exp(p.activationEnergyEv / (BOLTZMANN_EV_PER_K * temperatureK));
  return p.constantPerS2 * spectralSum(tauC, 2 * Math.PI * larmorHz);
}

export interface BppFit {
  /** C, s^-2. */
  readonly constantPerS2: Estimate;
  readonly tauInfS: Estimate;
  readonly activationEnergyEv: Estimate;
  /** R^2 of ln(1/T2). */
  readonly r2: number;
  readonly points: number;
}

/** Bounds that keep the fit physical: Ea in (0, 3] eV, tau_inf between 1e-22 s and 1 s. */
const EA_BOUNDS_EV = [1e-4, 3] as const;
const LN_TAU_INF_BOUNDS = [Math.log(1e-22), 0] as const;
/** Starts: the temperature where w0 tau_c = 1 placed across and beyond the data, one LM run each. */
const START_POSITIONS = [-0.5, 0, 0.25, 0.5, 0.75, 1, 1.5];
/** 1/T2 lies between 3/2 C tau_c and 5 C tau_c; the middle sets the start of C. */
const SPECTRAL_FACTOR_START = 3;

/**
 * Fits C, tau_inf and Ea of the BPP model to T2 against temperature, in
 * ln(1/T2) (T2 spans decades) with parameters ln C, ln tau_inf, Ea. Refuses a
 * fit that did not converge or ends on a bound.
 */
export function fitBpp(points: readonly T2Point[], larmorHz: number): BppFit {
  if (!(Number.isFinite(larmorHz) && larmorHz > 0)) {
    throw new AnalysisError(`BPP: Larmor frequency must be a finite number > 0 Hz, got ${larmorHz}`, 'INVALID_INPUT', {});
  }
  if (points.length < 4) {
    throw new AnalysisError(`BPP fit of 3 parameters needs at least 4 temperatures, got ${points.length}`, 'INSUFFICIENT_DATA', { points: points.length });
  }
  points.forEach((p, k) => {
    if (!(Number.isFinite(p.temperatureK) && p.temperatureK > 0 && Number.isFinite(p.t2S) && p.t2S > 0)) {
      throw new AnalysisError(`BPP point ${k + 1}: ${p.temperatureK} K, T2 ${p.t2S} s: both must be finite numbers > 0`, 'INVALID_INPUT', { point: k + 1 });
    }
  });
  const w0 = 2 * Math.PI * larmorHz;
  const inverseT = points.map((p) => 1 / p.temperatureK);
  const lnRate = points.map((p) => -Math.log(p.t2S));
  const trend = linearTrend(inverseT, lnRate);
  const eaStart = Math.min(Math.max(trend.slope * BOLTZMANN_EV_PER_K, 0.05), EA_BOUNDS_EV[1] / 2);
  const problem = {
    m: points.length,
    residuals(p: Float64Array, out: Float64Array) {
      for (let i = 0; i < points.length; i++) {
        const tauC = Math.exp(p[1]! + (p[2]! * inverseT[i]!) / BOLTZMANN_EV_PER_K);
        out[i] = p[0]! + Math.log(spectralSum(tauC, w0)) - lnRate[i]!;
      }
    },
    jacobian(p: Float64Array, out: Float64Array) {
      for (let i = 0; i < points.length; i++) {
        const tauC = Math.exp(p[1]! + (p[2]! * inverseT[i]!) / BOLTZMANN_EV_PER_K);
        const slope = logSlope(tauC, w0);
        out[3 * i] = 1;
        out[3 * i + 1] = slope;
        out[3 * i + 2] = (slope * inverseT[i]!) / BOLTZMANN_EV_PER_K;
      }
    },
  };
  // At least 4 finite points (checked above): the extent exists.
  const { min: xMin, max: xMax } = extent(inverseT)!;
  const options = { lower: [-Infinity, LN_TAU_INF_BOUNDS[0], EA_BOUNDS_EV[0]], upper: [Infinity, LN_TAU_INF_BOUNDS[1], EA_BOUNDS_EV[1]] };
  let best: LmResult | null = null;
  for (const position of START_POSITIONS) {
    // w0 tau_c = 1 at 1/T = xStar.
    const xStar = xMin + position * (xMax - xMin);
    const lnTauInf = Math.min(Math.max(-Math.log(w0) - (eaStart * xStar) / BOLTZMANN_EV_PER_K, LN_TAU_INF_BOUNDS[0]), LN_TAU_INF_BOUNDS[1]);
    const meanX = inverseT.reduce((s, v) => s + v, 0) / inverseT.length;
    const lnTauCMean = lnTauInf + (eaStart * meanX) / BOLTZMANN_EV_PER_K;
    const lnC = trend.intercept + trend.slope * meanX - lnTauCMean - Math.log(SPECTRAL_FACTOR_START);
    const fit = runFrom(problem, [lnC, lnTauInf, eaStart], options);
    if (fit !== null && (best === null || fit.cost < best.cost)) best = fit;
  }
  if (best === null) throw new AnalysisError('BPP fit: the model is not finite at any start (temperatures too low for these bounds)', 'NO_CONVERGENCE', {});
  const fit = best;
  const names = ['C', 'tau_inf', 'Ea'];
  const atBound = names.filter((_, j) => fit.atBound[j]);
  if (atBound.length > 0) {
    throw new AnalysisError(`BPP fit ends with ${atBound.join(', ')} on a bound: the data do not determine the model`, 'NO_CONVERGENCE', { atBound });
  }
  if (!fit.converged) throw new AnalysisError(`BPP fit did not converge: ${fit.reason}`, 'NO_CONVERGENCE', {});
  const [lnC, lnTauInf, ea] = fit.parameters as [number, number, number];
  const meanY = lnRate.reduce((s, v) => s + v, 0) / lnRate.length;
  const ssTot = lnRate.reduce((s, v) => s + (v - meanY) ** 2, 0);
  return {
    constantPerS2: { value: Math.exp(lnC), stderr: Math.exp(lnC) * fit.stderr[0]! },
    tauInfS: { value: Math.exp(lnTauInf), stderr: Math.exp(lnTauInf) * fit.stderr[1]! },
    activationEnergyEv: { value: ea, stderr: fit.stderr[2]! },
    r2: ssTot > 0 ? 1 - fit.cost / ssTot : 1,
    points: points.length,
  };
}

/** 3/2 tau + 5/2 tau/(1 + w^2 tau^2) + tau/(1 + 4 w^2 tau^2). */
function spectralSum(tauC: number, w0: number): number {
  const a = (w0 * tauC) ** 2;
  return tauC * (1.5 + 2.5 / (1 + a) + 1 / (1 + 4 * a));
}

/** d ln(spectralSum)/d ln(tau_c): 1 in both limits, dipping where w0 tau_c ~ 1. */
function logSlope(tauC: number, w0: number): number {
  const a = (w0 * tauC) ** 2;
  const sum = 1.5 + 2.5 / (1 + a) + 1 / (1 + 4 * a);
  const derivative = 1.5 + (2.5 * (1 - a)) / (1 + a) ** 2 + (1 - 4 * a) / (1 + 4 * a) ** 2;
  return derivative / sum;
}

/** One LM run; null when the model overflows on the way (that start is dropped). */
function runFrom(problem: LeastSquaresProblem, initial: number[], options: LmOptions): LmResult | null {
  try {
    return levenbergMarquardt(problem, initial, options);
  } catch (e) {
    if (e instanceof NumericError) return null;
    throw e;
  }
}

function linearTrend(x: number[], y: number[]): { slope: number; intercept: number } {
  try {
    return linearRegression(x, y);
  } catch (e) {
    if (e instanceof NumericError) throw new AnalysisError(`BPP: ${e.message}`, e.code === 'NUMERIC_SINGULAR' ? 'DEGENERATE' : 'INVALID_INPUT', {});
    throw e;
  }
}
