import { AnalysisError } from '../errors.js';
import { GittAnalyser, type GittAnalyserOptions } from './analyser.js';
import { median } from './median.js';
import type { GittAnalysis, GittPulseResult, GittSample, GittSeries } from './types.js';

/**
 * Rest current over pulse current beyond which the data are taken to have no
 * distinct pulses (e.g. only noise): a potentiostat at open circuit reads
 * essentially zero.
 */
const MAX_REST_TO_PULSE_CURRENT = 0.05;

/** Offline GITT analysis of a whole run: the live `GittAnalyser` fed every sample. */
export function analyzeGitt(series: GittSeries, sample: GittSample, options: Partial<GittAnalyserOptions> = {}): GittAnalysis {
  const n = series.timeS.length;
  if (series.voltageV.length !== n || series.currentA.length !== n) {
    throw new AnalysisError(
      `GITT: time, voltage and current differ in length (${n}, ${series.voltageV.length}, ${series.currentA.length})`,
      'INVALID_INPUT',
      {},
    );
  }
  const pulseCurrentA = options.pulseCurrentA ?? estimatePulseCurrentA(series.currentA, options.relativeThreshold ?? 0.2);
  const analyser = new GittAnalyser(sample, { ...options, pulseCurrentA });
  const pulses: GittPulseResult[] = [];
  for (let k = 0; k < n; k++) {
    try {
      for (const p of analyser.push(series.timeS[k]!, series.voltageV[k]!, series.currentA[k]!)) pulses.push(p);
    } catch (e) {
      if (e instanceof AnalysisError) throw new AnalysisError(`sample ${k + 1}: ${e.message}`, e.code, { ...e.context, sample: k + 1 });
      throw e;
    }
  }
  for (const p of analyser.finish()) pulses.push(p);
  if (pulses.length === 0) throw new AnalysisError('GITT: no current pulse in the data', 'DEGENERATE', {});
  return { pulses, warnings: [...analyser.warnings], pulseCurrentA };
}

/**
 * The pulse current of a run: the median |I| of the samples above half the
 * largest |I| (so that a single spike does not set it). Throws when the data
 * show no pulses distinct from the rest current.
 */
export function estimatePulseCurrentA(currentA: ArrayLike<number>, relativeThreshold: number): number {
  const magnitudes: number[] = [];
  let max = 0;
  for (let k = 0; k < currentA.length; k++) {
    const value = currentA[k]!;
    if (!Number.isFinite(value)) {
      throw new AnalysisError(`sample ${k + 1}: current ${value} A is not finite`, 'INVALID_INPUT', { sample: k + 1 });
    }
    magnitudes.push(Math.abs(value));
    max = Math.max(max, Math.abs(value));
  }
  if (max === 0) throw new AnalysisError('GITT: the current is zero throughout, no pulse to analyse', 'DEGENERATE', {});
  const high = magnitudes.filter((m) => m >= 0.5 * max);
  const pulseA = median(high);
  const rest = magnitudes.filter((m) => m < relativeThreshold * pulseA);
  if (rest.length > 0 && median(rest) > MAX_REST_TO_PULSE_CURRENT * pulseA) {
    throw new AnalysisError(
      `GITT: no distinct pulses (rest current ${median(rest).toPrecision(3)} A against pulse current ${pulseA.toPrecision(3)} A)`,
      'DEGENERATE',
      {},
    );
  }
  return pulseA;
}
