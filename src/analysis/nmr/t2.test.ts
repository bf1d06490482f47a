import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BOLTZMANN_EV_PER_K } from '../../core/physical-constants.js';
import { AnalysisError } from '../errors.js';
import { gaussianNoise } from '../gitt/synthetic-run.js';
import { bppRelaxationRatePerS, fitBpp } from './bpp.js';
import { analyzeT2, jumpDiffusionCm2PerS, type T2Point } from './t2-temperature.js';
import { codeOf } from '../error-code.test-support.js';

const TEMPERATURES_K = Array.from({ length: 19 }, (_, k) => 258 + 10 * k); // 258 ... 438 K


/** The two-regime model: ln(1/T2) flat at the rigid-lattice level, or the motional line, whichever is lower. */
function twoRegime(eaEv: number, breakK: number, rigidT2S: number, noise: number, seed: number): T2Point[] {
  const random = gaussianNoise(seed);
  const plateau = -Math.log(rigidT2S);
  return TEMPERATURES_K.map((t) => {
    const line = plateau + (eaEv / BOLTZMANN_EV_PER_K) * (1 / t - 1 / breakK);
    return { temperatureK: t, t2S: Math.exp(-(Math.min(plateau, line) + noise * random())) };
  });
}

describe('analyzeT2', () => {
  const EA = 0.35;
  const BREAK_K = 330;
  const RIGID_T2 = 20e-6;

  it('finds the regimes, the break point, Ea, tau_inf and D at 298 K from exact data', () => {
    const result = analyzeT2(twoRegime(EA, BREAK_K, RIGID_T2, 0, 1), { jumpDistanceCm: 0.25e-7, dimension: 3 });
    expect(result.activationEnergyEv.value).toBeCloseTo(EA, 9);
    expect(result.breakpoint.temperatureK).toBeCloseTo(BREAK_K, 6);
    expect(result.breakpoint.tauCS).toBeCloseTo(RIGID_T2 / Math.SQRT2, 15);
    const tauInf = (RIGID_T2 / Math.SQRT2) * Math.exp(-EA / (BOLTZMANN_EV_PER_K * BREAK_K));
    expect(result.tauInfS / tauInf).toBeCloseTo(1, 6);
    const tau298 = tauInf * Math.exp(EA / (BOLTZMANN_EV_PER_K * 298));
    expect(result.tauCAt298KS / tau298).toBeCloseTo(1, 6);
    // D = l^2/(6 tau_c) in three dimensions.
    expect(result.diffusionAt298KCm2PerS / ((0.25e-7) ** 2 / (6 * tau298))).toBeCloseTo(1, 6);
    // 338-438 K are motional (11 points); 258-328 K the plateau (8).
    expect(result.motionalPoints).toHaveLength(11);
    expect(result.plateauPoints).toBe(8);
    expect(result.warnings).toEqual([]);
  });

  it('recovers Ea within its standard error and the break point within 3 K from noisy data', () => {
    const result = analyzeT2(twoRegime(EA, BREAK_K, RIGID_T2, 0.05, 5), { jumpDistanceCm: 0.25e-7, dimension: 3 });
    expect(Math.abs(result.activationEnergyEv.value - EA)).toBeLessThan(4 * result.activationEnergyEv.stderr);
    expect(Math.abs(result.activationEnergyEv.value - EA)).toBeLessThan(0.03);
    expect(Math.abs(result.breakpoint.temperatureK - BREAK_K)).toBeLessThan(3);
  });

  it('uses n = 2, 4, 6 for 1, 2, 3 dimensions', () => {
    expect(jumpDiffusionCm2PerS(2, 1, 1)).toBe(2);
    expect(jumpDiffusionCm2PerS(2, 1, 2)).toBe(1);
    expect(jumpDiffusionCm2PerS(3, 1, 3)).toBe(1.5);
  });

  it('refuses too few points, bad values and data without motional narrowing', () => {
    const ok = twoRegime(EA, BREAK_K, RIGID_T2, 0, 1);
    const options = { jumpDistanceCm: 1e-8, dimension: 3 as const };
    expect(codeOf(() => analyzeT2(ok.slice(0, 4), options))).toBe('INSUFFICIENT_DATA');
    expect(codeOf(() => analyzeT2([...ok, { temperatureK: 300, t2S: 0 }], options))).toBe('INVALID_INPUT');
    expect(codeOf(() => analyzeT2(ok, { jumpDistanceCm: 1e-8, dimension: 4 as 3 }))).toBe('INVALID_INPUT');
    expect(codeOf(() => analyzeT2(ok, { jumpDistanceCm: -1, dimension: 3 }))).toBe('INVALID_INPUT');
    // T2 shortening as temperature rises: no motional narrowing.
    const wrong = TEMPERATURES_K.map((t) => ({ temperatureK: t, t2S: 1 / t }));
    expect(codeOf(() => analyzeT2(wrong, options))).toBe('DEGENERATE');
  });

  it('gives a result or a typed error on random input', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ temperatureK: fc.double(), t2S: fc.double() }), { maxLength: 12 }), (points) => {
        try {
          expect(Number.isNaN(analyzeT2(points, { jumpDistanceCm: 1e-8, dimension: 2 }).activationEnergyEv.value)).toBe(false);
        } catch (e) {
          expect(e).toBeInstanceOf(AnalysisError);
        }
      }),
    );
  });
});

