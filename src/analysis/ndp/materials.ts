import { AVOGADRO_PER_MOL } from '../../core/physical-constants.js';
import { AnalysisError } from '../errors.js';
import type { NdpBranch } from './constants.js';
import { stoppingData, type StoppingData } from './stopping-data.js';
import { braggStopping, elementStopping, tableStopping, type MassStopping } from './stopping-power.js';

/** Where a material's stopping comes from. */
export type StoppingSource =
  /** A column of the ASTAR (alphas) and PSTAR (tritons) tables, by Geant4 material name. */
  | { readonly kind: 'nist-table'; readonly column: string }
  /** Bragg's rule over the ICRU49 / Ziegler fits of the formula's elements. */
  | { readonly kind: 'element-fits' }
  /** Bragg's rule over other materials by mass fraction. */
  | { readonly kind: 'mixture'; readonly components: ReadonlyArray<{ readonly material: NdpMaterial; readonly massFraction: number }> };

export interface NdpMaterial {
  readonly name: string;
  readonly description: string;
  /** Full density (g/cm3); a layer may give its own (a porous deposit, a pressed pellet). */
  readonly densityGPerCm3: number;
  /** Atoms per formula unit, where the stopping or the Li content needs it. */
  readonly formula: Readonly<Record<string, number>> | null;
  readonly stopping: StoppingSource;
  /** Why the stopping is less certain than the NIST tables' few %, or null. */
  readonly approximate: string | null;
}

const table = (column: string): StoppingSource => ({ kind: 'nist-table', column });
const FITS: StoppingSource = { kind: 'element-fits' };
/**
 * Bragg sums of element fits miss the chemical and phase effects of a solid
 * compound (the O, N and F fits are for the gases): for LiF the same sum lies
 * 5 % (2 MeV) to 13 % (0.5 MeV) below ASTAR for alphas and within 1.5 % of
 * PSTAR for tritons (stopping-power.test.ts).
 */
const FIT_NOTE = 'Bragg sum of ICRU49 element fits (gas-phase O and N, sparse data for La and Zr): as for LiF, expect the alpha stopping 5-13 % low, the triton stopping within about 2 %';

/**
 * The materials an NDP stack is made of. Densities are those of Geant4's
 * NIST material builder for the tabulated materials (so the tables' mass
 * stopping and the density belong together), handbook values otherwise.
 */
export const NDP_MATERIALS: readonly NdpMaterial[] = [
  { name: 'Li', description: 'lithium metal (ICRU49 fits for Z = 3; ASTAR/PSTAR have no Li table)', densityGPerCm3: 0.534, formula: { Li: 1 }, stopping: FITS, approximate: null },
  { name: 'Cu', description: 'copper (current collector)', densityGPerCm3: 8.96, formula: null, stopping: table('G4_Cu'), approximate: null },
  {
    name: 'Ni',
    description: 'nickel (ICRU49 fits for Z = 28, as Geant4 computes it: ASTAR/PSTAR have no Ni table; the same fits give ASTAR Cu within 0.1 %, PSTAR Cu within 3 %)',
    densityGPerCm3: 8.902,
    formula: { Ni: 1 },
    stopping: FITS,
    approximate: null,
  },
  { name: 'Al', description: 'aluminium', densityGPerCm3: 2.699, formula: null, stopping: table('G4_Al'), approximate: null },
  { name: 'Si', description: 'silicon', densityGPerCm3: 2.33, formula: null, stopping: table('G4_Si'), approximate: null },
  { name: 'C', description: 'amorphous carbon (G4_C, 2.0 g/cm3; give graphite its own density)', densityGPerCm3: 2.0, formula: null, stopping: table('G4_C'), approximate: null },
  { name: 'Au', description: 'gold', densityGPerCm3: 19.32, formula: null, stopping: table('G4_Au'), approximate: null },
  { name: 'Ag', description: 'silver', densityGPerCm3: 10.5, formula: null, stopping: table('G4_Ag'), approximate: null },
  { name: 'Ti', description: 'titanium', densityGPerCm3: 4.54, formula: null, stopping: table('G4_Ti'), approximate: null },
  { name: 'Kapton', description: 'polyimide window, C22H10N2O5', densityGPerCm3: 1.42, formula: null, stopping: table('G4_KAPTON'), approximate: null },
  { name: 'Mylar', description: 'PET window, C10H8O4', densityGPerCm3: 1.4, formula: null, stopping: table('G4_MYLAR'), approximate: null },
  { name: 'polyethylene', description: 'polyethylene, (C2H4)n', densityGPerCm3: 0.94, formula: null, stopping: table('G4_POLYETHYLENE'), approximate: null },
  { name: 'LiF', description: 'lithium fluoride (an SEI component)', densityGPerCm3: 2.635, formula: { Li: 1, F: 1 }, stopping: table('G4_LITHIUM_FLUORIDE'), approximate: null },
  {
    name: 'LLZO',
    description: 'garnet electrolyte Li7La3Zr2O12, cubic, theoretical density (a pellet is 90-97 % of it: give the layer its density)',
    densityGPerCm3: 5.11,
    formula: { Li: 7, La: 3, Zr: 2, O: 12 },
    stopping: FITS,
    approximate: FIT_NOTE,
  },
  {
    name: 'LiPON',
    description: 'sputtered lithium phosphorus oxynitride Li2.9PO3.3N0.46 (Bates et al.), 2.5 g/cm3 (2.3-2.5 reported)',
    densityGPerCm3: 2.5,
    formula: { Li: 2.9, P: 1, O: 3.3, N: 0.46 },
    stopping: FITS,
    approximate: FIT_NOTE,
  },
];

