import { describe, expect, it } from 'vitest';
import { Random } from '../../../simulators/common/random.js';
import { createCell } from '../../../simulators/potentiostat/cell/index.js';
import { fitArrhenius } from '../arrhenius/arrhenius.js';
import { Circuit } from './circuit.js';
import { conductivitySPerCm } from './derived.js';
import { fitSeries, type SeriesSweep } from './series.js';

/** The LAGP pellet of the simulator swept from 1 MHz to 0.1 Hz at each temperature, with the simulated analyser's noise at 10 mV. */
function pelletSeries(temperaturesK: readonly number[], seed: number) {
  const cell = createCell('LAGP-pellet');
  const random = new Random(seed);
  const sweeps = temperaturesK.map((t, k): SeriesSweep => {
    cell.setTemperatureK(t);
    const frequencyHz = Float64Array.from({ length: 71 }, (_, i) => 1e6 * 10 ** (-i / 10));
    const zRe = new Float64Array(71);
    const zIm = new Float64Array(71);
    frequencyHz.forEach((f, i) => {
      const z = cell.impedance(f);
      const modulus = Math.hypot(z.re, z.im);
      const sd = (modulus / 0.01) * Math.hypot(20e-6, 100e-12 * modulus);
      zRe[i] = z.re + random.gaussian(0, sd);
      zIm[i] = z.im + random.gaussian(0, sd);
    });
    return { key: k + 1, spectrum: { frequencyHz, zRe, zIm } };
  });
  return { cell, sweeps };
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
});
