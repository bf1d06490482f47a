import { describe, expect, it } from 'vitest';
import { createCell } from './create-cell.js';
import type { InsertionCell } from './insertion-cell.js';
import { lockInImpedance } from './lock-in.test-support.js';

const F = 96485.332;
const THERMAL_V = (8.314462 * 298.15) / F;

/** A cell in the middle of a smooth stretch of its OCV (LixV2O5 at x = 1.5: dE/dx about -0.17 V). */
function midRangeCell(): InsertionCell {
  return createCell('LixV2O5', { initialX: 1.5 });
}

/** C/10 of the theoretical capacity (A). */
function tenthC(cell: InsertionCell): number {
  return (cell.parameters.theoreticalCapacityMAh * 3.6) / 36_000;
}

/** Outward flux of x per ampere at the particle surface, V_M/(F S). */
function fluxPerAmpere(cell: InsertionCell): number {
  return cell.parameters.molarVolumeCm3PerMol / (F * cell.parameters.areaCm2);
}

/** Least squares of y on the given basis functions of t; returns the coefficients. */
function leastSquares(ts: number[], ys: number[], basis: ((t: number) => number)[]): number[] {
  const m = basis.length;
  const normal = Array.from({ length: m }, () => new Array<number>(m + 1).fill(0));
  ts.forEach((t, k) => {
    const row = basis.map((f) => f(t));
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) normal[i]![j]! += row[i]! * row[j]!;
      normal[i]![m]! += row[i]! * ys[k]!;
    }
  });
  // Gauss-Jordan without pivoting: the normal matrix is symmetric positive definite.
  for (let i = 0; i < m; i++) {
    const pivot = normal[i]![i]!;
    for (let j = i; j <= m; j++) normal[i]![j]! /= pivot;
    for (let r = 0; r < m; r++) {
      if (r === i) continue;
      const factor = normal[r]![i]!;
      for (let j = i; j <= m; j++) normal[r]![j]! -= factor * normal[i]![j]!;
    }
  }
  return normal.map((row) => row[m]!);
}

