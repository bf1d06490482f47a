import { fitBasis } from './basis-fit.js';

/** Samples of one step (pulse or rest), in time order. */
export interface StepSamples {
  readonly timeS: number[];
  readonly voltageV: number[];
  readonly currentA: number[];
}

/** A rest as the pulse analysis sees it. */
export interface RestSummary {
  /** Last voltage of the rest. */
  readonly lastV: number;
  /** Time of the last sample of the rest: the current of the next pulse is switched on right after it. */
  readonly lastTimeS: number;
  /** Mean voltage over the final fraction of the rest: the relaxed voltage. */
  readonly relaxedV: number;
  /**
   * V(t_on-) for the pulse that follows: the line through the final fraction
   * of the rest at its last sample, so that one sample's noise does not enter
   * the IR step whole and a rest still drifting is followed to its end.
   */
  readonly endV: number;
  /** Variance of endV per unit noise variance (1 when it is the last sample itself). */
  readonly endVarianceFactor: number;
  /** Residual sum of squares and degrees of freedom of that line, for the noise estimate. */
  readonly endRss: number;
  readonly endDof: number;
  readonly durationS: number;
}

/**
 * Summarises a non-empty rest. The relaxed voltage averages the samples of its
 * last `windowFraction` (at least the last sample), so voltage noise does not
 * enter dEs through a single sample.
 */
export function summariseRest(rest: StepSamples, windowFraction: number): RestSummary {
  const t = rest.timeS;
  const v = rest.voltageV;
  const last = t.length - 1;
  const durationS = t[last]! - t[0]!;
  const from = t[last]! - windowFraction * durationS;
  let first = last;
  while (first > 0 && t[first - 1]! >= from) first--;
  let sum = 0;
  for (let k = first; k <= last; k++) sum += v[k]!;
  const relaxedV = sum / (last - first + 1);
  const end = endOfRest(t.slice(first), v.slice(first));
  return { lastV: v[last]!, lastTimeS: t[last]!, relaxedV, durationS, ...end };
}

/** The line through the window at its last time, or the last sample when the window has fewer than 3. */
function endOfRest(t: number[], v: number[]): Pick<RestSummary, 'endV' | 'endVarianceFactor' | 'endRss' | 'endDof'> {
  const lastS = t[t.length - 1]!;
  const spanS = lastS - t[0]!;
  const fallback = { endV: v[v.length - 1]!, endVarianceFactor: 1, endRss: 0, endDof: 0 };
  if (t.length < 3 || !(spanS > 0)) return fallback;
  // Time from the last sample over the span: columns of order one.
  const u = t.map((ti) => (ti - lastS) / spanS);
  const fit = fitBasis(u, v, [() => 1, (x) => x]);
  if (fit === null) return fallback;
  return { endV: fit.valueAt(0), endVarianceFactor: fit.varianceFactorAt(0), endRss: fit.rss, endDof: fit.dof };
}