describe('fitBpp', () => {
  // 7Li at 9.4 T; tau_c from about 3e-10 s (438 K) to 6e-6 s (258 K), across w0 tau_c = 1.
  const LARMOR_HZ = 155.5e6;
  const TRUE = { constantPerS2: 2e9, tauInfS: 4e-17, activationEnergyEv: 0.6 };
  const bppData = (noise: number, seed: number): T2Point[] => {
    const random = gaussianNoise(seed);
    return TEMPERATURES_K.map((t) => ({ temperatureK: t, t2S: Math.exp(noise * random()) / bppRelaxationRatePerS(t, TRUE, LARMOR_HZ) }));
  };

  it('recovers C, tau_inf and Ea from exact data', () => {
    const fit = fitBpp(bppData(0, 1), LARMOR_HZ);
    expect(fit.activationEnergyEv.value).toBeCloseTo(0.6, 6);
    expect(fit.constantPerS2.value / TRUE.constantPerS2).toBeCloseTo(1, 5);
    expect(fit.tauInfS.value / TRUE.tauInfS).toBeCloseTo(1, 4);
    expect(fit.r2).toBeCloseTo(1, 9);
  });

  it('recovers them within their standard errors from data with 3% noise', () => {
    const fit = fitBpp(bppData(0.03, 9), LARMOR_HZ);
    for (const [estimate, truth] of [
      [fit.activationEnergyEv, TRUE.activationEnergyEv],
      [fit.constantPerS2, TRUE.constantPerS2],
      [fit.tauInfS, TRUE.tauInfS],
    ] as const) {
      expect(Math.abs(estimate.value - truth)).toBeLessThan(4 * estimate.stderr);
    }
    expect(Math.abs(fit.activationEnergyEv.value - 0.6)).toBeLessThan(0.02);
  });

  it('refuses too few points and a bad Larmor frequency', () => {
    expect(codeOf(() => fitBpp(bppData(0, 1).slice(0, 3), LARMOR_HZ))).toBe('INSUFFICIENT_DATA');
    expect(codeOf(() => fitBpp(bppData(0, 1), 0))).toBe('INVALID_INPUT');
  });

  it('gives a result or a typed error on random input', () => {
    const point = fc.record({ temperatureK: fc.double({ min: -10, max: 2000 }), t2S: fc.double({ min: -1, max: 10 }) });
    fc.assert(
      fc.property(fc.array(point, { maxLength: 8 }), (points) => {
        try {
          expect(Number.isFinite(fitBpp(points, LARMOR_HZ).activationEnergyEv.value)).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(AnalysisError);
        }
      }),
      { numRuns: 50 },
    );
  });
});
