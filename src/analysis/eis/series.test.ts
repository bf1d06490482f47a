import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Random } from '../../../simulators/common/random.js';
import { createCell } from '../../../simulators/potentiostat/cell/index.js';
import { fitArrhenius } from '../arrhenius/arrhenius.js';
import { Circuit } from './circuit.js';
import { conductivitySPerCm, type CellGeometry } from './derived.js';
import { fitSeries, type SeriesFit, type SeriesSweep } from './series.js';

/**
 * The LAGP pellet of the simulator swept from 1 MHz to 0.1 Hz at each
 * temperature, with the simulated analyser's noise at `amplitudeV` (10 mV
 * unless said). `driftK`: the sd of the pellet's temperature offset from the
 * setpoint and of its drift over a sweep, as in the simulated furnace (the
 * pellet follows the furnace's regulation, sd about 0.1 K, while a sweep lasts
 * minutes); 0 for none.
 */
function pelletSeries(temperaturesK: readonly number[], seed: number, { amplitudeV = 0.01, driftK = 0 } = {}) {
  const cell = createCell('LAGP-pellet');
  const random = new Random(seed);
  const sweeps = temperaturesK.map((t, k): SeriesSweep => {
    cell.setTemperatureK(t);
    const frequencyHz = Float64Array.from({ length: 71 }, (_, i) => 1e6 * 10 ** (-i / 10));
    const zRe = new Float64Array(71);
    const zIm = new Float64Array(71);
    const [offsetK, driftOverSweepK] = driftK > 0 ? [random.gaussian(0, driftK), random.gaussian(0, driftK)] : [0, 0];
    frequencyHz.forEach((f, i) => {
      if (driftK > 0) cell.setTemperatureK(t + offsetK + (driftOverSweepK * i) / (frequencyHz.length - 1));
      const z = cell.impedance(f);
      const modulus = Math.hypot(z.re, z.im);
      const sd = (modulus / amplitudeV) * Math.hypot(20e-6, 100e-12 * modulus);
      zRe[i] = z.re + random.gaussian(0, sd);
      zIm[i] = z.im + random.gaussian(0, sd);
    });
    return { key: k + 1, spectrum: { frequencyHz, zRe, zIm } };
  });
  return { cell, sweeps };
}

/** Activation energies (eV) of the bulk and grain-boundary conductivity of a series fit, over the sweeps it does not flag. */
function activationEnergiesEv(fit: SeriesFit, temperaturesK: readonly number[], geometry: CellGeometry) {
  const counted = fit.sweeps.filter((s) => s.flag === null);
  const points = (process: 'bulk' | 'grain-boundary') =>
    counted.map((s) => ({ temperatureK: temperaturesK[s.key - 1]!, value: conductivitySPerCm(s.resistanceOhm[process]!, geometry) }));
  return {
    bulk: fitArrhenius(points('bulk'), 'conductivity').activationEnergyEv.value,
    grainBoundary: fitArrhenius(points('grain-boundary'), 'conductivity').activationEnergyEv.value,
  };
}