describe('InsertionCell', () => {
  it('conserves charge: the integrated current is the Li that left the host plus the double-layer charge', () => {
    const cell = midRangeCell();
    const p = cell.parameters;
    const x0 = cell.composition();
    const v0 = cell.voltage();
    let chargeC = 0;
    const pulseA = tenthC(cell);
    for (const [durationS, currentA] of [[600, pulseA], [1800, 0], [300, -0.5 * pulseA], [3600, 0]] as const) {
      for (let t = 0; t < durationS; t += 1) {
        cell.advanceGalvanostatic(1, currentA);
        chargeC += currentA;
      }
    }
    // At rest the double layer sits at the terminal voltage: its charge changed by Cdl (V - V0).
    const storedC = -F * p.hostAmountMol * (cell.composition() - x0) + p.doubleLayerCapacitanceF * (cell.voltage() - v0);
    expect(chargeC).not.toBe(0);
    expect(storedC / chargeC).toBeCloseTo(1, 8);
  });

  it('moves x the way the sign convention says: anodic current empties the host and raises the voltage', () => {
    const cell = midRangeCell();
    const before = { x: cell.composition(), v: cell.voltage() };
    cell.advanceGalvanostatic(60, tenthC(cell));
    expect(cell.composition()).toBeLessThan(before.x);
    expect(cell.voltage()).toBeGreaterThan(before.v);
    expect(cell.current()).toBe(tenthC(cell));
  });

  it('relaxes after a pulse to the OCV of the mean composition', () => {
    const cell = midRangeCell();
    cell.advanceGalvanostatic(600, -tenthC(cell));
    expect(Math.abs(cell.voltage() - cell.openCircuitVoltage())).toBeGreaterThan(0.01);
    // 20 r^2/D: the slowest diffusion mode has decayed by exp(-20.19 * 20).
    cell.rest(20 * cell.parameters.particleRadiusCm ** 2 / cell.parameters.diffusionCm2PerS);
    expect(cell.current()).toBe(0);
    expect(cell.voltage()).toBeCloseTo(cell.openCircuitVoltage(), 7);
    expect(cell.openCircuitVoltage()).toBeCloseTo(cell.openCircuitVoltageAt(cell.composition()), 12);
    expect(cell.surfaceComposition()).toBeCloseTo(cell.composition(), 7);
  });

  it('steps by I (Rs + Rgb) plus the Butler-Volmer overpotential when the current switches on', () => {
    const cell = midRangeCell();
    const v0 = cell.voltage();
    const currentA = tenthC(cell);
    const tS = 0.1;
    cell.advanceGalvanostatic(tS, currentA);
    const p = cell.parameters;
    const i0A = p.exchangeCurrentDensityACm2 * p.areaCm2;
    // Symmetric Butler-Volmer: I = 2 I0 sinh(eta/(2 V_T)). After 0.1 s = 15 Rct Cdl the double layer has settled.
    const overpotentialV = 2 * THERMAL_V * Math.asinh(currentA / (2 * i0A));
    const ohmicV = currentA * (p.seriesResistanceOhm + p.grainBoundaryResistanceOhm);
    // Semi-infinite diffusion over 0.1 s: dE = dE/dx * (-2 q sqrt(t/(pi D))).
    const diffusionV = cell.openCircuitSlopeAt(1.5) * -2 * currentA * fluxPerAmpere(cell) * Math.sqrt(tS / (Math.PI * p.diffusionCm2PerS));
    expect((cell.voltage() - v0) / (ohmicV + overpotentialV + diffusionV)).toBeCloseTo(1, 2);
  });

  /** Slope dV/dsqrt(t) of the first minute of a pulse, from V = a + b sqrt(t) + c t (the t term takes the sphere's curvature). */
  function sqrtTimeSlope(cell: InsertionCell, currentA: number): number {
    const ts: number[] = [];
    const vs: number[] = [];
    let now = 0;
    for (let t = 0.5; t <= 60; t += 0.5) {
      cell.advanceGalvanostatic(t - now, currentA);
      now = t;
      ts.push(t);
      vs.push(cell.voltage());
    }
    return leastSquares(ts, vs, [() => 1, Math.sqrt, (t) => t])[1]!;
  }

  it('carries a new current at once through the double layer: the voltage jumps by I (Rs + Rgb) at dt = 0', () => {
    const cell = midRangeCell();
    const v0 = cell.voltage();
    const p = cell.parameters;
    cell.advanceGalvanostatic(0, tenthC(cell));
    expect(cell.current()).toBe(tenthC(cell));
    expect(cell.voltage() - v0).toBeCloseTo(tenthC(cell) * (p.seriesResistanceOhm + p.grainBoundaryResistanceOhm), 12);
    expect(cell.advancePotentiostatic(0, v0 + 0.01)).toBeCloseTo(0.01 / (p.seriesResistanceOhm + p.grainBoundaryResistanceOhm), 12);
  });

  it('follows the semi-infinite sqrt(t) law of Weppner-Huggins at the start of a pulse', () => {
    const cell = midRangeCell();
    const p = cell.parameters;
    const currentA = -tenthC(cell);
    const slope = sqrtTimeSlope(cell, currentA);
    const dEdx = cell.openCircuitSlopeAt(1.5);
    const analytic = (dEdx * -2 * currentA * fluxPerAmpere(cell)) / Math.sqrt(Math.PI * p.diffusionCm2PerS);
    expect(Math.abs(slope / analytic - 1)).toBeLessThan(0.02);
    // The same slope through the GITT sqrt(t) formula gives back D.
    const dFromSlope = (4 / Math.PI) * ((currentA * p.molarVolumeCm3PerMol) / (F * p.areaCm2)) ** 2 * (dEdx / slope) ** 2;
    expect(Math.abs(dFromSlope / p.diffusionCm2PerS - 1)).toBeLessThan(0.04);
  });

  it('has a Warburg coefficient sigma that agrees with the GITT slope: dV/dsqrt(t) = 2 sqrt(2/pi) sigma I', () => {
    const cell = midRangeCell();
    // Below the charge-transfer arc Re Z = R + sigma/sqrt(omega): sigma from two frequencies.
    const [lowHz, highHz] = [0.05, 0.2];
    const reDifference = cell.impedance(lowHz).re - cell.impedance(highHz).re;
    const sigma = reDifference / (1 / Math.sqrt(2 * Math.PI * lowHz) - 1 / Math.sqrt(2 * Math.PI * highHz));
    const currentA = tenthC(cell);
    const slope = sqrtTimeSlope(cell, currentA);
    expect(Math.abs(slope / (2 * Math.sqrt(2 / Math.PI) * sigma * currentA) - 1)).toBeLessThan(0.03);
  });

  it('gives ~zero current when held at its relaxed OCV, and an anodic decaying current above it', () => {
    const cell = midRangeCell();
    cell.advanceGalvanostatic(600, tenthC(cell));
    cell.rest(1e6);
    const ocvV = cell.openCircuitVoltage();
    expect(Math.abs(cell.advancePotentiostatic(600, ocvV))).toBeLessThan(1e-9);
    const early = cell.advancePotentiostatic(10, ocvV + 0.02);
    const late = cell.advancePotentiostatic(600, ocvV + 0.02);
    expect(early).toBeGreaterThan(0);
    expect(late).toBeGreaterThan(0);
    expect(late).toBeLessThan(early);
  });

  it('returns the imposed current when its own galvanostatic voltage is replayed potentiostatically', () => {
    const galvanostatic = midRangeCell();
    const potentiostatic = midRangeCell();
    const currentA = tenthC(galvanostatic);
    const currents: number[] = [];
    for (let t = 0; t < 300; t++) {
      galvanostatic.advanceGalvanostatic(1, currentA);
      currents.push(potentiostatic.advancePotentiostatic(1, galvanostatic.voltage()));
    }
    // Holding each 1 s sample's voltage over its second lags the sqrt(t) rise a little at first.
    for (const i of [0, 9, 59, 299]) expect(currents[i]! / currentA).toBeCloseTo(1, 3);
    expect(potentiostatic.composition()).toBeCloseTo(galvanostatic.composition(), 4);
  });

  it.each([
    ['the charge-transfer arc', 20],
    ['the diffusion tail', 0.01],
  ])('has the impedance its time-domain response gives (%s, %d Hz)', (_, frequencyHz) => {
    const cell = midRangeCell();
    const expected = cell.impedance(frequencyHz);
    const { series, grainBoundary, chargeTransfer } = cell.resistancesOhm();
    const measured = lockInImpedance(cell, frequencyHz, { amplitudeA: 1e-6, periods: 4, settlePeriods: 8, stepsPerPeriod: 1000 });
    // Judged against what the frequency adds to the resistances: the arc, or the diffusion element.
    const dynamicOhm = Math.hypot(expected.re - (series + grainBoundary + chargeTransfer), expected.im);
    expect(Math.hypot(measured.re - expected.re, measured.im - expected.im) / dynamicOhm).toBeLessThan(0.02);
  });

  it('scales D and the exchange current with Arrhenius and the electrolyte as sigma T', () => {
    const cell = midRangeCell();
    const p = cell.parameters;
    const kB = 8.617333e-5;
    const at = (temperatureK: number) => {
      cell.setTemperatureK(temperatureK);
      // Let the double layer follow the OCV's entropic shift before reading Rct at zero overpotential.
      cell.rest(1);
      return { d: cell.diffusionCm2PerS(), rs: cell.resistancesOhm().series, rct: cell.resistancesOhm().chargeTransfer };
    };
    const cold = at(260);
    const hot = at(340);
    expect(cell.temperatureK()).toBe(340);
    const inverseSpan = 1 / 260 - 1 / 340;
    expect(Math.log(hot.d / cold.d) / inverseSpan * kB).toBeCloseTo(p.diffusionActivationEnergyEv, 9);
    // sigma T = A exp(-Ea/kT) with sigma proportional to 1/Rs.
    expect(Math.log((cold.rs / 260) / (hot.rs / 340)) / inverseSpan * kB).toBeCloseTo(p.seriesActivationEnergyEv, 9);
    // Rct = RT/(F I0(T)) at zero current.
    expect(Math.log((cold.rct / 260) / (hot.rct / 340)) / inverseSpan * kB).toBeCloseTo(p.chargeTransferActivationEnergyEv, 9);
  });

  it('simulates a 10-pulse GITT sampled every second with the voltage staying in range', () => {
    const cell = createCell('LixV2O5', { initialX: 0.3 });
    const currentA = -tenthC(cell);
    const relaxed: number[] = [];
    for (let pulse = 0; pulse < 10; pulse++) {
      for (let t = 0; t < 600; t++) cell.advanceGalvanostatic(1, currentA);
      for (let t = 0; t < 1800; t++) cell.rest(1);
      relaxed.push(cell.voltage());
    }
    // Ten pulses of C/10 for 10 min discharge by 10/60 of the capacity: Delta x = 2/6
    // (less the few uC the double layer took as the voltage fell).
    expect(cell.composition() - 0.3).toBeCloseTo(2 / 6, 5);
    for (let i = 1; i < relaxed.length; i++) expect(relaxed[i]).toBeLessThan(relaxed[i - 1]!);
    expect(relaxed.at(-1)).toBeGreaterThan(3.1);
  });

  it('rejects unusable inputs with CELL_INPUT_INVALID', () => {
    const cell = midRangeCell();
    expect(() => cell.advanceGalvanostatic(-1, 0)).toThrow(expect.objectContaining({ code: 'CELL_INPUT_INVALID' }));
    expect(() => cell.advancePotentiostatic(1, Number.NaN)).toThrow(expect.objectContaining({ code: 'CELL_INPUT_INVALID' }));
    expect(() => cell.impedance(0)).toThrow(expect.objectContaining({ code: 'CELL_INPUT_INVALID' }));
    expect(() => cell.setTemperatureK(0)).toThrow(expect.objectContaining({ code: 'CELL_INPUT_INVALID' }));
  });
});
