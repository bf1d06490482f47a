/** Physical constants of the analyses (CODATA values as SCIENCE.md gives them). */

/** Faraday constant, C/mol. */
export const FARADAY_C_PER_MOL = 96485.332;

/** Molar gas constant, J/(mol K). */
export const GAS_CONSTANT_J_PER_MOL_K = 8.314462;

/** Boltzmann constant, eV/K: activation energies are reported in eV. */
export const BOLTZMANN_EV_PER_K = 8.617333e-5;
