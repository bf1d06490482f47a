/** Physical constants (CODATA values as SCIENCE.md gives them), in the units the names carry; one module for analyses and simulators. */
export const FARADAY_C_PER_MOL = 96485.332;
export const GAS_CONSTANT_J_PER_MOL_K = 8.314462;
export const BOLTZMANN_EV_PER_K = 8.617333e-5;
export const ELEMENTARY_CHARGE_C = 1.602177e-19;
export const AVOGADRO_PER_MOL = 6.022141e23;
