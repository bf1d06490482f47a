import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatQuantity, MAX_QUANTITY_CHARS, parseCurrent, parseQuantity, UnitError } from './units.js';

describe('parseQuantity', () => {
  it.each([
    ['5 min', 'time', 300],
    ['2 h', 'time', 7200],
    ['250ms', 'time', 0.25],
    ['-50 uA', 'current', -50e-6],
    ['0.05 mA/cm2', 'current-density', 5e-5],
    ['100 kHz', 'frequency', 1e5],
    ['10 mV', 'potential', 0.01],
    ['1 mV/h', 'potential-rate', 1e-3 / 3600],
    ['25 °C', 'temperature', 298.15],
    ['2 K/min', 'temperature-rate', 2 / 60],
    ['1.5e-3 A', 'current', 1.5e-3],
    [' 300 K ', 'temperature', 300],
    ['1 mAh/cm2', 'areal-capacity', 3.6],
    ['1000 /s', 'count-rate', 1000],
    ['600 counts/min', 'count-rate', 10],
  ] as const)('%s in %s is %d SI', (text, dim, expected) => {
    expect(parseQuantity(text, dim)).toBeCloseTo(expected, 12);
  });

  it('takes numbers as SI and refuses non-finite ones', () => {
    expect(parseQuantity(3, 'time')).toBe(3);
    expect(() => parseQuantity(Number.NaN, 'time')).toThrow(UnitError);
  });

  it('refuses a string without a unit, naming one that would do; a JSON number stays SI', () => {
    expect(() => parseQuantity('5', 'time')).toThrow(/^"5" needs a unit, e\.g\. "5 s"/);
    expect(() => parseQuantity('-20', 'current')).toThrow(expect.objectContaining({ code: 'UNIT_MISSING', message: expect.stringContaining('e.g. "-20 A"') }));
    expect(() => parseQuantity('300', 'temperature')).toThrow(/e\.g\. "300 K"/);
    expect(parseQuantity(5, 'time')).toBe(5);
  });

  it('refuses values that overflow to Infinity in SI units', () => {
    expect(parseQuantity('1e308 s', 'time')).toBe(1e308);
    for (const text of ['1e309 s', '1e308 min', '-1e308 d']) expect(() => parseQuantity(text, 'time')).toThrow(/is not a finite number/);
    expect(() => parseQuantity(Number.POSITIVE_INFINITY, 'time')).toThrow(/Infinity is not a finite number/);
    expect(() => parseCurrent('C/0', 1)).toThrow(/is not a finite number/);
  });

  it('refuses text longer than a quantity at once, whatever its shape', () => {
    // "5", spaces, "a b": the pattern used to backtrack quadratically on such text (seconds for 100 kB).
    for (const text of [`5${' '.repeat(100_000)}a b`, `${'1'.repeat(100_000)}x`]) {
      const started = performance.now();
      expect(() => parseQuantity(text, 'time')).toThrow(/characters\) is longer than a quantity/);
      expect(() => parseCurrent(text, 1)).toThrow(UnitError);
      expect(performance.now() - started).toBeLessThan(500);
    }
    expect(parseQuantity(`5${' '.repeat(MAX_QUANTITY_CHARS - 4)}min`, 'time')).toBe(300);
  });

  it('names the dimension when the unit does not fit', () => {
    expect(() => parseQuantity('5 mA', 'time')).toThrow(/not a unit of time/);
    expect(() => parseQuantity('five minutes', 'time')).toThrow(/not a number with a unit/);
  });

  it('never throws anything but UnitError on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        try {
          expect(Number.isFinite(parseQuantity(s, 'time'))).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(UnitError);
        }
      }),
    );
  });
});

describe('parseCurrent', () => {
  it('reads C-rates against the capacity', () => {
    expect(parseCurrent('C/20', 0.002)).toBeCloseTo(1e-4, 15);
    expect(parseCurrent('-C/10', 0.002)).toBeCloseTo(-2e-4, 15);
    expect(parseCurrent('2C', 0.001)).toBeCloseTo(2e-3, 15);
    expect(parseCurrent('-50 uA')).toBeCloseTo(-5e-5, 15);
  });
  it('needs a capacity for a C-rate', () => {
    expect(() => parseCurrent('C/20')).toThrow(/capacity/);
  });
});

describe('formatQuantity', () => {
  it.each([
    [-0.00022099999999999998, 'A', '-221 uA'],
    [0.0025, 'V', '2.5 mV'],
    [18000, 's', '5 h'],
    [5400, 's', '90 min'],
    [30, 's', '30 s'],
    [0, 'A', '0 A'],
    [1234567, 'ohm', '1.235 Mohm'],
  ] as const)('%d %s reads %s', (value, unit, text) => {
    expect(formatQuantity(value, unit)).toBe(text);
  });

  it('reads back to the same value within its digits', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-14, max: 1e9, noNaN: true }), (v) => {
        const back = parseQuantity(formatQuantity(v, 'V'), 'potential');
        expect(Math.abs(back - v) / v).toBeLessThan(1e-3);
      }),
    );
  });
});
