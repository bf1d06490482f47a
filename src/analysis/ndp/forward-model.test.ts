import { describe, expect, it } from 'vitest';
import { channelEnergyKeV } from '../../core/spectrum.js';
import { codeOf } from '../error-code.test-support.js';
import { DENSE_LITHIUM_ATOMS_PER_CM3, NM_PER_CM } from './constants.js';
import { BranchDepthMap } from './energy-depth.js';
import { expectedSpectrum, type ExpectedSpectrumOptions } from './forward-model.js';
import type { NdpStack } from './stack.js';

const stack: NdpStack = { detectorAngleDeg: 0, layers: [{ material: 'Cu', thicknessNm: 1000 }, { material: 'Li', thicknessNm: null }] };
const calibration = [0, 0.75, 0] as const;
const K = 1e-18;
const LIVE_S = 1000;
const dense = (thicknessNm: number) => ({ depthStepNm: 5, maxDepthNm: thicknessNm, liPerCm3: () => DENSE_LITHIUM_ATOMS_PER_CM3 });
const base = (overrides: Partial<ExpectedSpectrumOptions> = {}): ExpectedSpectrumOptions => ({
  profile: dense(1000),
  stack,
  calibrationCountsPerSPerLiPerCm2: K,
  liveTimeS: LIVE_S,
  resolutionFwhmKeV: 15,
  energyCalibrationKeV: calibration,
  channels: 4096,
  ...overrides,
});
const sum = (xs: Float64Array, from = 0, to = xs.length) => xs.subarray(from, to).reduce((s, x) => s + x, 0);
/** Li atoms/cm2 of 1 um of dense Li. */
const ONE_UM = (DENSE_LITHIUM_ATOMS_PER_CM3 * 1000) / NM_PER_CM;

describe('expectedSpectrum (the NDP forward model)', () => {
  it('puts K t N counts in each branch (K per branch; a spectrum holds both)', () => {
    const spectrum = expectedSpectrum(base());
    // Both peaks lie well inside 0..3072 keV: nothing is lost, to rounding (1e-9).
    expect(sum(spectrum) / (2 * K * LIVE_S * ONE_UM)).toBeCloseTo(1, 9);
    const alphaOnly = expectedSpectrum(base({ branchWeights: { alpha: 1, triton: 0 } }));
    const tritonOnly = expectedSpectrum(base({ branchWeights: { alpha: 0, triton: 1 } }));
    expect(sum(alphaOnly) / (K * LIVE_S * ONE_UM)).toBeCloseTo(1, 9);
    expect(sum(tritonOnly) / (K * LIVE_S * ONE_UM)).toBeCloseTo(1, 9);
    spectrum.forEach((c, i) => expect(c).toBeCloseTo(alphaOnly[i]! + tritonOnly[i]!, 9));
  });

  it('scales with the monitor factor, the 6Li fraction and the branch weights', () => {
    const reference = sum(expectedSpectrum(base()));
    expect(sum(expectedSpectrum(base({ monitorFactor: 0.8 }))) / reference).toBeCloseTo(0.8, 9);
    expect(sum(expectedSpectrum(base({ li6Fraction: 0.95 }))) / reference).toBeCloseTo(0.95 / 0.0759, 9);
    expect(sum(expectedSpectrum(base({ branchWeights: { alpha: 0.5, triton: 0.5 } }))) / reference).toBeCloseTo(0.5, 9);
  });

  it('without resolution, fills exactly the energies between E_det(thickness) and E_det(0) of each branch', () => {
    const spectrum = expectedSpectrum(base({ resolutionFwhmKeV: 0, branchWeights: { alpha: 0, triton: 1 } }));
    const map = new BranchDepthMap(stack, 'triton');
    const top = map.surfaceEnergyKeV;
    const bottom = map.detectorEnergyKeV(1000)!;
    spectrum.forEach((counts, c) => {
      const lower = channelEnergyKeV(calibration, c - 0.5);
      const upper = channelEnergyKeV(calibration, c + 0.5);
      if (upper < bottom || lower > top) expect(counts).toBe(0);
      else if (lower > bottom && upper < top) expect(counts).toBeGreaterThan(0);
    });
  });

  it('folds a thin layer into a Gaussian peak at its energy with the given FWHM', () => {
    const fwhm = 15;
    const spectrum = expectedSpectrum(base({ profile: { depthStepNm: 1, liPerCm2: [1e16] }, resolutionFwhmKeV: fwhm, branchWeights: { alpha: 0, triton: 1 } }));
    let n = 0;
    let mean = 0;
    let second = 0;
    spectrum.forEach((counts, c) => {
      const e = channelEnergyKeV(calibration, c);
      n += counts;
      mean += counts * e;
      second += counts * e * e;
    });
    mean /= n;
    const sd = Math.sqrt(second / n - mean * mean);
    const centre = new BranchDepthMap(stack, 'triton').detectorEnergyKeV(0.5)!;
    // The centroid survives the symmetric fold (the 1 nm layer spans 0.01 keV): within 0.01 keV.
    expect(Math.abs(mean - centre)).toBeLessThan(0.01);
    // sigma^2 + channel width^2/12: within 0.5 %.
    const sigma = fwhm / (2 * Math.sqrt(2 * Math.LN2));
    expect(sd / Math.sqrt(sigma * sigma + 0.75 ** 2 / 12)).toBeCloseTo(1, 2);
  });

  it('takes a profile as atoms/cm2 per bin or as a concentration function, alike', () => {
    const asFunction = expectedSpectrum(base({ profile: dense(2000) }));
    const asBins = expectedSpectrum(base({ profile: { depthStepNm: 5, liPerCm2: new Float64Array(400).fill((DENSE_LITHIUM_ATOMS_PER_CM3 * 5) / NM_PER_CM) } }));
    asFunction.forEach((c, i) => expect(c).toBeCloseTo(asBins[i]!, 6));
  });

  it('counts only the particles that reach the detector: alphas from beyond their deepest origin are lost', () => {
    const map = new BranchDepthMap(stack, 'alpha');
    const spectrum = expectedSpectrum(base({ profile: dense(40_000), branchWeights: { alpha: 1, triton: 0 }, resolutionFwhmKeV: 0 }));
    // The Li down to the deepest origin (20.1 um), all of whose alphas arrive with 0..1474 keV.
    expect(sum(spectrum) / (K * LIVE_S * (DENSE_LITHIUM_ATOMS_PER_CM3 * map.maxDepthNm) / NM_PER_CM)).toBeCloseTo(1, 6);
  });

  it('refuses inputs that are not physical', () => {
    expect(codeOf(() => expectedSpectrum(base({ channels: 1 })))).toBe('INVALID_INPUT');
    expect(codeOf(() => expectedSpectrum(base({ resolutionFwhmKeV: -1 })))).toBe('INVALID_INPUT');
    expect(codeOf(() => expectedSpectrum(base({ calibrationCountsPerSPerLiPerCm2: 0 })))).toBe('INVALID_INPUT');
    expect(codeOf(() => expectedSpectrum(base({ energyCalibrationKeV: [3000, -0.75, 0] })))).toBe('INVALID_INPUT');
    expect(codeOf(() => expectedSpectrum(base({ profile: { depthStepNm: 5, liPerCm2: [1, -1] } })))).toBe('INVALID_INPUT');
    expect(codeOf(() => expectedSpectrum(base({ profile: { depthStepNm: 5, maxDepthNm: 100, liPerCm3: () => Number.NaN } })))).toBe('INVALID_INPUT');
  });
});
