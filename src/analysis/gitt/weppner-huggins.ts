import { FARADAY_C_PER_MOL } from '../../core/physical-constants.js';

/**
 * Weppner-Huggins diffusion coefficients from one GITT pulse (Weppner and
 * Huggins, J. Electrochem. Soc. 124 (1977) 1569).
 *
 * Where they hold:
 * - short pulses, tau << L^2/D (L the diffusion length, V/S for a film, the
 *   radius for particles): diffusion into a semi-infinite solid, so that the
 *   transient grows as sqrt(t);
 * - small steps: |dEs| small enough that the coulometric titration curve
 *   E(x) is linear over the pulse, so dE/dx = dEs/dx;
 * - |dEt| (IR step excluded) about linear in sqrt(t) during the pulse: check
 *   the R^2 of V against sqrt(t);
 * - no side reactions: all the charge changes x, and the IR step is ohmic.
 * Outside this regime the numbers are apparent coefficients at best.
 */

/** D = 4/(pi tau) (V/S)^2 (dEs/dEt)^2, with V/S = m V_M/(M S), or r/3 for spheres (4 r^2/(9 pi tau)). */
export function weppnerHugginsCm2PerS(durationS: number, volumePerAreaCm: number, dEsV: number, dEtV: number): number {
  return (4 / (Math.PI * durationS)) * (volumePerAreaCm * (dEsV / dEtV)) ** 2;
}

/** D = 4/pi (I V_M/(z F S))^2 ((dEs/dx) / (dE/dsqrt(t)))^2. */
export function weppnerHugginsSqrtTCm2PerS(args: {
  currentA: number;
  molarVolumeCm3PerMol: number;
  electronsPerIon: number;
  areaCm2: number;
  dEsPerDx: number;
  dVPerSqrtS: number;
}): number {
  const flux = (args.currentA * args.molarVolumeCm3PerMol) / (args.electronsPerIon * FARADAY_C_PER_MOL * args.areaCm2);
  return (4 / Math.PI) * (flux * (args.dEsPerDx / args.dVPerSqrtS)) ** 2;
}
