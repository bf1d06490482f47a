import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { externalFixture } from '../../../tests/support/external-fixtures.js';
import { Circuit } from './circuit.js';
import { isEisError } from './errors.js';
import { fitCircuit, gaussian, mulberry32, type CircuitFitResult } from './fit.js';
import { withoutInductivePoints, type ImpedanceSpectrum } from './spectrum.js';

/** Simulated spectrum with seeded Gaussian noise of `relative` x |Z| on each component. */
function simulate(text: string, values: number[], fMinHz: number, fMaxHz: number, points: number, relative: number, seed: number): ImpedanceSpectrum {
  const frequencyHz = Float64Array.from({ length: points }, (_, i) => fMaxHz * (fMinHz / fMaxHz) ** (i / (points - 1)));
  const { zRe, zIm } = Circuit.parse(text).impedance(values, frequencyHz);
  const random = mulberry32(seed);
  for (let i = 0; i < points; i++) {
    const mod = Math.hypot(zRe[i]!, zIm[i]!);
    zRe[i] = zRe[i]! + relative * mod * gaussian(random);
    zIm[i] = zIm[i]! + relative * mod * gaussian(random);
  }
  return { frequencyHz, zRe, zIm };
}

const value = (fit: CircuitFitResult, name: string) => fit.parameters.find((p) => p.name === name)!;

describe('fitCircuit round trips: simulate, add 0.2 % noise, fit from automatic guesses (unit weighting)', () => {
  // Tolerance: every parameter within 4 standard errors of the truth, and within 5 %
  // (CPE exponents within 0.02): the noise is small and every time constant lies
  // inside the frequency window.
  const cases: [string, number[], number, number][] = [
    ['R0-p(R1,C1)', [10, 100, 1e-6], 1, 1e5],
    ['R0-p(R1,CPE1)-W1', [5, 50, 2e-5, 0.85, 3], 1e-2, 1e5],
    ['R0-p(R1,CPE1)-p(R2,CPE2)-W1', [10, 100, 1e-6, 0.9, 200, 1e-3, 0.8, 20], 1e-2, 1e6],
    ['R0-p(R1,C1)-p(R2-Wo1,C2)', [10, 100, 1e-7, 50, 200, 10, 1e-4], 1e-3, 1e6],
    ['L0-R0-p(R1,CPE1)-Ws1', [1e-6, 2, 20, 1e-4, 0.9, 30, 5], 1e-3, 1e6],
    ['R0-p(R1,CPE1)-G1', [5, 100, 1e-7, 0.95, 50, 0.01], 1e-2, 1e6],
  ];
  it.each(cases)('%s', (text, truth, fMin, fMax) => {
    const spectrum = simulate(text, truth, fMin, fMax, 60, 0.002, 42);
    const fit = fitCircuit(text, spectrum, { weighting: 'unit' });
    expect(fit.converged).toBe(true);
    expect(fit.warnings).toEqual([]);
    fit.parameters.forEach((p, j) => {
      const t = truth[j]!;
      expect(p.stderr).not.toBeNull();
      expect(Math.abs(p.value - t)).toBeLessThan(4 * p.stderr!);
      if (p.name.endsWith('_1') && p.unit === '') expect(Math.abs(p.value - t)).toBeLessThan(0.02);
      else expect(Math.abs(p.value - t) / t).toBeLessThan(0.05);
    });
    // rss is the unweighted sum |dZ|^2, which unit weighting minimises: equal to chi-square.
    expect(fit.rss).toBeCloseTo(fit.chiSquare, 12);
  });
});

