import { describe, expect, it } from 'vitest';
import { Random } from './random.js';

function draw(random: Random, count: number, sample: (r: Random) => number): number[] {
  return Array.from({ length: count }, () => sample(random));
}

function moments(values: number[]): { mean: number; variance: number; skewness: number; excessKurtosis: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const v of values) {
    const d = v - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  return { mean, variance: m2, skewness: m3 / m2 ** 1.5, excessKurtosis: m4 / (m2 * m2) - 3 };
}

describe('Random', () => {
  it('repeats the same sequence for the same seed and differs between seeds', () => {
    const a = draw(new Random(1234), 100, (r) => r.uniform());
    const b = draw(new Random(1234), 100, (r) => r.uniform());
    const c = draw(new Random(1235), 100, (r) => r.uniform());
    expect(b).toEqual(a);
    expect(c.filter((value, i) => value === a[i])).toHaveLength(0);
  });

  it('tells apart seeds that differ only above 2^32 and negative seeds', () => {
    const base = new Random(7).uniform();
    expect(new Random(7 + 2 ** 32).uniform()).not.toBe(base);
    expect(new Random(-7).uniform()).not.toBe(base);
  });

  it('rejects seeds that are not safe integers', () => {
    expect(() => new Random(0.5)).toThrow(RangeError);
    expect(() => new Random(Number.NaN)).toThrow(RangeError);
  });

  it('draws uniforms in [0, 1) with the moments and bin counts of the uniform law', () => {
    const n = 200_000;
    const values = draw(new Random(42), n, (r) => r.uniform());
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    const { mean, variance } = moments(values);
    // Standard errors: sqrt(1/12/n) = 6.5e-4 for the mean, about 2.7e-4 for the variance.
    expect(mean).toBeCloseTo(0.5, 2);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(1.5e-3);
    // Chi-square over 20 bins: 19 degrees of freedom, 99.9% quantile 43.8.
    const bins = new Array<number>(20).fill(0);
    for (const v of values) bins[Math.floor(v * 20)]!++;
    const expected = n / 20;
    const chiSquare = bins.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
    expect(chiSquare).toBeLessThan(43.8);
  });

  it('draws Gaussian deviates with the requested mean and sd, symmetric and not heavy-tailed', () => {
    const n = 200_000;
    const values = draw(new Random(7), n, (r) => r.gaussian(3, 2));
    const { mean, variance, skewness, excessKurtosis } = moments(values);
    // Standard errors: sd/sqrt(n) = 4.5e-3 for the mean; sqrt(6/n) = 5.5e-3 for skewness; sqrt(24/n) = 0.011 for kurtosis.
    expect(Math.abs(mean - 3)).toBeLessThan(0.02);
    expect(Math.abs(Math.sqrt(variance) - 2)).toBeLessThan(0.02);
    expect(Math.abs(skewness)).toBeLessThan(0.03);
    expect(Math.abs(excessKurtosis)).toBeLessThan(0.06);
    // 68.27% within one sd.
    const within = values.filter((v) => Math.abs(v - 3) < 2).length / n;
    expect(Math.abs(within - 0.6827)).toBeLessThan(0.005);
  });

  it('defaults to the standard normal', () => {
    const { mean, variance } = moments(draw(new Random(99), 100_000, (r) => r.gaussian()));
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(variance - 1)).toBeLessThan(0.02);
  });

  it.each([0.5, 4, 25, 1000])('draws Poisson counts of mean %d with variance equal to the mean', (mean) => {
    const n = 100_000;
    const values = draw(new Random(5), n, (r) => r.poisson(mean));
    expect(values.every((k) => Number.isInteger(k) && k >= 0)).toBe(true);
    const m = moments(values);
    // Standard errors: sqrt(mean/n) for the mean, about mean*sqrt(2/n) for the variance (+ skew term).
    expect(Math.abs(m.mean - mean)).toBeLessThan(5 * Math.sqrt(mean / n));
    expect(Math.abs(m.variance / mean - 1)).toBeLessThan(0.03);
    // Skewness of a Poisson law is 1/sqrt(mean).
    expect(Math.abs(m.skewness - 1 / Math.sqrt(mean))).toBeLessThan(0.05);
  });

  it('gives P(0) = exp(-mean) for small means', () => {
    const n = 100_000;
    const zeros = draw(new Random(11), n, (r) => r.poisson(2)).filter((k) => k === 0).length / n;
    expect(Math.abs(zeros - Math.exp(-2))).toBeLessThan(0.005);
  });

  it('rejects a negative or non-finite Poisson mean', () => {
    const random = new Random(1);
    expect(() => random.poisson(-1)).toThrow(RangeError);
    expect(() => random.poisson(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
