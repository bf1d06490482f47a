import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf } from '../error-code.test-support.js';
import { BranchDepthMap } from './energy-depth.js';
import { findMaterial, materialStopping } from './materials.js';
import type { NdpStack } from './stack.js';
import { linearStoppingKeVPerNm } from './stopping-power.js';

const cuLi: NdpStack = { detectorAngleDeg: 0, layers: [{ material: 'Cu', thicknessNm: 1000 }, { material: 'Li', thicknessNm: null }] };
const kaptonCuLlzo: NdpStack = {
  detectorAngleDeg: 30,
  layers: [{ material: 'Kapton', thicknessNm: 2000 }, { material: 'Cu', thicknessNm: 500 }, { material: 'LLZO', thicknessNm: null }, { material: 'Li', thicknessNm: 50_000 }],
};
const bareLi: NdpStack = { detectorAngleDeg: 0, layers: [{ material: 'Li', thicknessNm: null }] };
const maps = [cuLi, kaptonCuLlzo, bareLi].flatMap((stack) => (['alpha', 'triton'] as const).map((branch) => new BranchDepthMap(stack, branch)));

describe('BranchDepthMap: energy at the detector and depth', () => {
  it('starts at the birth energy minus the window loss: thin-window loss = S t within the curvature of S', () => {
    const alpha = new BranchDepthMap(cuLi, 'alpha');
    const triton = new BranchDepthMap(cuLi, 'triton');
    const cu = findMaterial('Cu');
    // Through 1 um Cu, S changes along the path; the mean of S at entry and exit bounds the loss within 1 %.
    for (const map of [alpha, triton]) {
      const s = (e: number) => linearStoppingKeVPerNm(materialStopping(cu, map.branch)(e), 8.96);
      const loss = map.birthEnergyKeV - map.surfaceEnergyKeV;
      expect(Math.abs(loss / (1000 * 0.5 * (s(map.birthEnergyKeV) + s(map.surfaceEnergyKeV))) - 1), map.branch).toBeLessThan(0.01);
    }
    // ~560 keV for the alpha (Cu 562 keV/um at 2 MeV), ~111 keV for the triton.
    expect(alpha.surfaceEnergyKeV).toBeGreaterThan(1450);
    expect(alpha.surfaceEnergyKeV).toBeLessThan(1500);
    expect(triton.surfaceEnergyKeV).toBeGreaterThan(2600);
    expect(triton.surfaceEnergyKeV).toBeLessThan(2630);
    expect(new BranchDepthMap(bareLi, 'alpha').surfaceEnergyKeV).toBeCloseTo(2055, 9);
  });

  it('is monotonic: deeper origins arrive with less energy, lower energies map deeper', () => {
    for (const map of maps) {
      let previousEnergy = Infinity;
      for (let depth = 0; depth < map.maxDepthNm; depth += map.maxDepthNm / 500) {
        const e = map.detectorEnergyKeV(depth)!;
        expect(e, `${map.branch} at ${depth} nm`).toBeLessThan(previousEnergy);
        previousEnergy = e;
      }
      let previousDepth = -Infinity;
      for (let e = map.surfaceEnergyKeV + 50; e >= 0; e -= 5) {
        const depth = map.depthNm(e)!;
        expect(depth).toBeGreaterThan(previousDepth);
        previousDepth = depth;
      }
    }
  });

  it('depth(E_det(x)) = x: property over depths from 0 to the deepest origin (to 1e-6 nm + 1e-9 relative)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: maps.length - 1 }), fc.double({ min: 0, max: 0.999, noNaN: true }), (m, fraction) => {
        const map = maps[m]!;
        const depth = fraction * map.maxDepthNm;
        const energy = map.detectorEnergyKeV(depth);
        expect(energy).not.toBeNull();
        expect(Math.abs(map.depthNm(energy!)! - depth)).toBeLessThan(1e-6 + 1e-9 * map.maxDepthNm);
      }),
    );
  });

  it('E_det(depth(E)) = E: property over detector energies from 1 keV to 50 keV above the surface energy (to 1e-6 keV)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: maps.length - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), (m, fraction) => {
        const map = maps[m]!;
        const energy = 1 + fraction * (map.surfaceEnergyKeV + 49);
        const back = map.detectorEnergyKeV(map.depthNm(energy)!);
        expect(back).not.toBeNull();
        expect(Math.abs(back! - energy)).toBeLessThan(1e-6);
      }),
    );
  });

  it('is the integral of dE/S in the profiled layer, along the normal: x(E) scales with cos(angle)', () => {
    const normal = new BranchDepthMap(bareLi, 'triton');
    const tilted = new BranchDepthMap({ ...bareLi, detectorAngleDeg: 60 }, 'triton');
    for (const e of [2700, 2500, 1500]) expect(tilted.depthNm(e)! / normal.depthNm(e)!).toBeCloseTo(0.5, 9);
    // A layer of density rho/2 is twice as deep for the same energy loss.
    const porous = new BranchDepthMap({ detectorAngleDeg: 0, layers: [{ material: 'Li', thicknessNm: null, densityGPerCm3: 0.267 }] }, 'triton');
    expect(porous.depthNm(2500)! / normal.depthNm(2500)!).toBeCloseTo(2, 9);
  });

  it('says null where a particle cannot arrive, and maps the deepest origin to zero energy', () => {
    const map = new BranchDepthMap(cuLi, 'alpha');
    expect(map.detectorEnergyKeV(map.maxDepthNm * 1.001)).toBeNull();
    expect(map.detectorEnergyKeV(map.maxDepthNm * 0.999)).toBeGreaterThan(0);
    expect(map.depthNm(-1)).toBeNull();
    // The alpha stops in 5 um of Cu (its range there is 4.2 um): it never reaches the detector.
    const thick = new BranchDepthMap({ detectorAngleDeg: 0, layers: [{ material: 'Cu', thicknessNm: 5000 }, { material: 'Li', thicknessNm: null }] }, 'alpha');
    expect(thick.detectorEnergyKeV(0)).toBeNull();
    expect(thick.surfaceEnergyKeV).toBe(0);
  });

  it('refuses a stack that is not physical', () => {
    expect(codeOf(() => new BranchDepthMap({ detectorAngleDeg: 90, layers: bareLi.layers }, 'alpha'))).toBe('INVALID_INPUT');
    expect(codeOf(() => new BranchDepthMap({ detectorAngleDeg: 0, layers: [{ material: 'Li', thicknessNm: 100 }] }, 'alpha'))).toBe('INVALID_INPUT');
    expect(codeOf(() => new BranchDepthMap({ detectorAngleDeg: 0, layers: [{ material: 'Cu', thicknessNm: -1 }, { material: 'Li', thicknessNm: null }] }, 'alpha'))).toBe('INVALID_INPUT');
    expect(codeOf(() => new BranchDepthMap({ detectorAngleDeg: 0, layers: [{ material: 'Li', thicknessNm: null, densityGPerCm3: 0 }] }, 'alpha'))).toBe('INVALID_INPUT');
  });
});
