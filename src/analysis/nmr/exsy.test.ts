import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnalysisError } from '../errors.js';
import { gaussianNoise } from '../gitt/synthetic-run.js';
import { exchangedFraction, fitExsy, type ExsyPoint } from './exsy.js';
import { codeOf } from '../error-code.test-support.js';

const D_CM = 50e-7; // 50 nm


describe('exchangedFraction', () => {
  it('is 0 at t = 0, tends to 1, and grows with t', () => {
    expect(exchangedFraction(0, 1e-12, D_CM)).toBe(0);
    expect(exchangedFraction(1e-15, 1e-12, D_CM)).toBeLessThan(1e-7);
    expect(exchangedFraction(1e9, 1e-12, D_CM)).toBeCloseTo(1, 4);
    fc.assert(
      fc.property(fc.double({ min: 1e-4, max: 1e4, noNaN: true }), fc.double({ min: 1.01, max: 10, noNaN: true }), (t, factor) => {
        const a = exchangedFraction(t, 1e-13, D_CM);
        expect(a).toBeGreaterThanOrEqual(0);
        expect(a).toBeLessThanOrEqual(1);
        expect(exchangedFraction(t * factor, 1e-13, D_CM)).toBeGreaterThanOrEqual(a);
      }),
    );
  });

  it('follows the short-time limit F = 3 sqrt(4Dt)/(d sqrt(pi)) of the defining formula', () => {
    // For sqrt(4Dt) << d: g = d - s/sqrt(pi), so F = 1 - (1 - s/(d sqrt(pi)))^3 ~ 3 s/(d sqrt(pi)).
    const t = 1e-3;
    const s = Math.sqrt(4 * 1e-13 * t);
    expect(exchangedFraction(t, 1e-13, D_CM) / ((3 * s) / (D_CM * Math.sqrt(Math.PI)))).toBeCloseTo(1, 2);
  });
});

describe('fitExsy', () => {
  const D_TRUE = 2e-13;
  const TIMES = [1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1, 3];

  it('recovers D from exact data', () => {
    const points = TIMES.map((t) => ({ mixingTimeS: t, exchangedFraction: exchangedFraction(t, D_TRUE, D_CM) }));
    const fit = fitExsy(points, D_CM);
    expect(fit.diffusionCm2PerS.value / D_TRUE).toBeCloseTo(1, 6);
    expect(fit.r2).toBeCloseTo(1, 9);
    expect(fit.points).toBe(TIMES.length);
  });

  it('recovers D within its standard error from noisy data, whatever the starting scale', () => {
    for (const dTrue of [3e-15, 2e-13, 5e-11]) {
      const noise = gaussianNoise(3);
      const times = TIMES.map((t) => (t * 2e-13) / dTrue);
      const points: ExsyPoint[] = times.map((t) => ({ mixingTimeS: t, exchangedFraction: exchangedFraction(t, dTrue, D_CM) + 0.01 * noise() }));
      const fit = fitExsy(points, D_CM);
      expect(Math.abs(fit.diffusionCm2PerS.value - dTrue)).toBeLessThan(4 * fit.diffusionCm2PerS.stderr);
      expect(Math.abs(fit.diffusionCm2PerS.value / dTrue - 1)).toBeLessThan(0.05);
      expect(fit.r2).toBeGreaterThan(0.99);
    }
  });

  it('refuses too few points, bad values and data that cannot determine D', () => {
    const ok = TIMES.map((t) => ({ mixingTimeS: t, exchangedFraction: exchangedFraction(t, D_TRUE, D_CM) }));
    expect(codeOf(() => fitExsy(ok.slice(0, 2), D_CM))).toBe('INSUFFICIENT_DATA');
    expect(codeOf(() => fitExsy(ok, 0))).toBe('INVALID_INPUT');
    expect(codeOf(() => fitExsy([...ok, { mixingTimeS: -1, exchangedFraction: 0.5 }], D_CM))).toBe('INVALID_INPUT');
    expect(codeOf(() => fitExsy([...ok, { mixingTimeS: 1, exchangedFraction: 3 }], D_CM))).toBe('INVALID_INPUT');
    // Fully exchanged at every mixing time: any large D fits.
    expect(codeOf(() => fitExsy(TIMES.map((t) => ({ mixingTimeS: t, exchangedFraction: 1 })), D_CM))).toBe('DEGENERATE');
  });

  it('refuses mixing times spanning hundreds of decades with a typed error (found by the property test)', () => {
    const points = [5e-324, 1.3907e-319, 300653.3193722664].map((mixingTimeS) => ({ mixingTimeS, exchangedFraction: 0 }));
    expect(codeOf(() => fitExsy(points, D_CM))).toBe('DEGENERATE');
  });

  it('gives a finite D or a typed error on random input', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ mixingTimeS: fc.double(), exchangedFraction: fc.double() }), { maxLength: 10 }), (points) => {
        try {
          expect(Number.isFinite(fitExsy(points, D_CM).diffusionCm2PerS.value)).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(AnalysisError);
        }
      }),
      { numRuns: 200 },
    );
  });
});
