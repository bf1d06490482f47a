import { FARADAY_C_PER_MOL } from '../../core/physical-constants.js';
import { NumericError } from '../numeric/errors.js';
import { linearRegression } from '../numeric/linear-regression.js';
import { readIrStep } from './ir-step.js';
import { median } from './median.js';
import { checkPulse } from './plausibility.js';
import type { RestSummary, StepSamples } from './rest.js';
import type { ResolvedSample } from './sample.js';
import type { GittPulseResult } from './types.js';
import { weppnerHugginsCm2PerS, weppnerHugginsSqrtTCm2PerS } from './weppner-huggins.js';

/** Below this R^2 of V against sqrt(t), the sqrt(t) form is flagged. */
const SQRT_T_R2_MIN = 0.98;

export interface PulseInput {
  readonly index: number;
  readonly pulse: StepSamples;
  readonly before: RestSummary | null;
  readonly after: RestSummary | null;
  /** The samples of the rest after the pulse: its start carries the IR step at the switch-off. */
  readonly afterSamples: StepSamples | null;
  readonly sample: ResolvedSample;
  /** Composition before this pulse, null when not tracked. */
  readonly xBefore: number | null;
  /** Warnings the segmentation found for this pulse. */
  readonly warnings: string[];
}

/** Everything GITT derives from one pulse, its rest before and its rest after. */
export function analysePulse(input: PulseInput): GittPulseResult {
  const { pulse, before, after, sample } = input;
  const warnings = [...input.warnings];
  const t = pulse.timeS;
  const v = pulse.voltageV;
  const n = t.length;
  const startS = switchOnTimeS(t, before);
  const durationS = t[n - 1]! - startS;
  // Constant current from the switch to the first sample, then as sampled.
  const chargeC = trapezoid(t, pulse.currentA) + pulse.currentA[0]! * (t[0]! - startS);
  const currentA = durationS > 0 ? chargeC / durationS : pulse.currentA[0]!;

  const e0V = before?.relaxedV ?? null;
  const esV = after?.relaxedV ?? null;
  const dEsV = e0V !== null && esV !== null ? esV - e0V : null;
  if (before === null) warnings.push('no rest before the pulse: E0 and the IR step unknown');
  if (after === null) warnings.push('no rest after the pulse: Es unknown');
  const ir = readIrStep({ pulse, onS: startS, durationS, before, after: input.afterSamples });
  for (const w of ir.warnings) warnings.push(w);
  const irDropV = ir.irDropV;
  const resistanceOhm = irDropV !== null ? irDropV / currentA : null;
  const dEtV = n >= 2 ? ir.endV - ir.onV : null;
  if (n < 2) warnings.push('the pulse has a single sample: duration and dEt unknown');
  const plausibility = checkPulse({ currentA, ir, dEtV, dEsV });
  for (const w of plausibility.warnings) warnings.push(w);

  const sqrtFit = fitSqrtT(t, v, startS, warnings);
  if (sqrtFit !== null && sqrtFit.r2 < SQRT_T_R2_MIN) {
    warnings.push(`V is not linear in sqrt(t) during the pulse (R^2 = ${sqrtFit.r2.toFixed(4)}): the sqrt(t) form does not apply`);
  }

  let diffusionCm2PerS: number | null = null;
  if (sample.volumePerAreaCm !== null && dEsV !== null && dEtV !== null && plausibility.weppnerHugginsTrusted) {
    if (dEtV === 0) warnings.push('dEt is zero: Weppner-Huggins D undefined');
    else diffusionCm2PerS = weppnerHugginsCm2PerS(durationS, sample.volumePerAreaCm, dEsV, dEtV);
  }
  if (diffusionCm2PerS !== null && sample.volumePerAreaCm !== null) {
    const lengthCm = sample.volumePerAreaCm;
    if ((diffusionCm2PerS * durationS) / lengthCm ** 2 > 1) {
      warnings.push(`tau is not << L^2/D (L = V/S = ${lengthCm.toPrecision(3)} cm): the short-time solution does not hold`);
    }
  }

  const z = sample.electronsPerIon;
  // Positive (charging) current takes ions out of the host.
  const dx = sample.hostMol !== null ? -chargeC / (z * FARADAY_C_PER_MOL * sample.hostMol) : null;
  let diffusionSqrtTCm2PerS: number | null = null;
  if (
    sample.molarVolumeCm3PerMol !== null &&
    sample.areaCm2 !== null &&
    dx !== null &&
    dEsV !== null &&
    sqrtFit !== null &&
    plausibility.sqrtTTrusted
  ) {
    if (dx === 0 || sqrtFit.slope === 0) warnings.push('no charge passed or no sqrt(t) slope: sqrt(t) form undefined');
    else {
      diffusionSqrtTCm2PerS = weppnerHugginsSqrtTCm2PerS({
        currentA,
        molarVolumeCm3PerMol: sample.molarVolumeCm3PerMol,
        electronsPerIon: z,
        areaCm2: sample.areaCm2,
        dEsPerDx: dEsV / dx,
        dVPerSqrtS: sqrtFit.slope,
      });
    }
  }

  return {
    index: input.index,
    startS,
    durationS,
    currentA,
    e0V,
    esV,
    dEsV,
    dEtV,
    irDropV,
    resistanceOhm,
    diffusionCm2PerS,
    diffusionSqrtTCm2PerS,
    sqrtTR2: sqrtFit?.r2 ?? null,
    x: input.xBefore !== null && dx !== null ? input.xBefore + dx : null,
    warnings,
  };
}

function trapezoid(t: number[], y: number[]): number {
  let sum = 0;
  for (let k = 1; k < t.length; k++) sum += 0.5 * (y[k]! + y[k - 1]!) * (t[k]! - t[k - 1]!);
  return sum;
}

/**
 * When the current went on. A sample right at the switch (closer to the last
 * rest sample than half an interval) is taken as the switch; otherwise an
 * instrument's first sample of a step comes one sampling interval after its
 * start, and the switch cannot be before the last rest sample.
 */
function switchOnTimeS(t: number[], before: RestSummary | null): number {
  const first = t[0]!;
  if (t.length < 2) return first;
  const intervalS = median(t.slice(1).map((ti, k) => ti - t[k]!));
  if (before === null) return first - intervalS;
  if (first - before.lastTimeS < intervalS / 2) return first;
  return Math.max(before.lastTimeS, first - intervalS);
}

/** V against sqrt(t - t_on) over the pulse; null (with a warning) when it cannot be fitted. */
function fitSqrtT(t: number[], v: number[], t0: number, warnings: string[]): { slope: number; r2: number } | null {
  try {
    const fit = linearRegression(
      t.map((ti) => Math.sqrt(ti - t0)),
      v,
    );
    return { slope: fit.slope, r2: fit.r2 };
  } catch (e) {
    if (!(e instanceof NumericError)) throw e;
    warnings.push(`V against sqrt(t) not fitted: ${e.message}`);
    return null;
  }
}
