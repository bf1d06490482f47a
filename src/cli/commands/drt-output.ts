import type { DrtResult } from '../../analysis/eis/drt.js';

/** The DRT of `analyze eis --drt --json`: lambda, how it was chosen, the noise it assumed and the peaks. */
export function drtJson(result: DrtResult) {
  return {
    lambda: result.lambda,
    lambdaMethod: result.lambdaMethod,
    noiseRelative: result.noiseRelative,
    peaks: result.peaks.map((p) => ({ tauS: p.tauS, resistanceOhm: p.resistanceOhm })),
  };
}

/** One line of the readable summary, units on every number. */
export function drtSummaryLine(result: DrtResult): string {
  const peaks = result.peaks.map((p) => `tau ${p.tauS.toPrecision(3)} s: ${p.resistanceOhm.toPrecision(3)} ohm`);
  const noise = result.noiseRelative === null ? '' : `, noise ${(100 * result.noiseRelative).toPrecision(2)}% of |Z|`;
  const choice = `lambda ${result.lambda.toPrecision(2)} (dimensionless), ${result.lambdaMethod === 'fixed' ? 'given' : 'discrepancy principle'}${noise}`;
  return `  DRT (${choice}): ${peaks.length > 0 ? peaks.join('; ') : 'no peaks'}`;
}
