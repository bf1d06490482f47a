import type { PotentiostatHardLimits, PotentiostatSample, PotentiostatStep } from './device.js';

/** What lies beyond a hard limit: the limit's name in the lab file, the value, and a message without the instrument's name. */
export interface HardLimitBreach {
  readonly limit: keyof PotentiostatHardLimits;
  readonly value: number;
  readonly message: string;
}

/**
 * What a step asks for beyond the hard limits, or null: a current beyond
 * maxAbsCurrentA, a potential outside minV..maxV, an EIS bias ± amplitude
 * leaving the window (a 0 V bias included) or a GEIS |DC| + amplitude beyond
 * the current limit. The one statement of these rules: the instrument refuses
 * such a step before anything is sent, and the MethodSCRIPT script generator
 * refuses to write it.
 */
export function stepBeyondHardLimits(step: PotentiostatStep, limits: PotentiostatHardLimits): HardLimitBreach | null {
  const { minV, maxV, maxAbsCurrentA } = limits;
  switch (step.kind) {
    case 'constant-current':
      return Math.abs(step.currentA) <= maxAbsCurrentA
        ? null
        : { limit: 'maxAbsCurrentA', value: step.currentA, message: `|${step.currentA} A| exceeds the hard limit ${maxAbsCurrentA} A` };
    case 'constant-potential':
      return step.potentialV >= minV && step.potentialV <= maxV
        ? null
        : { limit: step.potentialV > maxV ? 'maxV' : 'minV', value: step.potentialV, message: `${step.potentialV} V lies outside the hard limits ${minV}..${maxV} V` };
    case 'eis': {
      if (step.mode === 'galvanostatic') {
        const peakA = Math.abs(step.dcA) + step.amplitudeA;
        return peakA <= maxAbsCurrentA
          ? null
          : { limit: 'maxAbsCurrentA', value: peakA, message: `GEIS current |${step.dcA} A| + ${step.amplitudeA} A exceeds the hard limit ${maxAbsCurrentA} A` };
      }
      return step.dcV - step.amplitudeV >= minV && step.dcV + step.amplitudeV <= maxV
        ? null
        : {
            limit: step.dcV + step.amplitudeV > maxV ? 'maxV' : 'minV',
            value: step.dcV,
            message: `EIS bias ${step.dcV} V ± ${step.amplitudeV} V leaves the hard limits ${minV}..${maxV} V`,
          };
    }
    case 'ocp':
      return null;
  }
}

/**
 * What a sample of a step shows beyond the hard limits, or null: a cell
 * voltage outside minV..maxV (any step but a sweep, whose samples are
 * impedances), and the cell's current beyond maxAbsCurrentA where the cell
 * sets it (a potential hold; a constant-current step sets the current itself,
 * and its reading is that current plus noise). These are the conditions the
 * MethodSCRIPT scripts end their loops on, so a step a device ends at a hard
 * limit ends with a sample this finds.
 */
export function sampleBeyondHardLimits(step: PotentiostatStep, sample: PotentiostatSample, limits: PotentiostatHardLimits): HardLimitBreach | null {
  const { minV, maxV, maxAbsCurrentA } = limits;
  const v = sample.potentialV;
  if (v !== undefined && step.kind !== 'eis' && !(v >= minV && v <= maxV)) {
    return { limit: v > maxV ? 'maxV' : 'minV', value: v, message: `cell voltage ${v.toFixed(4)} V left the hard limits ${minV}..${maxV} V` };
  }
  const i = sample.currentA;
  if (i !== undefined && step.kind === 'constant-potential' && !(Math.abs(i) <= maxAbsCurrentA)) {
    return { limit: 'maxAbsCurrentA', value: i, message: `cell current ${i} A exceeds the hard limit ±${maxAbsCurrentA} A` };
  }
  return null;
}
