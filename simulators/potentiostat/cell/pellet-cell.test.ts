import { describe, expect, it } from 'vitest';
import { createCell } from './create-cell.js';
import { lockInImpedance } from './lock-in.test-support.js';
import type { PelletCell } from './pellet-cell.js';

const KB_EV_PER_K = 8.617333e-5;

/** Slope and intercept of the least-squares line y = a + b x. */
function line(xs: number[], ys: number[]): { intercept: number; slope: number } {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (ys[i]! - my);
    sxx += (x - mx) ** 2;
  });
  return { slope: sxy / sxx, intercept: my - (sxy / sxx) * mx };
}

/** Activation energy (eV) of an Arrhenius fit of ln(sigma T) against 1/T. */
function arrheniusEv(temperaturesK: number[], conductivities: number[]): number {
  const fit = line(
    temperaturesK.map((t) => 1 / t),
    conductivities.map((sigma, i) => Math.log(sigma * temperaturesK[i]!)),
  );
  return -fit.slope * KB_EV_PER_K;
}

/**
 * R_bulk as an analyst reads it from a spectrum: Re Z at the minimum of -Im
 * between the bulk and grain-boundary arcs, less the high-frequency intercept.
 */
function bulkResistanceFromSpectrum(cell: PelletCell): number {
  const frequencies = Array.from({ length: 1201 }, (_, i) => 10 ** (-1 + (i * 12) / 1200));
  const spectrum = frequencies.map((f) => cell.impedance(f));
  // Walk down from the top: past the bulk arc's -Im maximum to the next minimum.
  let i = spectrum.length - 1;
  while (i > 0 && -spectrum[i - 1]!.im >= -spectrum[i]!.im) i--;
  while (i > 0 && -spectrum[i - 1]!.im <= -spectrum[i]!.im) i--;
  const highFrequencyIntercept = cell.impedance(1e13).re;
  return spectrum[i]!.re - highFrequencyIntercept;
}

describe('PelletCell (LAGP between blocking electrodes)', () => {
  it('has a bulk conductivity near 0.1 mS/cm at 298 K that follows sigma T = A exp(-Ea/kT) with the preset Ea', () => {
    const cell = createCell('LAGP-pellet');
    const p = cell.parameters;
    expect(cell.trueConductivitySPerCm(298.15)).toBeGreaterThan(0.5e-4);
    expect(cell.trueConductivitySPerCm(298.15)).toBeLessThan(2e-4);
    const temperaturesK = [233, 253, 273, 298.15, 323, 373];
    expect(arrheniusEv(temperaturesK, temperaturesK.map((t) => cell.trueConductivitySPerCm(t)))).toBeCloseTo(p.bulkActivationEnergyEv, 9);
    expect(cell.trueConductivitySPerCm(250) * 250).toBeCloseTo(p.bulkConductivityPrefactorSKPerCm * Math.exp(-p.bulkActivationEnergyEv / (KB_EV_PER_K * 250)), 12);
    expect(cell.bulkResistanceOhm(298.15)).toBeCloseTo(p.thicknessCm / (cell.trueConductivitySPerCm(298.15) * p.areaCm2), 9);
  });

  it('lets an analyst recover the bulk Ea from the simulated spectra at several temperatures', () => {
    const cell = createCell('LAGP-pellet');
    const p = cell.parameters;
    // Cold enough that the bulk arc (20 pF) is inside the sweep and apart from the grain-boundary arc.
    const temperaturesK = [213, 223, 233, 243, 253];
    const conductivities = temperaturesK.map((t) => {
      cell.setTemperatureK(t);
      const bulkOhm = bulkResistanceFromSpectrum(cell);
      expect(Math.abs(bulkOhm / cell.bulkResistanceOhm() - 1), `${t} K`).toBeLessThan(0.03);
      return p.thicknessCm / (bulkOhm * p.areaCm2);
    });
    expect(Math.abs(arrheniusEv(temperaturesK, conductivities) - p.bulkActivationEnergyEv)).toBeLessThan(0.01);
  });

  it('starts at Rs at high frequency and ends on the blocking electrodes, phase -alpha 90 degrees', () => {
    const cell = createCell('LAGP-pellet');
    const p = cell.parameters;
    const high = cell.impedance(1e13);
    expect(Math.abs(high.re - p.seriesResistanceOhm)).toBeLessThan(0.05);
    const low = cell.impedance(1e-3);
    expect((Math.atan2(low.im, low.re) * 180) / Math.PI).toBeCloseTo(-p.electrodeCpeAlpha * 90, 0);
    // Below the arcs, what is not the electrodes' CPE (real part cos(alpha pi/2)/(Q omega^alpha)) is Rs + R_bulk + R_gb.
    const total = p.seriesResistanceOhm + cell.bulkResistanceOhm() + cell.grainBoundaryResistanceOhm();
    const omega = 2 * Math.PI * 1;
    const electrodeRe = Math.cos((p.electrodeCpeAlpha * Math.PI) / 2) / (p.electrodeCpeQ * omega ** p.electrodeCpeAlpha);
    expect((cell.impedance(1).re - electrodeRe) / total).toBeCloseTo(1, 4);
    expect(cell.totalConductivitySPerCm()).toBeCloseTo(p.thicknessCm / ((total - p.seriesResistanceOhm) * p.areaCm2), 12);
  });

  it('charges its blocking electrodes as I t^alpha/(Q Gamma(1 + alpha)) under constant current', () => {
    // alpha = 1/2 makes Gamma(3/2) = sqrt(pi)/2 exact.
    const cell = createCell('LAGP-pellet', { electrodeCpeAlpha: 0.5 });
    const p = cell.parameters;
    const currentA = 1e-7;
    const electrolyteOhm = p.seriesResistanceOhm + cell.bulkResistanceOhm() + cell.grainBoundaryResistanceOhm();
    let now = 0;
    for (const t of [0.01, 1, 100]) {
      cell.advanceGalvanostatic(t - now, currentA);
      now = t;
      const expected = currentA * electrolyteOhm + (currentA * Math.sqrt(t)) / (p.electrodeCpeQ * (Math.sqrt(Math.PI) / 2));
      expect(Math.abs(cell.voltage() / expected - 1), `t = ${t} s`).toBeLessThan(0.02);
    }
  });

  it('passes a decaying current under a held potential, as a blocking cell must', () => {
    const cell = createCell('LAGP-pellet');
    const first = cell.advancePotentiostatic(1e-3, 0.01);
    const later = cell.advancePotentiostatic(10, 0.01);
    const last = cell.advancePotentiostatic(1e4, 0.01);
    expect(first).toBeGreaterThan(later);
    expect(later).toBeGreaterThan(last);
    expect(last).toBeGreaterThan(0);
    expect(first).toBeLessThan(0.01 / (cell.parameters.seriesResistanceOhm + cell.bulkResistanceOhm() + cell.grainBoundaryResistanceOhm()));
    expect(cell.composition()).toBe(0);
    expect(cell.openCircuitVoltage()).toBe(0);
  });

  it.each([1, 100])('has the impedance its time-domain response gives (%d Hz)', (frequencyHz) => {
    const cell = createCell('LAGP-pellet');
    const expected = cell.impedance(frequencyHz);
    const measured = lockInImpedance(cell, frequencyHz, { amplitudeA: 1e-8, periods: 4, settlePeriods: 8, stepsPerPeriod: 1000 });
    expect(Math.hypot(measured.re - expected.re, measured.im - expected.im) / Math.hypot(expected.re, expected.im)).toBeLessThan(0.02);
  });
});
