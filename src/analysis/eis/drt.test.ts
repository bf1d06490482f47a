import { describe, expect, it } from 'vitest';
import { externalFixture } from '../../../tests/support/external-fixtures.js';
import { readImpedanceFile } from '../../io/impedance-file.js';
import { Circuit } from './circuit.js';
import { drt, type DrtResult } from './drt.js';
import { gaussian, mulberry32 } from './fit.js';
import type { ImpedanceSpectrum } from './spectrum.js';

/** `points` frequencies from 1 MHz down to 10 mHz, noise of `relative` |Z| on each part. */
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

/** CPE Q of a ZARC p(R, CPE) relaxing at tau0 = (R Q)^(1/alpha). */
const q = (tauS: number, resistanceOhm: number, alpha: number) => tauS ** alpha / resistanceOhm;

function expectPeaksAt(result: DrtResult, tauS: number[]): void {
  const found = result.peaks.map((p) => p.tauS).sort((a, b) => a - b);
  expect(found).toHaveLength(tauS.length);
  tauS.forEach((tau, i) => expect(Math.abs(found[i]! / tau - 1)).toBeLessThan(0.1));
}

describe('drt', () => {
  // R0 = 5 ohm, R1 = 10 ohm at tau1 = 1e-4 s, R2 = 20 ohm at tau2 = 0.1 s
  const twoRc = ['R0-p(R1,C1)-p(R2,C2)', [5, 10, 1e-4 / 10, 20, 0.1 / 20]] as const;

  it.each([0, 0.001])('recovers two separated RC time constants within 10 percent (noise %s of |Z|)', (noise) => {
    const result = drt(spectrum(twoRc[0], [...twoRc[1]], noise, 3));
    const major = result.peaks.filter((p) => p.resistanceOhm > 1).sort((a, b) => a.tauS - b.tauS);
    expect(major).toHaveLength(2);
    expect(Math.abs(major[0]!.tauS / 1e-4 - 1)).toBeLessThan(0.1);
    expect(Math.abs(major[1]!.tauS / 0.1 - 1)).toBeLessThan(0.1);
    expect(Math.abs(major[0]!.resistanceOhm / 10 - 1)).toBeLessThan(0.1);
    expect(Math.abs(major[1]!.resistanceOhm / 20 - 1)).toBeLessThan(0.1);
    expect(Math.abs(result.rInfOhm / 5 - 1)).toBeLessThan(0.05);
    expect(result.lambda).toBeGreaterThan(0);
    expect(result.lambdaMethod).toBe('discrepancy');
  });

  // Exactly the known number of peaks, each within 10 % of its time constant, with 1 % noise, seed after seed.
  // These cases chose the penalty and the discrepancy factor (drt-lambda.ts); the plain GCV lambda gave
  // 3-4 peaks for 2 RC elements on some seeds and 5-7 for the ZARCs.
  describe.each([1, 2, 3, 4, 5])('synthetic spectra with 1 percent noise, seed %i', (seed) => {
    it('2 RC elements: 2 peaks at 1e-4 and 0.1 s', () => {
      expectPeaksAt(drt(spectrum(twoRc[0], [...twoRc[1]], 0.01, seed)), [1e-4, 0.1]);
    });

    it('3 RC elements: 3 peaks at 1e-5, 1e-2 and 1 s', () => {
      const result = drt(spectrum('R0-p(R1,C1)-p(R2,C2)-p(R3,C3)', [5, 10, 1e-6, 20, 5e-4, 15, 1 / 15], 0.01, seed));
      expectPeaksAt(result, [1e-5, 1e-2, 1]);
      // The noise the choice assumed is the noise put in.
      expect(result.noiseRelative).toBeGreaterThan(0.008);
      expect(result.noiseRelative).toBeLessThan(0.0125);
    });

    it('2 ZARCs (CPE spread, alpha 0.85 and 0.8): 2 peaks at 1e-4 and 0.1 s', () => {
      const values = [5, 10, q(1e-4, 10, 0.85), 0.85, 20, q(0.1, 20, 0.8), 0.8];
      expectPeaksAt(drt(spectrum('R0-p(R1,CPE1)-p(R2,CPE2)', values, 0.01, seed)), [1e-4, 0.1]);
    });

    // 2.5 decades apart: at 2 decades the broad ZARCs overlap and the middle peak comes out up to 11 % early.
    it('3 ZARCs (alpha 0.9, 0.85, 0.8): 3 peaks at 1e-5, 3e-3 and 1 s', () => {
      const values = [5, 10, q(1e-5, 10, 0.9), 0.9, 20, q(3e-3, 20, 0.85), 0.85, 15, q(1, 15, 0.8), 0.8];
      expectPeaksAt(drt(spectrum('R0-p(R1,CPE1)-p(R2,CPE2)-p(R3,CPE3)', values, 0.01, seed)), [1e-5, 3e-3, 1]);
    });
  });

  // The plain GCV lambda (about 1e-7) gave 9-12 peaks on these. Bounds from the samples:
  // - Li-ion cells (impedance.py exampleData, pyDRTtools LIB_data): at most 5 processes resolve in a
  //   cell's DRT (contact, SEI, charge transfer at each electrode, solid-state diffusion; Illig et al.,
  //   J. Electrochem. Soc. 159 (2012) A952; Schmidt et al., J. Power Sources 196 (2011) 5342);
  //   found: 2 and 3 (5 without the inductive points of exampleData.csv).
  // - BioLogic thin-film oxide: one arc (upstream fits R0-p(R1,CPE1)), at most bulk and interface: found 1.
  // - Gamry: a high-frequency arc and a low-frequency one still rising at 20 mHz (beyond the window,
  //   so not a peak); at most the two arcs and a small feature between them: found 1.
  describe('real spectra give a small number of peaks', () => {
    it.each([
      ['impedancepy_exampleData.csv', false, 5],
      ['impedancepy_exampleData.csv', true, 5],
      ['impedancepy_exampleDataBioLogic.mpt', false, 2],
      ['impedancepy_exampleDataGamry.DTA', false, 3],
      ['pydrttools_LIB_data.txt', false, 5],
      ['pydrttools_LIB_data.txt', true, 5],
    ] as const)('%s (inductive points excluded: %s): 1 to %i peaks', async (file, excludeInductive, most) => {
      const result = drt(await readImpedanceFile(externalFixture(file), { excludeInductive }));
      expect(result.peaks.length).toBeGreaterThanOrEqual(1);
      expect(result.peaks.length).toBeLessThanOrEqual(most);
      expect(result.lambdaMethod).toBe('discrepancy');
      expect(result.lambda).toBeGreaterThan(1e-4);
    });
  });

  it('bounds the work of choosing lambda on a 100-point spectrum', async () => {
    for (const data of [
      await readImpedanceFile(externalFixture('pydrttools_LIB_data.txt')),
      spectrum('R0-p(R1,CPE1)-p(R2,CPE2)-p(R3,CPE3)', [5, 10, q(1e-5, 10, 0.9), 0.9, 20, q(3e-3, 20, 0.85), 0.85, 15, q(1, 15, 0.8), 0.8], 0.01, 1),
    ]) {
      const { work } = drt(data);
      // 21 GCV grid points; 1 + 3 x (2 ends + at most 6 bisection steps) NNLS solves.
      expect(work.factorizations).toBeLessThanOrEqual(21);
      expect(work.nnlsSolves).toBeLessThanOrEqual(25);
      // Each active-set iteration is one Cholesky factorisation of at most 100 x 100 or so; 1000-2000 were seen.
      expect(work.nnlsIterations).toBeLessThanOrEqual(3000);
    }
  });

  it('does not report gamma rising at the end of the tau grid (a blocking tail) as a peak', () => {
    const result = drt(spectrum('R0-p(R1,C1)-C2', [5, 10, 1e-4 / 10, 1e-2], 0.001, 7));
    expectPeaksAt(result, [1e-4]);
    expect(result.gammaOhm[result.gammaOhm.length - 1]!).toBeGreaterThan(result.gammaOhm[result.gammaOhm.length - 2]!);
  });

  it('gamma integrates to the polarisation resistance, and a stronger penalty smooths (fewer or equal peaks)', () => {
    const data = spectrum('R0-p(R1,CPE1)-p(R2,C2)', [5, 10, 1e-5, 0.8, 20, 5e-3], 0.001, 5);
    const weak = drt(data, { lambda: 1e-6 });
    const strong = drt(data, { lambda: 1 });
    for (const result of [weak, strong]) {
      expect(result.lambdaMethod).toBe('fixed');
      expect(result.noiseRelative).toBeNull();
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
