import { findMaterial, mixtureMaterial, type NdpMaterial } from '../../src/analysis/ndp/materials.js';
import { AVOGADRO_PER_MOL } from '../../src/core/physical-constants.js';

/**
 * The liquid electrolyte of the Li-on-Cu cell as the charged particles see
 * it: LiPF6 in a carbonate solvent (EC/DMC, "LP30"), 1.3 g/cm3 at 1 M.
 *
 * Stopping by Bragg's rule over mass fractions:
 * - the solvent as PET (Mylar, C10H8O4, NIST tables): EC/DMC holds C, H and
 *   O as PET does, 5.5 % H by mass against 4.2 %, about 0.527 electrons per
 *   nucleon against 0.521, so its mass stopping lies within about 2 % of
 *   PET's;
 * - the salt LiPF6 by the ICRU49 element fits of Li, P and F (gas-phase F:
 *   a few % uncertain, on 12 % of the mass).
 * The salt's mass fraction follows from the cell's Li concentration, so
 * the Li and the stopping agree; the density is held at the 1 M value.
 */
export const CARBONATE_ELECTROLYTE_DENSITY_G_PER_CM3 = 1.3;

/** LiPF6: 6.941 + 30.974 + 6 x 18.998 g/mol. */
const LIPF6_MOLAR_MASS_G_PER_MOL = 151.9;

const LIPF6: NdpMaterial = {
  name: 'LiPF6',
  description: 'lithium hexafluorophosphate, the salt of the electrolyte',
  densityGPerCm3: 2.84,
  formula: { Li: 1, P: 1, F: 6 },
  stopping: { kind: 'element-fits' },
  approximate: 'Bragg sum of ICRU49 element fits (gas-phase F)',
};

/** One material per concentration (range tables are kept per material object): a lab has one or two. */
const byConcentration = new Map<number, NdpMaterial>();
const MAX_KEPT = 16;

/** The electrolyte holding `liPerCm3` Li atoms/cm3 (6.0e20 at 1 M); at most about 8 M. */
export function carbonateElectrolyte(liPerCm3: number): NdpMaterial {
  let material = byConcentration.get(liPerCm3);
  if (material) return material;
  const saltFraction = (liPerCm3 / AVOGADRO_PER_MOL) * (LIPF6_MOLAR_MASS_G_PER_MOL / CARBONATE_ELECTROLYTE_DENSITY_G_PER_CM3);
  if (!(saltFraction >= 0 && saltFraction < 1)) throw new RangeError(`an electrolyte of ${liPerCm3} Li/cm3 would be more LiPF6 than its mass`);
  const solvent = { material: findMaterial('Mylar'), massFraction: 1 - saltFraction };
  material = mixtureMaterial(
    `carbonate electrolyte, ${((liPerCm3 / AVOGADRO_PER_MOL) * 1000).toPrecision(3)} M LiPF6`,
    saltFraction > 0 ? [solvent, { material: LIPF6, massFraction: saltFraction }] : [solvent],
    CARBONATE_ELECTROLYTE_DENSITY_G_PER_CM3,
  );
  if (byConcentration.size >= MAX_KEPT) byConcentration.clear();
  byConcentration.set(liPerCm3, material);
  return material;
}
