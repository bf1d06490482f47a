import { AVOGADRO_PER_MOL } from '../../core/physical-constants.js';
import { TRITON_TO_PROTON_MASS_RATIO, type NdpBranch } from './constants.js';
import type { ElementFit, StoppingTable } from './stopping-data.js';
import { heliumStoppingEvPer1e15Atoms, protonStoppingEvPer1e15Atoms } from './ziegler.js';

/**
 * Electronic mass stopping power of one particle (the alpha or the triton
 * of a capture) in one material: MeV cm2/g (= keV per mg/cm2) at the
 * particle's kinetic energy in keV. Nuclear stopping is left out: well under
 * 1 % at MeV energies, it matters only in the last tens of keV of a track,
 * below any energy the reduction uses.
 */
export type MassStopping = (energyKeV: number) => number;

/**
 * The projectile energy (MeV) at which a table or fit is read for a particle
 * of `energyKeV`: an alpha is a He ion (ASTAR, He fits: the whole ion's
 * energy); a triton moves as fast as a proton of E_t m_p/m_t, and with the
 * same charge (Z = 1) it has that proton's stopping (PSTAR, H fits).
 */
export function projectileEnergyMeV(particle: NdpBranch, energyKeV: number): number {
  return particle === 'alpha' ? energyKeV / 1000 : energyKeV / TRITON_TO_PROTON_MASS_RATIO / 1000;
}

/**
 * One column of an ASTAR/PSTAR table, interpolated log-log between its
 * points (monotone, and within a small fraction of the tables' few-%
 * uncertainty of Geant4's spline): S = S1 exp[ln(E/E1) ln(S2/S1) / ln(E2/E1)].
 * Below the first point (1 keV) S(E1) sqrt(E/E1), the free-electron-gas
 * rule both Geant4 codes use; above the last, the last value.
 */
export function tableStopping(table: StoppingTable, column: string, particle: NdpBranch): MassStopping {
  const values = table.columns.get(column);
  if (!values) throw new RangeError(`no column ${column} in the stopping table`);
  const lnE = Float64Array.from(table.energyMeV, Math.log);
  const lnS = Float64Array.from(values, Math.log);
  const last = lnE.length - 1;
  return (energyKeV) => {
    const e = projectileEnergyMeV(particle, energyKeV);
    if (!(e > 0)) return 0;
    const u = Math.log(e);
    if (u <= lnE[0]!) return values[0]! * Math.sqrt(e / table.energyMeV[0]!);
    if (u >= lnE[last]!) return values[last]!;
    let lo = 0;
    let hi = last;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (lnE[mid]! <= u) lo = mid;
      else hi = mid;
    }
    const t = (u - lnE[lo]!) / (lnE[hi]! - lnE[lo]!);
    return Math.exp(lnS[lo]! + t * (lnS[hi]! - lnS[lo]!));
  };
}

/**
 * eV/(1e15 atoms/cm2) to MeV cm2/g for an element of atomic weight A:
 * 1e-15 eV cm2 per atom x N_A/A atoms per g x 1e-6 MeV/eV (602.214/A).
 */
export function perAtomToMassStopping(atomicWeightGPerMol: number): number {
  return (AVOGADRO_PER_MOL * 1e-21) / atomicWeightGPerMol;
}

/** An element from its ICRU49 / Ziegler fit (He fit for alphas, proton fit for tritons at the proton energy of the same velocity). */
export function elementStopping(fit: ElementFit, particle: NdpBranch): MassStopping {
  const toMass = perAtomToMassStopping(fit.atomicWeightGPerMol);
  if (particle === 'alpha') return (energyKeV) => heliumStoppingEvPer1e15Atoms(fit.helium, energyKeV / 1000) * toMass;
  return (energyKeV) => protonStoppingEvPer1e15Atoms(fit.proton, projectileEnergyMeV('triton', energyKeV) * 1000, fit.z) * toMass;
}

/**
 * Bragg's rule: the mass stopping of a compound or mixture is the sum of its
 * constituents' weighted by mass fraction (chemical and phase effects, a few
 * % near the stopping maximum, are left out). Fractions must sum to 1.
 */
export function braggStopping(components: ReadonlyArray<{ readonly stopping: MassStopping; readonly massFraction: number }>): MassStopping {
  const total = components.reduce((sum, c) => sum + c.massFraction, 0);
  if (components.length === 0 || components.some((c) => !(c.massFraction > 0)) || Math.abs(total - 1) > 1e-6) {
    throw new RangeError(`Bragg's rule needs mass fractions > 0 that sum to 1, got ${components.map((c) => c.massFraction).join(', ')}`);
  }
  const stoppings = components.map((c) => c.stopping);
  const fractions = components.map((c) => c.massFraction);
  return (energyKeV) => {
    let s = 0;
    for (let i = 0; i < stoppings.length; i++) s += fractions[i]! * stoppings[i]!(energyKeV);
    return s;
  };
}

/** Linear stopping (keV/nm) from mass stopping (MeV cm2/g) and density (g/cm3): S rho x 1e-4 (keV/um is S rho / 10). */
export function linearStoppingKeVPerNm(massStoppingMeVCm2PerG: number, densityGPerCm3: number): number {
  return massStoppingMeVCm2PerG * densityGPerCm3 * 1e-4;
}
