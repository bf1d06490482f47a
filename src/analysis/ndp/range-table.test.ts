import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rangeTable } from './energy-depth.js';
import { findMaterial } from './materials.js';
import { RangeTable } from './range-table.js';

const liAlpha = rangeTable(findMaterial('Li'), 0.534, 'alpha');
const liTriton = rangeTable(findMaterial('Li'), 0.534, 'triton');
const cuAlpha = rangeTable(findMaterial('Cu'), 8.96, 'alpha');

/** dE/ds = -S(E) by classical Runge-Kutta with a fixed step (nm): the independent reference. */
function rk4EnergyAfter(table: RangeTable, energyKeV: number, pathNm: number, stepNm: number): number {
  const s = (e: number) => (e > 0 ? table.stoppingKeVPerNm(e) : 0);
  let e = energyKeV;
  const steps = Math.round(pathNm / stepNm);
  for (let i = 0; i < steps; i++) {
    const k1 = -s(e);
    const k2 = -s(e + 0.5 * stepNm * k1);
    const k3 = -s(e + 0.5 * stepNm * k2);
    const k4 = -s(e + stepNm * k3);
    e += (stepNm / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  return e;
}

describe('RangeTable', () => {
  it('agrees with a Runge-Kutta integration of dE/ds = -S(E) within 0.01 keV (alphas and tritons through Li and Cu)', () => {
    // 0.1 nm steps: RK4's own error is far below 1e-3 keV there. 0.01 keV is < 1 % of a channel of any NDP MCA.
    for (const [table, e, path] of [[liAlpha, 2055, 10_000], [liAlpha, 2055, 22_000], [liTriton, 2727, 50_000], [cuAlpha, 2055, 1_000], [cuAlpha, 1400, 1_500]] as const) {
      const reference = rk4EnergyAfter(table, e, path, 0.1);
      expect(Math.abs(table.energyAfterPathKeV(e, path)! - reference), `${e} keV over ${path} nm`).toBeLessThan(0.01);
    }
  });

  it('gives the CSDA ranges in Li of the stopping data (alpha 2055 keV ~24.5 um, triton 2727 keV ~135 um)', () => {
    // The data's ranges start at 0.1 keV and are quoted to ~0.5 %; ours start at 0 (the sqrt(E) tail adds ~0.1 um): within 1 %.
    expect(Math.abs(liAlpha.rangeNm(2055) / 24_500 - 1)).toBeLessThan(0.01);
    expect(Math.abs(liTriton.rangeNm(2727) / 135_000 - 1)).toBeLessThan(0.01);
  });

  it('is the integral of 1/S: dR/dE = 1/S(E) within 1e-5 (the Hermite derivative is third-order between nodes)', () => {
    for (const e of [5, 150, 900, 2055, 2727]) {
      const h = e * 1e-5;
      const derivative = (liAlpha.rangeNm(e + h) - liAlpha.rangeNm(e - h)) / (2 * h);
      expect(Math.abs(derivative * liAlpha.stoppingKeVPerNm(e) - 1), `${e} keV`).toBeLessThan(1e-5);
    }
  });

  it('inverts its range: R^-1(R(E)) = E to 1e-9 relative, over 0.01 keV..9 MeV', () => {
    fc.assert(
      fc.property(fc.double({ min: Math.log(0.01), max: Math.log(9000), noNaN: true }), (lnE) => {
        const e = Math.exp(lnE);
        for (const table of [liAlpha, liTriton, cuAlpha]) expect(Math.abs(table.energyAtRangeKeV(table.rangeNm(e)) / e - 1)).toBeLessThan(1e-9);
      }),
    );
  });

  it('stops a particle whose range is shorter than the path, and is monotone', () => {
    expect(liAlpha.energyAfterPathKeV(2055, 30_000)).toBeNull();
    expect(liAlpha.energyAfterPathKeV(2055, 0)).toBeCloseTo(2055, 9);
    expect(liAlpha.energyBeforePathKeV(liAlpha.energyAfterPathKeV(2055, 5000)!, 5000)).toBeCloseTo(2055, 6);
    let previous = 0;
    for (let e = 0.5; e < 9000; e *= 1.01) {
      const r = liTriton.rangeNm(e);
      expect(r).toBeGreaterThan(previous);
      previous = r;
    }
  });

  it('refuses a stopping power that is not > 0', () => {
    expect(() => new RangeTable(() => 0)).toThrow(RangeError);
  });
});
