import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnalysisError } from '../errors.js';
import { chargeTransferResistanceOhmCm2 } from './charge-transfer.js';

describe('chargeTransferResistanceOhmCm2', () => {
  it('gives R T/(z F j0): 25.69 mV / 1 mA/cm2 = 25.69 ohm cm2 at 298.15 K', () => {
    // R T/F at 298.15 K is the thermal voltage 25.693 mV.
    expect(chargeTransferResistanceOhmCm2({ exchangeCurrentDensityMaPerCm2: 1, temperatureK: 298.15 })).toBeCloseTo(25.693, 3);
    expect(chargeTransferResistanceOhmCm2({ exchangeCurrentDensityMaPerCm2: 0.1, temperatureK: 298.15, electrons: 2 })).toBeCloseTo(128.46, 2);
  });

  it('refuses non-positive or non-finite inputs with a typed error', () => {
    for (const args of [
      { exchangeCurrentDensityMaPerCm2: 0, temperatureK: 300 },
      { exchangeCurrentDensityMaPerCm2: 1, temperatureK: -1 },
      { exchangeCurrentDensityMaPerCm2: 1, temperatureK: 300, electrons: Number.NaN },
    ]) {
      expect(() => chargeTransferResistanceOhmCm2(args)).toThrow(AnalysisError);
    }
  });

  it('is inversely proportional to j0 and proportional to T', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e3, noNaN: true }), fc.double({ min: 1, max: 2000, noNaN: true }), (j0, t) => {
        const r = chargeTransferResistanceOhmCm2({ exchangeCurrentDensityMaPerCm2: j0, temperatureK: t });
        expect(chargeTransferResistanceOhmCm2({ exchangeCurrentDensityMaPerCm2: 2 * j0, temperatureK: t }) / r).toBeCloseTo(0.5, 12);
        expect(chargeTransferResistanceOhmCm2({ exchangeCurrentDensityMaPerCm2: j0, temperatureK: 2 * t }) / r).toBeCloseTo(2, 12);
      }),
    );
  });
});