describe('fitCircuit options and diagnostics', () => {
  const truth = [10, 100, 1e-6, 0.9, 200, 1e-3, 0.8, 20];
  const text = 'R0-p(R1,CPE1)-p(R2,CPE2)-W1';
  const spectrum = simulate(text, truth, 1e-2, 1e6, 60, 0.002, 7);

  it('holds fixed parameters and reports them without a standard error', () => {
    const fit = fitCircuit(text, spectrum, { fixed: { CPE1_1: 0.9, R0: 10 } });
    expect(value(fit, 'CPE1_1')).toMatchObject({ value: 0.9, stderr: null, fixed: true });
    expect(value(fit, 'R0').value).toBe(10);
    expect(Math.abs(value(fit, 'R1').value - 100) / 100).toBeLessThan(0.05);
  });

  it('modulus and proportional weighting: chi-square is the weighted cost, rss stays unweighted', () => {
    for (const weighting of ['modulus', 'proportional'] as const) {
      const fit = fitCircuit(text, spectrum, { weighting });
      const circuit = Circuit.parse(text);
      const model = circuit.impedance(
        fit.parameters.map((p) => p.value),
        spectrum.frequencyHz,
      );
      let rss = 0;
      let chi = 0;
      for (let i = 0; i < model.zRe.length; i++) {
        const dr = model.zRe[i]! - spectrum.zRe[i]!;
        const di = model.zIm[i]! - spectrum.zIm[i]!;
        rss += dr * dr + di * di;
        const mod2 = spectrum.zRe[i]! ** 2 + spectrum.zIm[i]! ** 2;
        chi +=
          weighting === 'modulus'
            ? (dr * dr + di * di) / mod2
            : (dr / Math.max(Math.abs(spectrum.zRe[i]!), 1e-3 * Math.sqrt(mod2))) ** 2 + (di / Math.max(Math.abs(spectrum.zIm[i]!), 1e-3 * Math.sqrt(mod2))) ** 2;
      }
      expect(fit.rss / rss).toBeCloseTo(1, 10);
      expect(fit.chiSquare / chi).toBeCloseTo(1, 10);
      expect(Math.abs(value(fit, 'R2').value - 200) / 200).toBeLessThan(0.05);
    }
  });

  it('flags a parameter the data cannot determine', () => {
    // A second arc whose time constant lies far below the window: R2 and C2 are unidentifiable.
    const data = simulate('R0-p(R1,C1)', [10, 100, 1e-6], 1, 1e5, 40, 0.002, 3);
    const fit = fitCircuit('R0-p(R1,C1)-p(R2,C2)', data);
    expect(fit.warnings.some((w) => /R2|C2/.test(w) && /(bound|poorly determined|not computable)/.test(w))).toBe(true);
  });

  it('gives the same fit for the same seed (reproducible multi-start)', () => {
    const a = fitCircuit(text, spectrum, { seed: 5 });
    const b = fitCircuit(text, spectrum, { seed: 5 });
    expect(a.parameters.map((p) => p.value)).toEqual(b.parameters.map((p) => p.value));
  });

  it('rejects unknown names, impossible values and too few points with typed errors', () => {
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return isEisError(e) ? e.code : 'not an EisError';
      }
      return 'no error';
    };
    expect(codeOf(() => fitCircuit(text, spectrum, { fixed: { R9: 1 } }))).toBe('EIS_PARAMETER');
    expect(codeOf(() => fitCircuit(text, spectrum, { fixed: { CPE1_1: 1.2 } }))).toBe('EIS_PARAMETER');
    expect(codeOf(() => fitCircuit(text, spectrum, { initialGuess: { R0: -1 } }))).toBe('EIS_PARAMETER');
    const three = { frequencyHz: spectrum.frequencyHz.slice(0, 3), zRe: spectrum.zRe.slice(0, 3), zIm: spectrum.zIm.slice(0, 3) };
    expect(codeOf(() => fitCircuit(text, three))).toBe('EIS_DATA');
    expect(codeOf(() => fitCircuit('R0-p(R1,C1', spectrum))).toBe('EIS_CIRCUIT_SYNTAX');
  });
});

describe('fitCircuit on impedance.py exampleData.csv (inductive points excluded), unit weighting as impedance.py', () => {
  const rows = readFileSync(externalFixture('impedancepy_exampleData.csv'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(',').map(Number));
  const spectrum = withoutInductivePoints({
    frequencyHz: Float64Array.from(rows, (r) => r[0]!),
    zRe: Float64Array.from(rows, (r) => r[1]!),
    zIm: Float64Array.from(rows, (r) => r[2]!),
  });

  it('R0-p(R1,CPE1)-p(R2,CPE2)-W1 reaches rss <= 2.89e-5 ohm^2 (the reference tool\'s result)', () => {
    const fit = fitCircuit('R0-p(R1,CPE1)-p(R2,CPE2)-W1', spectrum, { weighting: 'unit' });
    expect(fit.points).toBe(57);
    expect(fit.rss).toBeLessThanOrEqual(2.89e-5);
  });

  it('R0-p(R1,C1)-p(R2-Wo1,C2) does at least as well as the parameters impedance.py documents for it', () => {
    // impedance.py "Getting started": R0 1.65e-2, R1 8.68e-3, C1 3.32, R2 5.39e-3, Wo1 6.31e-2 / 2.33e2, C2 0.220
    const circuit = Circuit.parse('R0-p(R1,C1)-p(R2-Wo1,C2)');
    const z = circuit.impedance([1.65e-2, 8.68e-3, 3.32, 5.39e-3, 6.31e-2, 2.33e2, 0.22], spectrum.frequencyHz);
    let documented = 0;
    for (let i = 0; i < z.zRe.length; i++) documented += (z.zRe[i]! - spectrum.zRe[i]!) ** 2 + (z.zIm[i]! - spectrum.zIm[i]!) ** 2;
    expect(fitCircuit(circuit, spectrum, { weighting: 'unit' }).rss).toBeLessThanOrEqual(documented);
  });
});

describe('fitCircuit on a pellet whose bulk arc sits at the top of the window', () => {
  it('does not stop in the minimum that stretches a CPE over the missing arc', async () => {
    const { createCell } = await import('../../../simulators/potentiostat/cell/index.js');
    const cell = createCell('LAGP-pellet');
    for (const temperatureK of [296, 314]) {
      cell.setTemperatureK(temperatureK);
      const frequencyHz = Float64Array.from({ length: 61 }, (_, k) => 10 ** (6 - k / 10));
      const spectrum = {
        frequencyHz,
        zRe: Float64Array.from(frequencyHz, (f) => cell.impedance(f).re),
        zIm: Float64Array.from(frequencyHz, (f) => cell.impedance(f).im),
      };
      const fit = fitCircuit('p(R1,CPE1)-p(R2,CPE2)-CPE3', spectrum, { weighting: 'modulus' });
      const careful = fitCircuit('p(R1,CPE1)-p(R2,CPE2)-CPE3', spectrum, { weighting: 'modulus', exhaustive: true });
      expect(fit.rss).toBeLessThanOrEqual(careful.rss * (1 + 1e-6));
      expect(fit.parameters.find((p) => p.name === 'R1')!.value / cell.bulkResistanceOhm(temperatureK)).toBeCloseTo(1, 1);
    }
  });
});
