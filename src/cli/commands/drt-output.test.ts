import { describe, expect, it } from 'vitest';
import { externalFixture } from '../../../tests/support/external-fixtures.js';
import { drt } from '../../analysis/eis/drt.js';
import { readImpedanceFile } from '../../io/impedance-file.js';
import { drtJson, drtSummaryLine } from './drt-output.js';

describe('DRT output', () => {
  it('states lambda, how it was chosen, the noise it assumed and each peak with units', async () => {
    const result = drt(await readImpedanceFile(externalFixture('pydrttools_LIB_data.txt')));
    expect(drtSummaryLine(result)).toMatch(/^ {2}DRT \(lambda \S+ \(dimensionless\), discrepancy principle, noise \S+% of \|Z\|\): tau \S+ s: \S+ ohm/);
    expect(drtJson(result)).toMatchObject({ lambda: result.lambda, lambdaMethod: 'discrepancy', noiseRelative: result.noiseRelative });
    const given = drt(await readImpedanceFile(externalFixture('pydrttools_LIB_data.txt')), { lambda: 0.1 });
    expect(drtSummaryLine(given)).toMatch(/^ {2}DRT \(lambda 0\.10 \(dimensionless\), given\): /);
    expect(drtJson(given).noiseRelative).toBeNull();
  });
});
