import type { Estimate } from '../arrhenius/arrhenius.js';
import { AnalysisError } from '../errors.js';
import { NumericError } from '../numeric/errors.js';
import { levenbergMarquardt } from '../numeric/levenberg-marquardt.js';
import { ierfc } from './erfc.js';

const SQRT_PI = Math.sqrt(Math.PI);

/**
 * Exchanged fraction after mixing time t for a cubic particle of one phase in
 * the other, diffusion distance d (SCIENCE.md 4):
 *   g = (s/2)(ierfc(d/s) + ierfc(-d/s) - 2/sqrt(pi)), s = sqrt(4 D t);  F = 1 - (g/d)^3.
 * With ierfc(-u) = 2u + ierfc(u), g = d + s (ierfc(d/s) - 1/sqrt(pi)): the same
 * function without the large cancelling terms, and F(0) = 0, F(inf) = 1 follow.
 */
export function exchangedFraction(mixingTimeS: number, diffusionCm2PerS: number, distanceCm: number): number {
  if (mixingTimeS <= 0) return 0;
  const s = Math.sqrt(4 * diffusionCm2PerS * mixingTimeS);
  const g = distanceCm + s * (ierfc(distanceCm / s) - 1 / SQRT_PI);
  return 1 - (g / distanceCm) ** 3;
}

export interface ExsyPoint {
  readonly mixingTimeS: number;
  /** Normalised cross-peak intensity, 0 to 1. */
  readonly exchangedFraction: number;
}

export interface ExsyFit {
  readonly diffusionCm2PerS: Estimate;
  readonly r2: number;
  readonly points: number;
}

/** Noise may put a measured fraction slightly outside [0, 1]; beyond this margin it is not a fraction. */
const FRACTION_MARGIN = 0.1;
/** The start is the best of a grid in ln(D t/d^2) over this range (F goes from ~0 to ~1 inside it). */
const GRID_LN = { from: -14, to: 8, step: 0.5 };

/**
 * Fits D (in log space, so it stays positive and the fit sees relative
 * changes) to exchanged fractions against mixing time. The start comes from
 * a grid over D t/d^2, so the fit never begins on a flat part of the model.
 */
export function fitExsy(points: readonly ExsyPoint[], distanceCm: number): ExsyFit {
  if (!(Number.isFinite(distanceCm) && distanceCm > 0)) {
    throw new AnalysisError(`EXSY: diffusion distance must be a finite number > 0 cm, got ${distanceCm}`, 'INVALID_INPUT', {});
  }
  if (points.length < 3) {
    throw new AnalysisError(`EXSY fit needs at least 3 mixing times, got ${points.length}`, 'INSUFFICIENT_DATA', { points: points.length });
  }
  points.forEach((p, k) => {
    if (!(Number.isFinite(p.mixingTimeS) && p.mixingTimeS > 0)) {
      throw new AnalysisError(`EXSY point ${k + 1}: mixing time ${p.mixingTimeS} s is not a finite number > 0`, 'INVALID_INPUT', { point: k + 1 });
    }
    const f = p.exchangedFraction;
    if (!(Number.isFinite(f) && f >= -FRACTION_MARGIN && f <= 1 + FRACTION_MARGIN)) {
      throw new AnalysisError(`EXSY point ${k + 1}: exchanged fraction ${f} is not a fraction between 0 and 1`, 'INVALID_INPUT', { point: k + 1 });
    }
  });
  const times = points.map((p) => p.mixingTimeS).sort((a, b) => a - b);
  const lnScale = Math.log(distanceCm ** 2 / times[times.length >> 1]!);
  // d^2/t beyond the range of doubles (e.g. a mixing time of 1e-320 s) has no D to fit.
  if (!Number.isFinite(lnScale)) {
    throw new AnalysisError(`EXSY: distance ${distanceCm} cm and mixing times ${times[0]}..${times.at(-1)} s are out of any physical range`, 'INVALID_INPUT', {});
  }
  const problem = {
    m: points.length,
    residuals(p: Float64Array, out: Float64Array) {
      const d = Math.exp(p[0]!);
      points.forEach((point, i) => {
        out[i] = exchangedFraction(point.mixingTimeS, d, distanceCm) - point.exchangedFraction;
      });
    },
  };
  const cost = (lnD: number) => {
    const out = new Float64Array(points.length);
    problem.residuals(Float64Array.of(lnD), out);
    return out.reduce((s, r) => s + r * r, 0);
  };
  let start = lnScale + GRID_LN.from;
  let best = Infinity;
  for (let u = GRID_LN.from; u <= GRID_LN.to; u += GRID_LN.step) {
    const c = cost(lnScale + u);
    if (c < best) [start, best] = [lnScale + u, c];
  }
  const lower = lnScale + GRID_LN.from;
  const upper = lnScale + GRID_LN.to;
  let fit: ReturnType<typeof levenbergMarquardt>;
  try {
    fit = levenbergMarquardt(problem, [start], { lower: [lower], upper: [upper] });
  } catch (e) {
    // Mixing times spanning hundreds of decades (1e-319 s next to 1e5 s) leave the model without a usable derivative.
    if (e instanceof NumericError) throw new AnalysisError(`EXSY: ${e.message}`, 'DEGENERATE', {});
    throw e;
  }
  if (fit.atBound[0]) {
    throw new AnalysisError(
      'EXSY: the exchanged fractions do not determine D (the fit ends at the edge of the range): mixing times must cover the rise of the exchange',
      'DEGENERATE',
      {},
    );
  }
  if (!fit.converged) throw new AnalysisError(`EXSY fit did not converge: ${fit.reason}`, 'NO_CONVERGENCE', {});
  const d = Math.exp(fit.parameters[0]!);
  const mean = points.reduce((s, p) => s + p.exchangedFraction, 0) / points.length;
  const ssTot = points.reduce((s, p) => s + (p.exchangedFraction - mean) ** 2, 0);
  return {
    diffusionCm2PerS: { value: d, stderr: d * fit.stderr[0]! },
    r2: ssTot > 0 ? 1 - fit.cost / ssTot : 1,
    points: points.length,
  };
}