export const NDP_MATERIAL_NAMES: readonly string[] = NDP_MATERIALS.map((m) => m.name);

/** A material of the registry by name (exact spelling). */
export function findMaterial(name: string): NdpMaterial {
  const material = NDP_MATERIALS.find((m) => m.name === name);
  if (!material) throw new AnalysisError(`unknown material "${name}" (known: ${NDP_MATERIAL_NAMES.join(', ')})`, 'INVALID_INPUT', { material: name });
  return material;
}

/** A mixture by mass fraction of registry (or other) materials, e.g. a composite electrolyte; its stopping by Bragg's rule. */
export function mixtureMaterial(name: string, components: ReadonlyArray<{ material: NdpMaterial; massFraction: number }>, densityGPerCm3: number): NdpMaterial {
  const total = components.reduce((sum, c) => sum + c.massFraction, 0);
  if (components.length === 0 || components.some((c) => !(c.massFraction > 0)) || Math.abs(total - 1) > 1e-6) {
    throw new AnalysisError(`${name}: mass fractions must be > 0 and sum to 1`, 'INVALID_INPUT', { material: name });
  }
  if (!(densityGPerCm3 > 0 && Number.isFinite(densityGPerCm3))) throw new AnalysisError(`${name}: density must be > 0`, 'INVALID_INPUT', { material: name });
  const approximate = components.some((c) => c.material.approximate !== null) ? 'Bragg mixture of approximate components' : null;
  return { name, description: `mixture of ${components.map((c) => `${c.material.name} ${(100 * c.massFraction).toPrecision(3)} %`).join(', ')}`, densityGPerCm3, formula: null, stopping: { kind: 'mixture', components }, approximate };
}

function atomicWeight(symbol: string, data: StoppingData, material: string): number {
  const fit = data.elements.get(symbol);
  if (!fit) throw new AnalysisError(`${material}: no element data for ${symbol}`, 'INVALID_INPUT', { material });
  return fit.atomicWeightGPerMol;
}

const stoppingCache = new WeakMap<NdpMaterial, Map<NdpBranch, MassStopping>>();

/** Mass stopping (MeV cm2/g) of `particle` in `material`, built once per material and particle. */
export function materialStopping(material: NdpMaterial, particle: NdpBranch, data: StoppingData = stoppingData()): MassStopping {
  let byParticle = stoppingCache.get(material);
  if (!byParticle) stoppingCache.set(material, (byParticle = new Map()));
  let stopping = byParticle.get(particle);
  if (!stopping) {
    stopping = buildStopping(material, particle, data);
    byParticle.set(particle, stopping);
  }
  return stopping;
}

function buildStopping(material: NdpMaterial, particle: NdpBranch, data: StoppingData): MassStopping {
  const source = material.stopping;
  switch (source.kind) {
    case 'nist-table':
      return tableStopping(particle === 'alpha' ? data.astar : data.pstar, source.column, particle);
    case 'element-fits': {
      const formula = material.formula ?? {};
      const masses = Object.entries(formula).map(([symbol, count]) => ({ symbol, mass: count * atomicWeight(symbol, data, material.name) }));
      const total = masses.reduce((sum, m) => sum + m.mass, 0);
      return braggStopping(masses.map((m) => ({ stopping: elementStopping(data.elements.get(m.symbol)!, particle), massFraction: m.mass / total })));
    }
    case 'mixture':
      return braggStopping(source.components.map((c) => ({ stopping: materialStopping(c.material, particle, data), massFraction: c.massFraction })));
  }
}

/** Li atoms per gram of the material (0 when it holds none). */
export function lithiumAtomsPerGram(material: NdpMaterial, data: StoppingData = stoppingData()): number {
  if (material.stopping.kind === 'mixture') {
    return material.stopping.components.reduce((sum, c) => sum + c.massFraction * lithiumAtomsPerGram(c.material, data), 0);
  }
  const formula = material.formula;
  if (!formula || !formula.Li) return 0;
  const molarMass = Object.entries(formula).reduce((sum, [symbol, count]) => sum + count * atomicWeight(symbol, data, material.name), 0);
  return (formula.Li / molarMass) * AVOGADRO_PER_MOL;
}

/** Li atoms per cm3 at the material's density or at `densityGPerCm3` (a porous layer): 4.633e22 for dense Li metal. */
export function lithiumAtomsPerCm3(material: NdpMaterial, densityGPerCm3: number = material.densityGPerCm3, data: StoppingData = stoppingData()): number {
  return lithiumAtomsPerGram(material, data) * densityGPerCm3;
}
