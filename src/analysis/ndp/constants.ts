import { AVOGADRO_PER_MOL, ELEMENTARY_CHARGE_C } from '../../core/physical-constants.js';

/**
 * The numbers of operando NDP (SCIENCE.md section 5): 6Li(n,alpha)3H gives
 * an alpha of 2055 keV and a triton of 2727 keV, back to back.
 */
export const ALPHA_BIRTH_ENERGY_KEV = 2055;
export const TRITON_BIRTH_ENERGY_KEV = 2727;

/** The two charged products, each a "branch" of the spectrum. */
export const NDP_BRANCHES = ['alpha', 'triton'] as const;
export type NdpBranch = (typeof NDP_BRANCHES)[number];

export function birthEnergyKeV(branch: NdpBranch): number {
  return branch === 'alpha' ? ALPHA_BIRTH_ENERGY_KEV : TRITON_BIRTH_ENERGY_KEV;
}

/**
 * m_t / m_p as Geant4 takes it (nuclear masses, `mass/proton_mass_c2`): a
 * triton of E_t moves as fast as a proton of E_t / 2.99372. Dividing by 3
 * instead changes the stopping by about 0.2 %.
 */
export const TRITON_TO_PROTON_MASS_RATIO = 2.99372;

/** Natural lithium (the ICRU49 and Geant4 value): g/mol. */
export const LITHIUM_MOLAR_MASS_G_PER_MOL = 6.941;
/** Dense lithium metal, g/cm3. */
export const DENSE_LITHIUM_G_PER_CM3 = 0.534;
/** Atoms per cm3 of dense Li metal: 0.534 g/cm3 / 6.941 g/mol x N_A = 4.633e22 (SCIENCE.md: 4.63e22). */
export const DENSE_LITHIUM_ATOMS_PER_CM3 = (DENSE_LITHIUM_G_PER_CM3 / LITHIUM_MOLAR_MASS_G_PER_MOL) * AVOGADRO_PER_MOL;
/** Li atoms per cm2 that carry 1 mAh/cm2 (3.6 C/cm2 / e = 2.247e19, SCIENCE.md). */
export const LITHIUM_PER_CM2_PER_MAH_PER_CM2 = 3.6 / ELEMENTARY_CHARGE_C;
/** 6Li atom fraction of natural lithium (SCIENCE.md: 7.59 %); K is defined for it. */
export const NATURAL_LI6_FRACTION = 0.0759;

export const NM_PER_CM = 1e7;
