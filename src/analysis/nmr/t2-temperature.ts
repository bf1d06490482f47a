import type { Estimate } from '../arrhenius/arrhenius.js';
import { BOLTZMANN_EV_PER_K } from '../../core/physical-constants.js';
import { AnalysisError } from '../errors.js';
import { NumericError } from '../numeric/errors.js';
import { linearRegression, type LinearFit } from '../numeric/linear-regression.js';

export interface T2Point {
  readonly temperatureK: number;
  readonly t2S: number;
}

export type DiffusionDimension = 1 | 2 | 3;

export interface T2Analysis {
  /** From the slope of ln(1/T2) against 1/T in the motional regime. */
  readonly activationEnergyEv: Estimate;
  /** Crossing of the motional line with the rigid-lattice plateau; tau_c = T2/sqrt(2) there. */
  readonly breakpoint: { readonly temperatureK: number; readonly tauCS: number };
  readonly tauInfS: number;
  readonly tauCAt298KS: number;
  readonly diffusionAt298KCm2PerS: number;
  readonly rigidLatticeT2S: number;
  /** R^2 of the motional-regime line. */
  readonly motionalR2: number;
  /** The points of the motional regime (highest temperatures), for a BPP fit of that regime. */
  readonly motionalPoints: T2Point[];
  readonly plateauPoints: number;
  readonly warnings: string[];
}

/** A line needs 3 points for a standard error; a plateau level 2 for any check of flatness. */
const MIN_MOTIONAL = 3;
const MIN_PLATEAU = 2;
const ROOM_TEMPERATURE_K = 298;

/**
 * Motional narrowing of T2 against temperature. The regimes are found from the
 * data: of every split of the points (sorted by 1/T), the one whose two fits,
 * a line for the motional regime (ln(1/T2) rising with 1/T) and a constant for
 * the rigid-lattice plateau, leave the least squared residual. The plateau is
 * fitted flat because it is flat in the physics: a free slope there would let
 * noise move the crossing.
 */
export function analyzeT2(points: readonly T2Point[], options: { jumpDistanceCm: number; dimension: DiffusionDimension }): T2Analysis {
  validate(points, options);
  const sorted = [...points].sort((a, b) => b.temperatureK - a.temperatureK);
  const x = sorted.map((p) => 1 / p.temperatureK);
  const y = sorted.map((p) => -Math.log(p.t2S));
  let best: { split: number; line: LinearFit; plateau: number; ssr: number } | null = null;
  for (let split = MIN_MOTIONAL; split <= sorted.length - MIN_PLATEAU; split++) {
    const line = tryLine(x.slice(0, split), y.slice(0, split));
    if (line === null || !(line.slope > 0)) continue;
    const rest = y.slice(split);
    const plateau = rest.reduce((s, v) => s + v, 0) / rest.length;
    const ssr = line.residuals.reduce((s, r) => s + r * r, 0) + rest.reduce((s, v) => s + (v - plateau) ** 2, 0);
    if (best === null || ssr < best.ssr) best = { split, line, plateau, ssr };
  }
  if (best === null) {
    throw new AnalysisError('T2: no motional regime: 1/T2 does not fall with rising temperature at the high-temperature end', 'DEGENERATE', {});
  }
  const warnings: string[] = [];
  const { line, plateau, split } = best;
  const breakX = (plateau - line.intercept) / line.slope;
  const breakK = 1 / breakX;
  const lastMotionalX = x[split - 1]!;
  const firstPlateauX = x[split]!;
  if (breakX < x[0]! || breakX > x[x.length - 1]!) {
    warnings.push(`the break point (${breakK.toFixed(1)} K) lies outside the measured temperatures`);
  } else if (breakX < lastMotionalX || breakX > firstPlateauX) {
    warnings.push(`the break point (${breakK.toFixed(1)} K) is not between the two regimes: the transition is not sharp`);
  }
  const eaEv = line.slope * BOLTZMANN_EV_PER_K;
  const rigidLatticeT2S = Math.exp(-plateau);
  const tauCBreakS = rigidLatticeT2S / Math.SQRT2;
  const tauInfS = tauCBreakS * Math.exp(-eaEv / (BOLTZMANN_EV_PER_K * breakK));
  const tauCAt298KS = correlationTimeS(tauInfS, eaEv, ROOM_TEMPERATURE_K);
  return {
    activationEnergyEv: { value: eaEv, stderr: line.slopeStderr * BOLTZMANN_EV_PER_K },
    breakpoint: { temperatureK: breakK, tauCS: tauCBreakS },
    tauInfS,
    tauCAt298KS,
    diffusionAt298KCm2PerS: jumpDiffusionCm2PerS(options.jumpDistanceCm, tauCAt298KS, options.dimension),
    rigidLatticeT2S,
    motionalR2: line.r2,
    motionalPoints: sorted.slice(0, split),
    plateauPoints: sorted.length - split,
    warnings,
  };
}

/** tau_c(T) = tau_inf exp(Ea/(k_B T)). */
export function correlationTimeS(tauInfS: number, activationEnergyEv: number, temperatureK: number): number {
  return tauInfS * Math.exp(activationEnergyEv / (BOLTZMANN_EV_PER_K * temperatureK));
}

/** D = l^2/(n tau_c) with n = 2, 4, 6 for jumps in 1, 2, 3 dimensions. */
export function jumpDiffusionCm2PerS(jumpDistanceCm: number, tauCS: number, dimension: DiffusionDimension): number {
  return jumpDistanceCm ** 2 / (2 * dimension * tauCS);
}

function validate(points: readonly T2Point[], options: { jumpDistanceCm: number; dimension: number }): void {
  if (!(Number.isFinite(options.jumpDistanceCm) && options.jumpDistanceCm > 0)) {
    throw new AnalysisError(`T2: jump distance must be a finite number > 0 cm, got ${options.jumpDistanceCm}`, 'INVALID_INPUT', {});
  }
  if (![1, 2, 3].includes(options.dimension)) {
    throw new AnalysisError(`T2: dimension must be 1, 2 or 3, got ${options.dimension}`, 'INVALID_INPUT', {});
  }
  if (points.length < MIN_MOTIONAL + MIN_PLATEAU) {
    throw new AnalysisError(
      `T2 analysis needs at least ${MIN_MOTIONAL + MIN_PLATEAU} temperatures (${MIN_MOTIONAL} motional, ${MIN_PLATEAU} rigid-lattice), got ${points.length}`,
      'INSUFFICIENT_DATA',
      { points: points.length },
    );
  }
  points.forEach((p, k) => {
    if (!(Number.isFinite(p.temperatureK) && p.temperatureK > 0)) {
      throw new AnalysisError(`T2 point ${k + 1}: temperature ${p.temperatureK} K is not a finite number > 0`, 'INVALID_INPUT', { point: k + 1 });
    }
    if (!(Number.isFinite(p.t2S) && p.t2S > 0)) {
      throw new AnalysisError(`T2 point ${k + 1}: T2 ${p.t2S} s at ${p.temperatureK} K is not a finite number > 0`, 'INVALID_INPUT', { point: k + 1 });
    }
  });
}

/** The motional line of one split, or null when it cannot be fitted (its points share one temperature). */
function tryLine(x: number[], y: number[]): LinearFit | null {
  try {
    return linearRegression(x, y);
  } catch (e) {
    if (e instanceof NumericError) return null;
    throw e;
  }
}
