import { describe, expect, it } from 'vitest';
import { decodePackage, encodePackage } from './data-package.js';
import { sampleFromPackage } from './sample.js';
import { POTENTIOSTAT_FLAGS } from '../../../src/kinds/potentiostat/device.js';

describe('sampleFromPackage', () => {
  it('maps a chronopotentiometry package by variable type', () => {
    const pkg = encodePackage({
      variables: [
        { type: 'eb', value: 12.5 },
        { type: 'ab', value: 3.512345 },
        { type: 'ba', value: -150e-6, status: 0x8, rangeIndex: 0x15 },
      ],
    });
    expect(sampleFromPackage(decodePackage(pkg))).toEqual({
      elapsedS: 12.5,
      potentialV: 3.512345,
      currentA: -150e-6,
      flags: POTENTIOSTAT_FLAGS.overload_warning,
      rangeIndex: 0x15,
    });
  });

  it('takes the applied potential when nothing measured one, and maps EIS variables', () => {
    const ca = sampleFromPackage(decodePackage(encodePackage({ variables: [{ type: 'eb', value: 1 }, { type: 'da', value: 0.1 }, { type: 'ba', value: 1e-6 }] })));
    expect(ca.potentialV).toBe(0.1);
    const eis = sampleFromPackage(
      decodePackage(encodePackage({ variables: [{ type: 'eb', value: 3 }, { type: 'dc', value: 1000 }, { type: 'cc', value: 85.5, rangeIndex: 3 }, { type: 'cd', value: -12.25 }] })),
    );
    expect(eis).toMatchObject({ frequencyHz: 1000, zReOhm: 85.5, zImOhm: -12.25, rangeIndex: 3 });
    expect(eis.potentialV).toBeUndefined();
  });

  it('leaves NaN values out and ORs the status bits of all variables', () => {
    const sample = sampleFromPackage(decodePackage('Peb8000001 ;ab     nan,12;ba8000000 ,14'));
    expect(sample.potentialV).toBeUndefined();
    expect(sample.currentA).toBe(0);
    expect(sample.flags).toBe(POTENTIOSTAT_FLAGS.overload | POTENTIOSTAT_FLAGS.underload);
  });

  it('refuses a package without time', () => {
    expect(() => sampleFromPackage(decodePackage('Pab80186A0u'))).toThrow(expect.objectContaining({ code: 'BAD_PACKAGE' }));
  });
});
