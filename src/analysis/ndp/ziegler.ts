/**
 * The ICRU Report 49 / Ziegler element parametrisations of electronic
 * stopping, as Geant4 evaluates them (G4BraggIonModel for He ions,
 * G4BraggModel for protons; the coefficients are in
 * stopping/icru49_element_fits.csv, their origin in stopping/PROVENANCE.md).
 * Both give the stopping cross section per atom in eV / (1e15 atoms/cm2).
 */

/** A1..A5 of one element for one projectile, exactly as in the source. */
export type ZieglerCoefficients = readonly [number, number, number, number, number];

/**
 * He ions: T is the He kinetic energy in MeV (whole ion). No effective-charge
 * factor: the fit is for He ions themselves.
 *   S_low = A1 (1000 T)^A2, S_high = (A3/T) ln(1 + A4/T + A5 T), S = S_low S_high / (S_low + S_high)
 * Below 1 keV the free-electron-gas branch S(1 keV) sqrt(E / 1 keV), which joins smoothly.
 */
export function heliumStoppingEvPer1e15Atoms(a: ZieglerCoefficients, heEnergyMeV: number): number {
  const [a1, a2, a3, a4, a5] = a;
  let s: number;
  if (heEnergyMeV < 0.001) {
    const high = a3 * 1000 * Math.log(1 + a4 * 1000 + a5 * 0.001);
    s = ((a1 * high) / (a1 + high)) * Math.sqrt(heEnergyMeV * 1000);
  } else {
    const low = a1 * Math.pow(heEnergyMeV * 1000, a2);
    const high = (a3 / heEnergyMeV) * Math.log(1 + a4 / heEnergyMeV + a5 * heEnergyMeV);
    s = (low * high) / (low + high);
  }
  return Math.max(s, 0);
}

/** The proton mass in atomic mass units, as G4BraggModel takes it. */
const PROTON_MASS_AMU = 1.007276;

/**
 * Protons: T is the proton energy in keV per amu (E_p / 1.007276).
 *   below T = 10 keV/u (40 for carbon, Z = 6): fac = sqrt(T/10) and T = 10
 *   S_low = A2 T^0.45, S_high = (A3/T) ln(1 + A4/T + A5 T), S = fac S_low S_high / (S_low + S_high)
 * A1 is not used (as in current Geant4).
 */
export function protonStoppingEvPer1e15Atoms(a: ZieglerCoefficients, protonEnergyKeV: number, z: number): number {
  const [, a2, a3, a4, a5] = a;
  let t = protonEnergyKeV / PROTON_MASS_AMU;
  let fac = 1;
  const threshold = z === 6 ? 40 : 10;
  if (t < threshold) {
    fac = Math.sqrt(t / threshold);
    t = threshold;
  }
  const low = a2 * Math.pow(t, 0.45);
  const high = (a3 / t) * Math.log(1 + a4 / t + a5 * t);
  return Math.max((fac * low * high) / (low + high), 0);
}
