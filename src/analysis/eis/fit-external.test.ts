import { describe, expect, it } from 'vitest';
import { externalFixture } from '../../../tests/support/external-fixtures.js';
import { readImpedanceFile } from '../../io/impedance-file.js';
import type { ImpedanceSpectrum } from './spectrum.js';
import { fitCircuit, type CircuitFitOptions } from './fit.js';

/** The lowest cost of a careful search: three other seeds, each running 60 random starts and every hop, never stopping early. */
function careful(circuit: string, spectrum: ImpedanceSpectrum, options: CircuitFitOptions = {}): number {
  let cost = Infinity;
  for (const seed of [101, 202, 303]) cost = Math.min(cost, fitCircuit(circuit, spectrum, { ...options, seed, randomStarts: 60, exhaustive: true }).chiSquare);
  return cost;
}

/** Each real spectrum fitted with the default strategy must reach the minimum of the careful search. */
describe('fits of the external spectra reach the minimum of a careful multi-start search', () => {
  const cases: [string, string, boolean][] = [
    ['impedancepy_exampleData.csv', 'R0-p(R1,CPE1)-p(R2,CPE2)-W1', true],
    ['impedancepy_exampleData.csv', 'R0-p(R1,C1)-p(R2-Wo1,C2)', true],
    ['impedancepy_exampleData.csv', 'L0-R0-p(R1,CPE1)-p(R2,CPE2)-W1', false],
    ['impedancepy_exampleDataBioLogic.mpt', 'R0-p(R1,CPE1)', false],
    ['impedancepy_exampleDataGamry.DTA', 'R0-p(R1,CPE1)-p(R2,CPE2)', false],
    ['pydrttools_LIB_data.txt', 'L0-R0-p(R1,CPE1)-p(R2,CPE2)-W1', false],
  ];
  it.each(cases)('%s with %s', async (file, circuit, excludeInductive) => {
    const spectrum = await readImpedanceFile(externalFixture(file), { excludeInductive });
    expect(fitCircuit(circuit, spectrum).rss).toBeLessThanOrEqual(careful(circuit, spectrum) * (1 + 1e-6));
  });
});

describe('the search stops early only where the landscape looks benign', () => {
  const circuit = 'R0-p(R1,C1)-p(R2-Wo1,C2)';

  it('exampleData.csv: the guess reaches the best minimum (checked above), two more local fits confirm it, the search stops', async () => {
    const spectrum = await readImpedanceFile(externalFixture('impedancepy_exampleData.csv'), { excludeInductive: true });
    // The guess, the other arc order, one random start, the polish.
    expect(fitCircuit(circuit, spectrum).localFits).toBe(4);
  });

  it('Gamry .DTA, modulus weighting: the first fit lands in a poorer minimum, so the search goes on and finds the best one', async () => {
    const spectrum = await readImpedanceFile(externalFixture('impedancepy_exampleDataGamry.DTA'));
    const weighting = 'modulus';
    const best = careful(circuit, spectrum, { weighting });
    const first = fitCircuit(circuit, spectrum, { weighting, randomStarts: 0, hops: 0, exhaustive: true });
    expect(first.chiSquare).toBeGreaterThan(1.01 * best);
    const fit = fitCircuit(circuit, spectrum, { weighting });
    expect(fit.localFits).toBeGreaterThan(32);
    expect(fit.chiSquare).toBeLessThanOrEqual(best * (1 + 1e-6));
  });
});
