import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { externalFixture } from '../../../tests/support/external-fixtures.js';
import { Circuit } from './circuit.js';
import { isEisError } from './errors.js';
import { gaussian, mulberry32 } from './fit.js';
import { linKk } from './lin-kk.js';
import type { ImpedanceSpectrum } from './spectrum.js';

const TEXT = 'R0-p(R1,CPE1)-p(R2,C2)-W1';
const TRUTH = [10, 100, 1e-6, 0.9, 200, 5e-4, 20];
const FREQUENCY = Float64Array.from({ length: 61 }, (_, i) => 1e6 * 1e-8 ** (i / 60)); // 1 MHz down to 10 mHz

function noisy(relative: number, seed: number, values: (i: number) => number[] = () => TRUTH): ImpedanceSpectrum {
  const circuit = Circuit.parse(TEXT);
  const random = mulberry32(seed);
  const zRe = new Float64Array(FREQUENCY.length);
  const zIm = new Float64Array(FREQUENCY.length);
  FREQUENCY.forEach((f, i) => {
    // Each point from its own parameter values: a drifting sample changes during the sweep.
    const z = circuit.impedance(values(i), Float64Array.of(f));
    const mod = Math.hypot(z.zRe[0]!, z.zIm[0]!);
    zRe[i] = z.zRe[0]! + relative * mod * gaussian(random);
    zIm[i] = z.zIm[0]! + relative * mod * gaussian(random);
  });
  return { frequencyHz: FREQUENCY, zRe, zIm };
}

describe('linKk (Schönleber 2014)', () => {
  it('passes a stationary spectrum with 0.1 % noise, choosing M where mu drops below 0.85 for good', () => {
    const result = linKk(noisy(0.001, 1));
    expect(result.pass).toBe(true);
    expect(result.maxResidual).toBeLessThan(0.01);
    expect(result.mu).toBeLessThan(0.85);
    expect(result.M).toBeGreaterThan(3);
    // One element fewer is not yet over-fitting; the next three are.
    expect(linKk(noisy(0.001, 1), { maxM: result.M - 1 }).mu).toBeGreaterThanOrEqual(0.85);
    for (let m = result.M + 1; m <= result.M + 3; m++) {
      // c near 0 never stops the search, so this is the fit with exactly m elements.
      const fixedM = linKk(noisy(0.001, 1), { maxM: m, c: 0.01 });
      expect(fixedM.M).toBe(m);
      expect(fixedM.mu).toBeLessThan(0.85);
    }
    // tau spans 1/omega_max .. 1/omega_min
    expect(result.tauS[0]! * 2 * Math.PI * 1e6).toBeCloseTo(1, 10);
    expect(result.tauS[result.M - 1]! * 2 * Math.PI * 1e-2).toBeCloseTo(1, 10);
  });

  it('flags a spectrum measured while the sample drifted (R1 and R2 up 30 % during the sweep)', () => {
    const drifting = noisy(0.001, 1, (i) => {
      const grow = 1 + (0.3 * i) / (FREQUENCY.length - 1);
      return [10, 100 * grow, 1e-6, 0.9, 200 * grow, 5e-4, 20];
    });
    const result = linKk(drifting);
    expect(result.pass).toBe(false);
    expect(result.maxResidual).toBeGreaterThan(0.01);
  });

  it('reports residuals relative to |Z| and their maximum', () => {
    const spectrum = noisy(0.002, 9);
    const { residuals, maxResidual } = linKk(spectrum);
    expect(residuals.real).toHaveLength(61);
    const largest = [...residuals.real, ...residuals.imag].reduce((max, v) => Math.max(max, Math.abs(v)), 0);
    expect(maxResidual).toBe(largest);
    // Noise of 0.2 % |Z| per component: the residuals are of that order, not far below or above.
    expect(maxResidual).toBeGreaterThan(0.001);
    expect(maxResidual).toBeLessThan(0.01);
  });

  it('fails the scattered BioLogic thin-film export: neighbouring points differ by more than the 1 % limit', () => {
    const lines = readFileSync(externalFixture('impedancepy_exampleDataBioLogic.mpt'), 'latin1').split('\n');
    const rows = lines.slice(61).filter((l) => l.trim() !== '').map((l) => l.split('\t').slice(0, 3).map(Number));
    const spectrum = { frequencyHz: Float64Array.from(rows, (r) => r[0]!), zRe: Float64Array.from(rows, (r) => r[1]!), zIm: Float64Array.from(rows, (r) => -r[2]!) };
    // Independent of the test: -Z'' jumps between adjacent high-frequency points by several % of |Z|.
    let jump = 0;
    for (let i = 0; i + 1 < 8; i++) jump = Math.max(jump, Math.abs(spectrum.zIm[i + 1]! - spectrum.zIm[i]!) / Math.hypot(spectrum.zRe[i]!, spectrum.zIm[i]!));
    expect(jump).toBeGreaterThan(0.02);
    expect(linKk(spectrum).pass).toBe(false);
  });

  it('rejects too few points and a bad threshold with typed errors', () => {
    const two = { frequencyHz: Float64Array.of(1, 10), zRe: Float64Array.of(1, 1), zIm: Float64Array.of(-1, -0.1) };
    expect(() => linKk(two)).toThrow(expect.objectContaining({ code: 'EIS_DATA' }));
    try {
      linKk(noisy(0, 1), { c: 1.5 });
      expect.unreachable();
    } catch (e) {
      expect(isEisError(e) && e.code).toBe('EIS_PARAMETER');
    }
  });
});
