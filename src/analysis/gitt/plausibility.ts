import type { IrStepReading } from './ir-step.js';

/**
 * What a pulse's numbers say about themselves. Each rule compares a sign or a
 * size the physics fixes with what was read; a pulse that breaks one keeps its
 * values (they are what was measured) and says why, and the diffusion
 * coefficients that would be built on the broken reading are withheld.
 *
 * Signs: a current that charges the electrode (I > 0, ions leave the host)
 * raises its potential, through the ohmic drop (R > 0) and through the
 * composition (dE/dx < 0 for any stable single phase), so the IR step, dEt
 * and dEs all have the sign of I. The bound on R is set by the data
 * themselves: from below by 0 (beyond the noise of the reading), from above by
 * the whole change of the pulse (an IR step that takes more than all of it
 * leaves dEt against the current), and by agreement of the switch-on and
 * switch-off readings (ir-step.ts). No absolute bound in ohm is set: solid-state
 * cells range from ohms to tens of kilo-ohms.
 */

/** A negative R within this many standard errors of zero is noise around a step too small to resolve. */
const NEGATIVE_STEP_SIGMAS = 3;
/**
 * Readings of R that disagree by more than this fraction of dEt give
 * Weppner-Huggins D that differ by more than 10 % (D goes as 1/dEt^2).
 */
const DISAGREEMENT_OF_DET = 0.05;

export interface PlausibilityInput {
  /** Time-averaged pulse current (its sign is the reference). */
  readonly currentA: number;
  readonly ir: IrStepReading;
  readonly dEtV: number | null;
  readonly dEsV: number | null;
}

export interface Plausibility {
  readonly warnings: string[];
  /** Whether dEs/dEt can carry a Weppner-Huggins D. */
  readonly weppnerHugginsTrusted: boolean;
  /** Whether dEs and the transient can carry the sqrt(t) form. */
  readonly sqrtTTrusted: boolean;
}

export function checkPulse(input: PlausibilityInput): Plausibility {
  const { currentA, ir, dEtV, dEsV } = input;
  const warnings: string[] = [];
  const sign = Math.sign(currentA);
  let weppnerHugginsTrusted = true;
  let sqrtTTrusted = true;
  if (sign === 0) return { warnings, weppnerHugginsTrusted, sqrtTTrusted };
  const ohm = (stepV: number) => `${(stepV / currentA).toPrecision(3)} ohm`;
  const mV = (valueV: number) => `${(valueV * 1e3).toPrecision(3)} mV`;

  if (ir.disagree && ir.switchOnV !== null && ir.switchOffV !== null) {
    const apart = Math.abs(ir.switchOnV - ir.switchOffV);
    const matters = dEtV !== null && apart > DISAGREEMENT_OF_DET * Math.abs(dEtV);
    warnings.push(
      `R read at the switch-on (${ohm(ir.switchOnV)}) and at the switch-off (${ohm(ir.switchOffV)}) disagree beyond their noise: ` +
        'the step is not purely ohmic, or the current or the switching times are not what the samples say; R is the switch-on reading' +
        (matters ? ', and the two give D more than 10 % apart: no Weppner-Huggins D' : ''),
    );
    if (matters) weppnerHugginsTrusted = false;
  }
  if (ir.irDropV !== null && ir.irDropV * sign < 0) {
    const threshold = ir.irDropStderrV !== null ? NEGATIVE_STEP_SIGMAS * ir.irDropStderrV : 0;
    if (Math.abs(ir.irDropV) <= threshold) {
      warnings.push(`R = ${ohm(ir.irDropV)} is negative within the noise of the IR step (3 sigma = ${mV(threshold)}): the step is not resolved`);
    } else {
      warnings.push(
        `R = ${ohm(ir.irDropV)} is negative: the IR step (${mV(ir.irDropV)}) goes against the current beyond its noise, so it is not an ohmic drop and dEt cannot be separated from it: no Weppner-Huggins D`,
      );
      weppnerHugginsTrusted = false;
    }
  }
  if (dEtV !== null && dEtV * sign < 0) {
    warnings.push(
      `dEt = ${mV(dEtV)} goes against the current (an IR step larger than the whole change of the pulse, or a transient that is not the insertion's diffusion): no diffusion coefficient`,
    );
    weppnerHugginsTrusted = false;
    sqrtTTrusted = false;
  }
  if (dEsV !== null && dEsV * sign < 0) {
    warnings.push(`dEs = ${mV(dEsV)} goes against the current (E0 or Es not relaxed, or not a single-phase insertion): no diffusion coefficient`);
    weppnerHugginsTrusted = false;
    sqrtTTrusted = false;
  }
  return { warnings, weppnerHugginsTrusted, sqrtTTrusted };
}
