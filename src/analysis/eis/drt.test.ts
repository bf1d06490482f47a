import { describe, expect, it } from 'vitest';
import { Circuit } from './circuit.js';
import { drt } from './drt.js';
import { gaussian, mulberry32 } from './fit.js';
import type { ImpedanceSpectrum } from './spectrum.js';

function spectrum(text: string, values: number[], relative: number, seed: number, points = 100): ImpedanceSpectrum {
  const frequencyHz = Float64Array.from({ length: points }, (_, i) => 1e6 * 1e-8 ** (i / (points - 1)));
  const { zRe, zIm } = Circuit.parse(text).impedance(values, frequencyHz);
  const random = mulberry32(seed);
  for (let i = 0; i < points; i++) {
    const mod = Math.hypot(zRe[i]!, zIm[i]!);
    zRe[i] = zRe[i]! + relative * mod * gaussian(random);
    zIm[i] = zIm[i]! + relative * mod * gaussian(random);
  }
  return { frequencyHz, zRe, zIm };
}

describe('drt', () => {
  // R0 = 5 ohm, R1 = 10 ohm at tau1 = 1e-4 s, R2 = 20 ohm at tau2 = 0.1 s
  const twoRc = ['R0-p(R1,C1)-p(R2,C2)', [5, 10, 1e-4 / 10, 20, 0.1 / 20]] as const;

  it.each([0, 0.001])('recovers two separated RC time constants within 10 %% (noise %s |Z|)', (noise) => {
    const result = drt(spectrum(twoRc[0], [...twoRc[1]], noise, 3));
    const major = result.peaks.filter((p) => p.resistanceOhm > 1).sort((a, b) => a.tauS - b.tauS);
    expect(major).toHaveLength(2);
    expect(Math.abs(major[0]!.tauS / 1e-4 - 1)).toBeLessThan(0.1);
    expect(Math.abs(major[1]!.tauS / 0.1 - 1)).toBeLessThan(0.1);
    expect(Math.abs(major[0]!.resistanceOhm / 10 - 1)).toBeLessThan(0.1);
    expect(Math.abs(major[1]!.resistanceOhm / 20 - 1)).toBeLessThan(0.1);
    expect(Math.abs(result.rInfOhm / 5 - 1)).toBeLessThan(0.05);
    expect(result.lambda).toBeGreaterThan(0);
  });

  it('gamma integrates to the polarisation resistance, and a stronger penalty smooths (fewer or equal peaks)', () => {
    const data = spectrum('R0-p(R1,CPE1)-p(R2,C2)', [5, 10, 1e-5, 0.8, 20, 5e-3], 0.001, 5);
    const weak = drt(data, { lambda: 1e-6 });
    const strong = drt(data, { lambda: 1 });
    for (const result of [weak, strong]) {
      const dLnTau = Math.log(result.tauS[1]! / result.tauS[0]!);
      const total = result.gammaOhm.reduce((s, g) => s + g * dLnTau, 0);
      expect(Math.abs(total + result.rInfOhm - 35) / 35).toBeLessThan(0.05);
      expect(result.gammaOhm.every((g) => g >= 0)).toBe(true);
    }
    expect(strong.peaks.length).toBeLessThanOrEqual(weak.peaks.length);
  });

  it('rejects a negative lambda and too few points', () => {
    const data = spectrum(twoRc[0], [...twoRc[1]], 0, 1);
    expect(() => drt(data, { lambda: -1 })).toThrow(expect.objectContaining({ code: 'EIS_PARAMETER' }));
    const three = { frequencyHz: data.frequencyHz.slice(0, 3), zRe: data.zRe.slice(0, 3), zIm: data.zIm.slice(0, 3) };
    expect(() => drt(three)).toThrow(expect.objectContaining({ code: 'EIS_DATA' }));
  });
});
