import { AnalysisError } from '../errors.js';
import { findMaterial, type NdpMaterial } from './materials.js';

/**
 * The sample as the particles see it, detector side first: a window or the
 * current collector, then the profiled layer (the Li deposit, the
 * electrolyte), then whatever lies behind it. The profiled layer is the one
 * whose thickness is null: depth is measured from its detector-side face, and
 * it extends as deep as the particles can come from. Layers behind it are
 * never crossed on the way to the detector and do not change the result.
 */
export interface NdpLayer {
  /** A registry name (`Cu`, `Li`, `Kapton`, ...; materials.ts) or a material (a mixture). */
  readonly material: string | NdpMaterial;
  readonly thicknessNm: number | null;
  /** The layer's own density (g/cm3) when it differs from the material's: a porous deposit, a pellet. */
  readonly densityGPerCm3?: number;
}

export interface NdpStack {
  /** Angle between the sample normal and the direction to the detector: paths are thickness / cos(angle). */
  readonly detectorAngleDeg: number;
  readonly layers: readonly NdpLayer[];
}

/** Bounds of a stack: what a real NDP sample and geometry can be. */
export const STACK_BOUNDS = {
  /** Beyond 85 degrees a path is more than 11 times the thickness and the depth scale rests on the angle alone. */
  maxDetectorAngleDeg: 85,
  maxLayers: 16,
  /** 1 mm: far beyond the range of a 2.7 MeV triton in any material here (~0.14 mm in Li). */
  maxThicknessNm: 1e6,
  minDensityGPerCm3: 1e-3,
  maxDensityGPerCm3: 25,
} as const;

export interface ResolvedLayer {
  readonly material: NdpMaterial;
  readonly densityGPerCm3: number;
  readonly thicknessNm: number;
}

export interface ResolvedStack {
  readonly cosAngle: number;
  /** Layers between the profiled layer and the detector, detector side first. */
  readonly before: readonly ResolvedLayer[];
  readonly profiled: { readonly material: NdpMaterial; readonly densityGPerCm3: number };
}

/** Checks a stack and resolves its materials; a stack that is not physical is refused with the layer and the reason. */
export function resolveStack(stack: NdpStack): ResolvedStack {
  const angle = stack.detectorAngleDeg;
  if (!(Number.isFinite(angle) && angle >= 0 && angle <= STACK_BOUNDS.maxDetectorAngleDeg)) {
    throw invalid(`detectorAngleDeg must be within 0..${STACK_BOUNDS.maxDetectorAngleDeg}, got ${angle}`);
  }
  if (stack.layers.length === 0 || stack.layers.length > STACK_BOUNDS.maxLayers) throw invalid(`a stack has 1..${STACK_BOUNDS.maxLayers} layers, got ${stack.layers.length}`);
  const profiledAt = stack.layers.flatMap((l, i) => (l.thicknessNm === null ? [i] : []));
  if (profiledAt.length !== 1) throw invalid(`exactly one layer (the profiled one) has thickness null, got ${profiledAt.length}`);
  const resolved = stack.layers.map((layer, i) => {
    const material = typeof layer.material === 'string' ? findMaterial(layer.material) : layer.material;
    const density = layer.densityGPerCm3 ?? material.densityGPerCm3;
    if (!(density >= STACK_BOUNDS.minDensityGPerCm3 && density <= STACK_BOUNDS.maxDensityGPerCm3)) {
      throw invalid(`layer ${i} (${material.name}): density must be within ${STACK_BOUNDS.minDensityGPerCm3}..${STACK_BOUNDS.maxDensityGPerCm3} g/cm3, got ${density}`);
    }
    const thickness = layer.thicknessNm;
    if (thickness !== null && !(thickness >= 0 && thickness <= STACK_BOUNDS.maxThicknessNm)) {
      throw invalid(`layer ${i} (${material.name}): thicknessNm must be within 0..${STACK_BOUNDS.maxThicknessNm}, got ${thickness}`);
    }
    return { material, densityGPerCm3: density, thicknessNm: thickness ?? 0 };
  });
  const p = profiledAt[0]!;
  return {
    cosAngle: Math.cos((angle * Math.PI) / 180),
    before: resolved.slice(0, p).filter((l) => l.thicknessNm > 0),
    profiled: { material: resolved[p]!.material, densityGPerCm3: resolved[p]!.densityGPerCm3 },
  };
}

function invalid(message: string): AnalysisError {
  return new AnalysisError(`NDP stack: ${message}`, 'INVALID_INPUT');
}
