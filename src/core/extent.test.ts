import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extent } from './extent.js';

describe('extent', () => {
  it('is the lowest and highest number, NaN left out, null for none', () => {
    expect(extent([3, Number.NaN, -2, 7])).toEqual({ min: -2, max: 7 });
    expect(extent([])).toBeNull();
    expect(extent([Number.NaN])).toBeNull();
    expect(extent(new Float64Array([5]))).toEqual({ min: 5, max: 5 });
  });

  it('takes arrays far longer than a spread into Math.min could', () => {
    const values = Float64Array.from({ length: 2_000_000 }, (_, i) => Math.sin(i));
    expect(extent(values)).toEqual({ min: expect.closeTo(-1, 6), max: expect.closeTo(1, 6) });
  });

  it('agrees with Math.min and Math.max on finite numbers', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true }), { minLength: 1, maxLength: 200 }), (values) => {
        expect(extent(values)).toEqual({ min: values.reduce((a, b) => Math.min(a, b)), max: values.reduce((a, b) => Math.max(a, b)) });
      }),
    );
  });
});
