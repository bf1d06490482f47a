import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatQuantity, parseCurrent, parseQuantity, UnitError } from './units.js';

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
    ['1.5e-3', 'current', 1.5e-3],
  ] as const)('%s in %s is %d SI', (text, dim, expected) => {
    expect(parseQuantity(text, dim)).toBeCloseTo(expected, 12);
  });

  it('takes numbers as SI and refuses non-finite ones', () => {
    expect(parseQuantity(3, 'time')).toBe(3);
    expect(() => parseQuantity(Number.NaN, 'time')).toThrow(UnitError);
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
