import { BOLTZMANN_EV_PER_K } from '../../core/physical-constants.js';
import { AnalysisError } from '../errors.js';
import { NumericError } from '../numeric/errors.js';
import { linearRegression } from '../numeric/linear-regression.js';
import { extent } from '../../core/extent.js';

/** A fitted value with its standard error, in the unit its name or context gives. */
export interface Estimate {
  readonly value: number;
  readonly stderr: number;
}

export type ArrheniusQuantity = 'conductivity' | 'diffusion' | 'correlation-time';

export const ARRHENIUS_QUANTITIES: readonly ArrheniusQuantity[] = ['conductivity', 'diffusion', 'correlation-time'];

export interface ArrheniusPoint {
  readonly temperatureK: number;
  /** sigma, D or tau_c, in any unit: the prefactor comes out in the same unit (times K for conductivity). */
  readonly value: number;
}

export interface ArrheniusFit {
  readonly quantity: ArrheniusQuantity;
  readonly model: string;
  readonly activationEnergyEv: Estimate;
  /** A of sigma T = A exp(-Ea/kT) (unit of sigma times K), D0, or tau_inf; stderr propagated from the intercept. */
  readonly prefactor: Estimate;
  readonly r2: number;
  readonly points: number;
  readonly temperatureRangeK: readonly [number, number];
}

const MODELS: Record<ArrheniusQuantity, { model: string; sign: 1 | -1; timesT: boolean }> = {
  conductivity: { model: 'sigma*T = A exp(-Ea/(k_B T))', sign: -1, timesT: true },
  diffusion: { model: 'D = D0 exp(-Ea/(k_B T))', sign: -1, timesT: false },
  'correlation-time': { model: 'tau_c = tau_inf exp(Ea/(k_B T))', sign: 1, timesT: false },
};

/**
 * Fits ln(sigma T), ln D or ln tau_c against 1/T by least squares. Refuses
 * fewer than 3 points (no standard error otherwise), non-positive values and
 * a single temperature.
 */
export function fitArrhenius(points: readonly ArrheniusPoint[], quantity: ArrheniusQuantity): ArrheniusFit {
  if (points.length < 3) {
    throw new AnalysisError(`Arrhenius fit of ${quantity} needs at least 3 temperatures, got ${points.length}`, 'INSUFFICIENT_DATA', {
      points: points.length,
    });
  }
  points.forEach((p, k) => {
    if (!(Number.isFinite(p.temperatureK) && p.temperatureK > 0)) {
      throw new AnalysisError(`Arrhenius point ${k + 1}: temperature ${p.temperatureK} K is not a finite number > 0`, 'INVALID_INPUT', { point: k + 1 });
    }
    if (!(Number.isFinite(p.value) && p.value > 0)) {
      throw new AnalysisError(`Arrhenius point ${k + 1}: ${quantity} ${p.value} at ${p.temperatureK} K is not a finite number > 0`, 'INVALID_INPUT', {
        point: k + 1,
      });
    }
  });
  const { model, sign, timesT } = MODELS[quantity];
  const x = points.map((p) => 1 / p.temperatureK);
  const y = points.map((p) => Math.log(timesT ? p.value * p.temperatureK : p.value));
  let fit;
  try {
    fit = linearRegression(x, y);
  } catch (e) {
    if (!(e instanceof NumericError)) throw e;
    throw e.code === 'NUMERIC_SINGULAR'
      ? new AnalysisError(`Arrhenius fit of ${quantity}: all points are at one temperature`, 'DEGENERATE', {})
      : new AnalysisError(`Arrhenius fit of ${quantity}: ${e.message}`, 'INVALID_INPUT', {});
  }
  const prefactor = Math.exp(fit.intercept);
  const temperatures = points.map((p) => p.temperatureK);
  // The fit above needs at least two finite temperatures, so the range exists.
  const range = extent(temperatures)!;
  return {
    quantity,
    model,
    activationEnergyEv: { value: sign * fit.slope * BOLTZMANN_EV_PER_K, stderr: fit.slopeStderr * BOLTZMANN_EV_PER_K },
    prefactor: { value: prefactor, stderr: prefactor * fit.interceptStderr },
    r2: fit.r2,
    points: points.length,
    temperatureRangeK: [range.min, range.max],
  };
}
