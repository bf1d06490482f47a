import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { erfc, ierfc } from './erfc.js';

// Reference values from the C library's erfc (Python math.erfc), which match the tables of
// Abramowitz & Stegun 7.1 to their digits; ierfc from its definition exp(-x^2)/sqrt(pi) - x erfc(x).
const ERFC: [number, number][] = [
  [0, 1],
  [0.5, 0.4795001221869535],
  [1, 0.1572992070502851],
  [2, 0.004677734981047266],
  [3, 2.209049699858544e-5],
  [5, 1.537459794428035e-12],
  [10, 2.088487583762545e-45],
  [-1, 1.842700792949715],
];
const IERFC: [number, number][] = [
  [0, 1 / Math.sqrt(Math.PI)],
  [0.5, 0.1996412283742457],
  [1, 0.0502545416600122],
  [2, 9.780227149514959e-4],
  [3, 3.355034977617629e-6],
];

describe('erfc and ierfc', () => {
  it.each(ERFC)('erfc(%d) = %d', (x, expected) => {
    expect(Math.abs(erfc(x) / expected - 1)).toBeLessThan(1e-12);
  });

  it.each(IERFC)('ierfc(%d) = %d', (x, expected) => {
    expect(Math.abs(ierfc(x) / expected - 1)).toBeLessThan(1e-11);
  });

  it('is continuous where the series hands over to the continued fraction', () => {
    const below = erfc(2 - 1e-12);
    const above = erfc(2);
    expect(Math.abs(below / above - 1)).toBeLessThan(1e-11);
    expect(Math.abs(ierfc(2 - 1e-12) / ierfc(2) - 1)).toBeLessThan(1e-10);
  });

  it('satisfies erfc(-x) = 2 - erfc(x), ierfc(-x) = 2x + ierfc(x), stays in range and decreases', () => {
    fc.assert(
      fc.property(fc.double({ min: -30, max: 30, noNaN: true }), fc.double({ min: 1e-6, max: 1, noNaN: true }), (x, dx) => {
        expect(erfc(-x)).toBeCloseTo(2 - erfc(x), 14);
        expect(ierfc(-x)).toBeCloseTo(2 * x + ierfc(x), 12);
        expect(erfc(x)).toBeGreaterThanOrEqual(0);
        expect(erfc(x)).toBeLessThanOrEqual(2);
        expect(erfc(x + dx)).toBeLessThanOrEqual(erfc(x));
      }),
    );
  });
});
