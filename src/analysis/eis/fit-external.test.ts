import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readImpedanceFile } from '../../io/impedance-file.js';
import { fitCircuit } from './fit.js';

const EXTERNAL = fileURLToPath(new URL('../../../../shared/data/external/', import.meta.url));

/**
 * Each real spectrum fitted with the default strategy against a careful
 * search: three other seeds with 60 random starts each (plus their hops).
 * The default, with 8 random starts, must be at least as good.
 */
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
    const spectrum = await readImpedanceFile(`${EXTERNAL}${file}`, { excludeInductive });
    const fit = fitCircuit(circuit, spectrum);
    let careful = Infinity;
    for (const seed of [101, 202, 303]) careful = Math.min(careful, fitCircuit(circuit, spectrum, { seed, randomStarts: 60 }).rss);
    expect(fit.rss).toBeLessThanOrEqual(careful * (1 + 1e-6));
  });
});
