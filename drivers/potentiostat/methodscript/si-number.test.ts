import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMethodScriptError } from './errors.js';
import { finestMantissa, formatInteger, formatSi, parseSiLiteral, scaleByPowerOfTen } from './si-number.js';

describe('script numbers', () => {
  it.each([
    [0.1, '100m'],
    [-0.5, '-500m'],
    [600, '600'],
    [2, '2'],
    [100e3, '100k'],
    [1e6, '1M'],
    [150e-6, '150u'],
    [-20e-6, '-20u'],
    [3.8, '3800m'],
    [0, '0'],
    // 1/30 mA has no exact form: rounded with the finest prefix whose mantissa fits 32 bits.
    [1e-3 / 30, '33333333p'],
  ])('writes %d as %s', (value, literal) => {
    expect(formatSi(value)).toBe(literal);
  });

  it('writes counts as integers and refuses fractions', () => {
    expect(formatInteger(11)).toBe('11i');
    expect(() => formatInteger(1.5)).toThrow(expect.objectContaining({ code: 'BAD_NUMBER' }));
  });

  it('refuses non-finite numbers with BAD_NUMBER', () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY]) {
      let caught: unknown;
      try {
        formatSi(value);
      } catch (e) {
        caught = e;
      }
      expect(isMethodScriptError(caught, 'BAD_NUMBER')).toBe(true);
    }
  });

  it('reads literals back', () => {
    expect(parseSiLiteral('-500m')).toEqual({ value: -0.5, integer: false });
    expect(parseSiLiteral('11i')).toEqual({ value: 11, integer: true });
    expect(parseSiLiteral('100k')).toEqual({ value: 100e3, integer: false });
    expect(parseSiLiteral('1.5')).toBeUndefined();
    expect(parseSiLiteral('p')).toBeUndefined();
    expect(parseSiLiteral('10x')).toBeUndefined();
  });

  it('keeps package mantissas below 10^8 with the finest prefix (PROTOCOLS.md vectors)', () => {
    expect(finestMantissa(0.1)).toEqual({ mantissa: 100000, prefix: 'u' });
    expect(finestMantissa(9885.956)).toEqual({ mantissa: 9885956, prefix: 'm' });
    expect(finestMantissa(99.9997)).toEqual({ mantissa: 99999700, prefix: 'u' });
  });

  it('round-trips any value through a script literal to 7 significant digits', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e15, max: 1e15, noNaN: true, noDefaultInfinity: true }), (value) => {
        const parsed = parseSiLiteral(formatSi(value));
        expect(parsed).toBeDefined();
        // A mantissa of at least 2^31/1000 digits: relative error <= 0.5/2.1e6.
        expect(Math.abs(parsed!.value - value)).toBeLessThanOrEqual(Math.abs(value) * 2.5e-7 + 1e-18);
      }),
    );
  });

  it('scales by powers of ten without the error of multiplying by a fraction', () => {
    expect(scaleByPowerOfTen(-499905, -6)).toBe(-0.499905);
    expect(scaleByPowerOfTen(12, 3)).toBe(12000);
  });
});
