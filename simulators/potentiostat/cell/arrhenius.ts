import { BOLTZMANN_EV_PER_K } from '../../../src/core/physical-constants.js';

/**
 * Temperature dependence of the rates, in the forms the lab's Arrhenius fits
 * use (SCIENCE.md section 3), so a fit of simulated data recovers the preset's Ea:
 * a thermally activated coefficient k (D, exchange current) follows
 * k = k0 exp(-Ea/(kB T)); a conductivity follows sigma T = A exp(-Ea/(kB T)).
 */

/** k(T)/k(Tref) for k = k0 exp(-Ea/(kB T)). */
export function activatedRatio(activationEnergyEv: number, temperatureK: number, referenceTemperatureK: number): number {
  return Math.exp((-activationEnergyEv / BOLTZMANN_EV_PER_K) * (1 / temperatureK - 1 / referenceTemperatureK));
}

/** sigma(T)/sigma(Tref) for sigma T = A exp(-Ea/(kB T)). */
export function conductivityRatio(activationEnergyEv: number, temperatureK: number, referenceTemperatureK: number): number {
  return (referenceTemperatureK / temperatureK) * activatedRatio(activationEnergyEv, temperatureK, referenceTemperatureK);
}
