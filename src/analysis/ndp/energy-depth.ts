import { birthEnergyKeV, type NdpBranch } from './constants.js';
import { materialStopping, type NdpMaterial } from './materials.js';
import { RangeTable } from './range-table.js';
import { resolveStack, type NdpStack, type ResolvedStack } from './stack.js';
import { linearStoppingKeVPerNm } from './stopping-power.js';

/** Range tables kept per material, at most this many densities each (layers of one lab use a handful). */
const MAX_DENSITIES_PER_MATERIAL = 32;
const rangeTables = new WeakMap<NdpMaterial, Map<string, RangeTable>>();

/** The range table of `particle` in `material` at `densityGPerCm3`, built once and kept. */
export function rangeTable(material: NdpMaterial, densityGPerCm3: number, particle: NdpBranch): RangeTable {
  let tables = rangeTables.get(material);
  if (!tables) rangeTables.set(material, (tables = new Map()));
  const key = `${particle} ${densityGPerCm3}`;
  let table = tables.get(key);
  if (!table) {
    const mass = materialStopping(material, particle);
    table = new RangeTable((energyKeV) => linearStoppingKeVPerNm(mass(energyKeV), densityGPerCm3));
    if (tables.size >= MAX_DENSITIES_PER_MATERIAL) tables.delete(tables.keys().next().value!);
    tables.set(key, table);
  }
  return table;
}

/**
 * Energy and depth for one branch (alpha or triton) in one stack and
 * geometry. A particle born at depth x of the profiled layer crosses
 * x / cos(angle) of it, then every layer before it (thickness / cos(angle)),
 * losing energy by the stopping of each:
 *
 *   E_det(x) = E_out,layers( R_p^-1( R_p(E0) - x / cos ) )
 *   x(E_det) = cos * ( R_p(E0) - R_p(E_face(E_det)) ) = cos * integral_{E_face}^{E0} dE / S_p(E)
 *
 * where E_face is the energy at the profiled layer's face of a particle that
 * reaches the detector with E_det (the layers crossed backwards, adding their
 * ranges). Both directions read the same range tables (range-table.ts), so
 * they are inverses of each other; x is the depth along the sample normal.
 */
export class BranchDepthMap {
  readonly birthEnergyKeV: number;
  /** Energy at the detector of a particle born at the profiled layer's face (depth 0). */
  readonly surfaceEnergyKeV: number;
  /** The deepest origin (nm) from which the particle still reaches the detector (with energy -> 0). */
  readonly maxDepthNm: number;
  private readonly profiled: RangeTable;
  private readonly birthRangeNm: number;
  /** Layers between the profiled layer and the detector, in the order the particle crosses them (profiled side first). */
  private readonly crossed: ReadonlyArray<{ table: RangeTable; pathNm: number }>;
  private readonly cosAngle: number;

  constructor(
    stack: NdpStack | ResolvedStack,
    readonly branch: NdpBranch,
  ) {
    const resolved = 'layers' in stack ? resolveStack(stack) : stack;
    this.cosAngle = resolved.cosAngle;
    this.birthEnergyKeV = birthEnergyKeV(branch);
    this.profiled = rangeTable(resolved.profiled.material, resolved.profiled.densityGPerCm3, branch);
    this.birthRangeNm = this.profiled.rangeNm(this.birthEnergyKeV);
    this.crossed = resolved.before
      .map((layer) => ({ table: rangeTable(layer.material, layer.densityGPerCm3, branch), pathNm: layer.thicknessNm / resolved.cosAngle }))
      .reverse();
    this.surfaceEnergyKeV = this.detectorEnergyKeV(0) ?? 0;
    this.maxDepthNm = this.depthNm(0)!;
  }

  /**
   * Energy (keV) at the detector of the particle born at `depthNm` (negative
   * depths extrapolate the scale above the face, for counts the detector
   * resolution put above the surface energy), or null when it stops before.
   */
  detectorEnergyKeV(depthNm: number): number | null {
    let energy = this.profiled.energyAtRangeKeV(this.birthRangeNm - depthNm / this.cosAngle);
    if (!(energy > 0)) return null;
    for (const { table, pathNm } of this.crossed) {
      const out = table.energyAfterPathKeV(energy, pathNm);
      if (out === null) return null;
      energy = out;
    }
    return energy;
  }

  /** The depth (nm) at which a particle detected with `energyKeV` was born; null for a negative or non-finite energy. */
  depthNm(energyKeV: number): number | null {
    if (!(energyKeV >= 0) || !Number.isFinite(energyKeV)) return null;
    let energy = energyKeV;
    for (let k = this.crossed.length - 1; k >= 0; k--) energy = this.crossed[k]!.table.energyBeforePathKeV(energy, this.crossed[k]!.pathNm);
    return (this.birthRangeNm - this.profiled.rangeNm(energy)) * this.cosAngle;
  }

  /** Linear stopping (keV/nm) of the branch's particle in the profiled layer. */
  profiledStoppingKeVPerNm(energyKeV: number): number {
    return this.profiled.stoppingKeVPerNm(energyKeV);
  }
}
