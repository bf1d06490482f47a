import { FARADAY_C_PER_MOL } from '../../core/physical-constants.js';
import { AnalysisError } from '../errors.js';
import type { GittSample } from './types.js';

/** The sample reduced to what the formulas need; null where the data were not given. */
export interface ResolvedSample {
  /** V/S of the active material: m V_M/(M S), or r/3 for spheres. */
  readonly volumePerAreaCm: number | null;
  /** I V_M/(z F S) needs these two besides the current. */
  readonly molarVolumeCm3PerMol: number | null;
  readonly areaCm2: number | null;
  /** n, moles of host, so that dx = -Q/(z F n). */
  readonly hostMol: number | null;
  readonly initialX: number | null;
  readonly electronsPerIon: number;
  /** What cannot be computed for any pulse, said once. */
  readonly warnings: string[];
}

const POSITIVE_KEYS = [
  'massG',
  'molarVolumeCm3PerMol',
  'molarMassGPerMol',
  'areaCm2',
  'particleRadiusCm',
  'theoreticalCapacityMah',
  'electronsPerIon',
] as const;

/** Validates the sample description and derives V/S and n. Throws an AnalysisError naming the bad field. */
export function resolveSample(sample: GittSample): ResolvedSample {
  for (const key of POSITIVE_KEYS) {
    const value = sample[key];
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new AnalysisError(`GITT sample: ${key} must be a finite number > 0, got ${value}`, 'INVALID_INPUT', { field: key, value });
    }
  }
  if (sample.initialX !== undefined && !Number.isFinite(sample.initialX)) {
    throw new AnalysisError(`GITT sample: initialX must be a finite number, got ${sample.initialX}`, 'INVALID_INPUT', { field: 'initialX' });
  }
  const { massG, molarVolumeCm3PerMol, molarMassGPerMol, areaCm2, particleRadiusCm, theoreticalCapacityMah } = sample;
  const z = sample.electronsPerIon ?? 1;
  const massSet =
    massG !== undefined && molarVolumeCm3PerMol !== undefined && molarMassGPerMol !== undefined && areaCm2 !== undefined
      ? (massG * molarVolumeCm3PerMol) / (molarMassGPerMol * areaCm2)
      : null;
  if (massSet !== null && particleRadiusCm !== undefined) {
    throw new AnalysisError(
      'GITT sample: give either massG, molarVolumeCm3PerMol, molarMassGPerMol and areaCm2, or particleRadiusCm, not both',
      'INVALID_INPUT',
      {},
    );
  }
  const warnings: string[] = [];
  const volumePerAreaCm = massSet ?? (particleRadiusCm !== undefined ? particleRadiusCm / 3 : null);
  if (volumePerAreaCm === null) {
    warnings.push('no geometry (massG, molarVolumeCm3PerMol, molarMassGPerMol, areaCm2, or particleRadiusCm): Weppner-Huggins D not computed');
  }
  const massMol = massG !== undefined && molarMassGPerMol !== undefined ? massG / molarMassGPerMol : null;
  // 1 mAh = 3.6 C.
  const capacityMol = theoreticalCapacityMah !== undefined ? (theoreticalCapacityMah * 3.6) / (z * FARADAY_C_PER_MOL) : null;
  if (massMol !== null && capacityMol !== null && Math.abs(capacityMol / massMol - 1) > 0.01) {
    warnings.push(
      `theoreticalCapacityMah (${theoreticalCapacityMah} mAh per unit x) disagrees with massG/molarMassGPerMol (${((massMol * z * FARADAY_C_PER_MOL) / 3.6).toPrecision(4)} mAh per unit x); the mass is used`,
    );
  }
  const hostMol = massMol ?? capacityMol;
  if (molarVolumeCm3PerMol === undefined || areaCm2 === undefined || hostMol === null) {
    warnings.push('the sqrt(t) form needs molarVolumeCm3PerMol, areaCm2 and massG with molarMassGPerMol (or theoreticalCapacityMah): not computed');
  }
  if (sample.initialX !== undefined && hostMol === null) {
    warnings.push('initialX is given but x needs massG with molarMassGPerMol, or theoreticalCapacityMah: x not computed');
  }
  return {
    volumePerAreaCm,
    molarVolumeCm3PerMol: molarVolumeCm3PerMol ?? null,
    areaCm2: areaCm2 ?? null,
    hostMol,
    initialX: hostMol !== null ? (sample.initialX ?? null) : null,
    electronsPerIon: z,
    warnings,
  };
}
