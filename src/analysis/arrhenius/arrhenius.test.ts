import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BOLTZMANN_EV_PER_K } from '../../core/physical-constants.js';
import { AnalysisError } from '../errors.js';
import { gaussianNoise } from '../gitt/synthetic-run.js';
import { fitArrhenius, type ArrheniusPoint, type ArrheniusQuantity } from './arrhenius.js';
import { codeOf } from '../error-code.test-support.js';

const TEMPERATURES_K = [258, 278, 298, 318, 338, 358, 378, 398, 418, 438];

function series(quantity: ArrheniusQuantity, prefactor: number, eaEv: number, relativeNoise: number, seed: number): ArrheniusPoint[] {
  const noise = gaussianNoise(seed);
  return TEMPERATURES_K.map((t) => {
    const boltzmann = Math.exp(-eaEv / (BOLTZMANN_EV_PER_K * t));
    const exact = quantity === 'conductivity' ? (prefactor * boltzmann) / t : quantity === 'diffusion' ? prefactor * boltzmann : prefactor / boltzmann;
    return { temperatureK: t, value: exact * Math.exp(relativeNoise * noise()) };
  });
}


describe('fitArrhenius', () => {
  const cases: [ArrheniusQuantity, number, number][] = [
    ['conductivity', 2e4, 0.315],
    ['diffusion', 3e-3, 0.515],
    ['correlation-time', 1e-13, 0.3],
  ];

  it.each(cases)('recovers Ea and the prefactor of noise-free %s data exactly', (quantity, prefactor, ea) => {
    const fit = fitArrhenius(series(quantity, prefactor, ea, 0, 1), quantity);
    expect(fit.activationEnergyEv.value).toBeCloseTo(ea, 9);
    expect(fit.prefactor.value / prefactor).toBeCloseTo(1, 8);
    expect(fit.r2).toBeCloseTo(1, 12);
    expect(fit.points).toBe(10);
    expect(fit.temperatureRangeK).toEqual([258, 438]);
  });

  it.each(cases)('recovers %s parameters within their standard errors from noisy data', (quantity, prefactor, ea) => {
    const fit = fitArrhenius(series(quantity, prefactor, ea, 0.03, 11), quantity);
    expect(fit.activationEnergyEv.stderr).toBeGreaterThan(0);
    expect(Math.abs(fit.activationEnergyEv.value - ea)).toBeLessThan(4 * fit.activationEnergyEv.stderr);
    expect(Math.abs(fit.activationEnergyEv.value - ea)).toBeLessThan(0.01);
    expect(Math.abs(fit.prefactor.value - prefactor)).toBeLessThan(4 * fit.prefactor.stderr);
    expect(fit.r2).toBeGreaterThan(0.99);
  });

  it('refuses fewer than 3 points, non-positive values or temperatures, and a single temperature', () => {
    const ok = series('diffusion', 1e-3, 0.4, 0, 1);
    expect(codeOf(() => fitArrhenius(ok.slice(0, 2), 'diffusion'))).toBe('INSUFFICIENT_DATA');
    expect(codeOf(() => fitArrhenius([...ok, { temperatureK: 300, value: 0 }], 'diffusion'))).toBe('INVALID_INPUT');
    expect(codeOf(() => fitArrhenius([...ok, { temperatureK: -3, value: 1 }], 'diffusion'))).toBe('INVALID_INPUT');
    expect(codeOf(() => fitArrhenius([...ok, { temperatureK: 300, value: Number.NaN }], 'diffusion'))).toBe('INVALID_INPUT');
    const same = [1, 2, 3].map((v) => ({ temperatureK: 300, value: v }));
    expect(codeOf(() => fitArrhenius(same, 'diffusion'))).toBe('DEGENERATE');
  });

  it('gives finite numbers or a typed error on any input', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ temperatureK: fc.double(), value: fc.double() }), { maxLength: 12 }), (points) => {
        try {
          const fit = fitArrhenius(points, 'conductivity');
          expect(Number.isFinite(fit.activationEnergyEv.value)).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(AnalysisError);
        }
      }),
    );
  });
});