describe('fitSeries: the LAGP pellet at 300, 320 and 340 K (the README VT example)', () => {
  const temperaturesK = [300, 320, 340];
  const circuit = Circuit.parse('R0-p(R1,CPE1)-p(R2,CPE2)-CPE3');

  it.each([2, 5])('seed %i: each arc one process at every temperature, the Ea of both, the window stated', (seed) => {
    const { cell, sweeps } = pelletSeries(temperaturesK, seed);
    const p = cell.parameters;
    const geometry = { thicknessCm: p.thicknessCm, areaCm2: p.areaCm2 };
    const fit = fitSeries(circuit, sweeps, { weighting: 'modulus', geometry })!;
    expect(fit.anchor).toBe(1);
    const bulk = fit.sweeps.map((s, k) => ({ temperatureK: temperaturesK[k]!, value: conductivitySPerCm(s.resistanceOhm.bulk!, geometry) }));
    const boundary = fit.sweeps.map((s, k) => ({ temperatureK: temperaturesK[k]!, value: conductivitySPerCm(s.resistanceOhm['grain-boundary']!, geometry) }));
    fit.sweeps.forEach((s, k) => {
      const t = temperaturesK[k]!;
      expect(s.arcs.map((a) => [a.resistor, a.assignment])).toEqual([
        ['R1', 'bulk'],
        ['R2', 'grain-boundary'],
      ]);
      // Rs + R_bulk: the series resistance counts into the bulk when its arc lies above the window.
      expect(s.resistanceOhm.bulk! / (cell.bulkResistanceOhm(t) + p.seriesResistanceOhm)).toBeGreaterThan(0.97);
      expect(s.resistanceOhm.bulk! / (cell.bulkResistanceOhm(t) + p.seriesResistanceOhm)).toBeLessThan(1.03);
      expect(s.resistanceOhm['grain-boundary']! / cell.grainBoundaryResistanceOhm(t)).toBeGreaterThan(0.9);
      expect(s.resistanceOhm['grain-boundary']! / cell.grainBoundaryResistanceOhm(t)).toBeLessThan(1.1);
      expect(s.notes[0]).toMatch(/^bulk arc \(R1\) relaxes at .* MHz, above the measured window 100 mHz to 1\.00 MHz/);
      expect(s.flag).toBeNull();
    });
    // At 340 K the grain-boundary arc has left the window too.
    expect(fit.sweeps[2]!.arcs[1]!.window).toBe('above');
    expect(fit.sweeps[0]!.arcs[1]!.window).toBe('inside');
    expect(Math.abs(fitArrhenius(bulk, 'conductivity').activationEnergyEv.value / p.bulkActivationEnergyEv - 1)).toBeLessThan(0.05);
    expect(Math.abs(fitArrhenius(boundary, 'conductivity').activationEnergyEv.value / p.grainBoundaryActivationEnergyEv - 1)).toBeLessThan(0.05);
  });

  it('the anchor is the coldest sweep whatever the order of the series', () => {
    const { sweeps } = pelletSeries([340, 320, 300], 3);
    expect(fitSeries(circuit, sweeps, { weighting: 'modulus' })!.anchor).toBe(3);
  });

  // The README's example at 50 mV, the pellet's temperature moving during a
  // sweep as in the furnace: the held fit of the 340 K sweep, started only
  // from its own guess (fit.ts's search as it stood when this test was
  // written), ended in a false minimum for 14 of 230 seeds (the
  // grain-boundary R near 1e-5 ohm, R0 on its bound, a chi-square 200-300
  // times the right one's: bulk Ea 0.316-0.319 eV, grain boundary 3.76 eV).
  // These are 8 of those 14 seeds; started also from the fitted neighbours,
  // every one gives both activation energies.
  it.each([43, 71, 90, 100, 104, 133, 150, 158])('seed %i (a false minimum at 340 K when started from its own guess alone): Ea of both processes, no sweep flagged', (seed) => {
    const { cell, sweeps } = pelletSeries(temperaturesK, seed, { amplitudeV: 0.05, driftK: 0.1 });
    const p = cell.parameters;
    const geometry = { thicknessCm: p.thicknessCm, areaCm2: p.areaCm2 };
    const fit = fitSeries(circuit, sweeps, { weighting: 'modulus', geometry })!;
    expect(fit.sweeps.map((s) => s.flag)).toEqual([null, null, null]);
    const warm = fit.sweeps[2]!;
    expect(warm.resistanceOhm['grain-boundary']! / cell.grainBoundaryResistanceOhm(340)).toBeGreaterThan(0.9);
    expect(warm.resistanceOhm['grain-boundary']! / cell.grainBoundaryResistanceOhm(340)).toBeLessThan(1.1);
    const ea = activationEnergiesEv(fit, temperaturesK, geometry);
    expect(Math.abs(ea.bulk / p.bulkActivationEnergyEv - 1)).toBeLessThan(0.05);
    expect(Math.abs(ea.grainBoundary / p.grainBoundaryActivationEnergyEv - 1)).toBeLessThan(0.1);
  });

  it("the README run's own sweeps (tests/fixtures/vt-pellet-readme): the 340 K sweep in the right minimum, Ea of both processes", () => {
    const recorded = JSON.parse(readFileSync(new URL('../../../tests/fixtures/vt-pellet-readme/sweeps.json', import.meta.url), 'utf8')) as {
      sweeps: Array<{ sweep: number; temperatureK: number; frequencyHz: number[]; zReOhm: number[]; zImOhm: number[] }>;
    };
    const sweeps = recorded.sweeps.map((s): SeriesSweep => ({ key: s.sweep, spectrum: { frequencyHz: Float64Array.from(s.frequencyHz), zRe: Float64Array.from(s.zReOhm), zIm: Float64Array.from(s.zImOhm) } }));
    const measuredK = recorded.sweeps.map((s) => s.temperatureK);
    const cell = createCell('LAGP-pellet');
    const p = cell.parameters;
    const geometry = { thicknessCm: p.thicknessCm, areaCm2: p.areaCm2 };
    const fit = fitSeries(circuit, sweeps, { weighting: 'modulus', geometry })!;
    expect(fit.sweeps.map((s) => s.flag)).toEqual([null, null, null]);
    // The false minimum had chi-square 8.1e-3 at 340 K; the right one is near the other sweeps' (3e-5).
    expect(fit.sweeps[2]!.fit.chiSquare).toBeLessThan(1e-4);
    expect(fit.sweeps[2]!.resistanceOhm['grain-boundary']! / cell.grainBoundaryResistanceOhm(measuredK[2]!)).toBeGreaterThan(0.9);
    const ea = activationEnergiesEv(fit, measuredK, geometry);
    expect(Math.abs(ea.bulk / p.bulkActivationEnergyEv - 1)).toBeLessThan(0.05);
    expect(Math.abs(ea.grainBoundary / p.grainBoundaryActivationEnergyEv - 1)).toBeLessThan(0.1);
  });

  it('flags a held fit that misses its sweep far more than the series typically does, and only that one', () => {
    const { cell, sweeps } = pelletSeries(temperaturesK, 2, { amplitudeV: 0.05 });
    // The 340 K sweep with an arc the circuit has no element for (100 ohm || 1 uF, near 1.6 kHz): no fit with the held CPEs describes it.
    const extra = Circuit.parse('R0-p(R1,C1)');
    const warm = sweeps[2]!.spectrum;
    const added = extra.impedance([0, 100, 1e-6], warm.frequencyHz);
    sweeps[2] = { key: 3, spectrum: { frequencyHz: warm.frequencyHz, zRe: warm.zRe.map((z, i) => z + added.zRe[i]!), zIm: warm.zIm.map((z, i) => z + added.zIm[i]!) } };
    const p = cell.parameters;
    const fit = fitSeries(circuit, sweeps, { weighting: 'modulus', geometry: { thicknessCm: p.thicknessCm, areaCm2: p.areaCm2 } })!;
    expect(fit.sweeps.slice(0, 2).map((s) => s.flag)).toEqual([null, null]);
    const flagged = fit.sweeps[2]!;
    expect(flagged.rmsRelativeMisfit).toBeGreaterThan(Math.sqrt(10) * fit.sweeps[1]!.rmsRelativeMisfit);
    expect(flagged.flag).toMatch(/^the fit with the CPEs of sweep 1 misses this sweep by [\d.]+ % of \|Z\| \(rms\) where the series' fits typically miss by [\d.]+ %/);
  });
});
