import { describe, expect, it } from 'vitest';
import { Random } from '../../../simulators/common/random.js';
import type { McaSpectrum } from '../../core/spectrum.js';
import { DENSE_LITHIUM_ATOMS_PER_CM3, LITHIUM_PER_CM2_PER_MAH_PER_CM2, NM_PER_CM, type NdpBranch } from './constants.js';
import { expectedSpectrum } from './forward-model.js';
import { NdpReducer, type NdpReduction } from './reduce.js';
import type { NdpStack } from './stack.js';

/**
 * The acceptance of issue 9 (operando NDP): simulator-like spectra of known
 * Li layers, a seeded Poisson draw of the forward model, reduced back to the
 * known areal density within 3 % and thickness within 5 %, in both branches.
 *
 * Counts: K = 1e-17 counts/s per Li/cm2 and 1 h of live time give 1.7e5
 * counts per branch for 1 um of dense Li and 1.7e6 for 10 um, so counting
 * errors (0.1-0.3 %) are far inside the 3 % and 5 %: a miss is a fault of
 * the physics or the reduction, not of the noise. The thickness of a uniform
 * layer at the face is twice its count-weighted mean depth, which the
 * symmetric detector resolution does not move (the points the resolution puts
 * above the surface energy are kept, at negative depths).
 */
const K = 1e-17;
const LIVE_S = 3600;
const REAL_S = 3780;
const FWHM_KEV = 15;
const CALIBRATION = [5, 0.74, 2e-6] as const;
const CHANNELS = 4096;

interface Layer {
  readonly name: string;
  readonly thicknessNm: number;
  readonly relativeDensity: number;
  /** Flat background per channel, subtracted by a background region. */
  readonly backgroundPerChannel?: number;
}

const LAYERS: readonly Layer[] = [
  { name: '1 um of dense Li', thicknessNm: 1000, relativeDensity: 1 },
  { name: '5 um of dense Li', thicknessNm: 5000, relativeDensity: 1 },
  { name: '10 um of dense Li', thicknessNm: 10_000, relativeDensity: 1 },
  { name: '5 um of porous Li at half density', thicknessNm: 5000, relativeDensity: 0.5 },
  { name: '5 um of dense Li on a flat background of 20 counts per channel', thicknessNm: 5000, relativeDensity: 1, backgroundPerChannel: 20 },
];

const stackOf = (layer: Layer): NdpStack => ({
  detectorAngleDeg: 0,
  // A porous deposit is a Li layer of lower density: the stopping per nm scales with it.
  layers: [{ material: 'Cu', thicknessNm: 1000 }, { material: 'Li', thicknessNm: null, densityGPerCm3: 0.534 * layer.relativeDensity }],
});

/** A spectrum as the NDP simulator will make it: both branches, a Poisson draw with a seeded generator. */
function simulate(layer: Layer, seed: number): McaSpectrum {
  const expected = expectedSpectrum({
    profile: { depthStepNm: 5, maxDepthNm: layer.thicknessNm, liPerCm3: () => layer.relativeDensity * DENSE_LITHIUM_ATOMS_PER_CM3 },
    stack: stackOf(layer),
    calibrationCountsPerSPerLiPerCm2: K,
    liveTimeS: LIVE_S,
    resolutionFwhmKeV: FWHM_KEV,
    energyCalibrationKeV: CALIBRATION,
    channels: CHANNELS,
  });
  const random = new Random(seed);
  const counts = Uint32Array.from(expected, (mean) => random.poisson(mean + (layer.backgroundPerChannel ?? 0)));
  return { counts, liveTimeS: LIVE_S, realTimeS: REAL_S, startNs: null, energyCalibrationKeV: CALIBRATION };
}

function reduce(layer: Layer, spectrum: McaSpectrum, branch: NdpBranch): NdpReduction {
  return new NdpReducer({
    stack: stackOf(layer),
    branch,
    calibrationCountsPerSPerLiPerCm2: K,
    resolutionFwhmKeV: FWHM_KEV,
    // Above 2730 keV (channels 3650..4095) nothing but background arrives: tritons leave 1 um of Cu with 2614 keV at most.
    ...(layer.backgroundPerChannel !== undefined && { background: { kind: 'region', fromChannel: 3650, toChannel: 4095 } as const }),
  }).reduce(spectrum);
}

describe('NDP acceptance: known Li layers behind 1 um of Cu, reduced from Poisson spectra', () => {
  LAYERS.forEach((layer, k) => {
    const spectrum = simulate(layer, 9000 + k);
    const arealTruth = (layer.relativeDensity * DENSE_LITHIUM_ATOMS_PER_CM3 * layer.thicknessNm) / NM_PER_CM;
    for (const branch of ['triton', 'alpha'] as const) {
      it(`${layer.name}: the ${branch} branch gives the areal density within 3 % and the thickness within 5 %`, () => {
        const result = reduce(layer, spectrum, branch);
        const areal = result.arealDensityLiPerCm2;
        expect(Math.abs(areal.value / arealTruth - 1)).toBeLessThan(0.03);
        // The stated error is the counting error: the miss is within 4 of them (a 6e-5 chance per case for an honest error).
        expect(Math.abs(areal.value - arealTruth)).toBeLessThan(4 * areal.stderr);
        expect(areal.stderr / arealTruth).toBeLessThan(0.005);
        const thicknessNm = 2 * result.meanDepthNm!;
        expect(Math.abs(thicknessNm / layer.thicknessNm - 1)).toBeLessThan(0.05);
        expect(result.equivalentMahPerCm2).toBeCloseTo(areal.value / LITHIUM_PER_CM2_PER_MAH_PER_CM2, 12);
        expect(result.equivalentDenseLiUm).toBeCloseTo((layer.relativeDensity * layer.thicknessNm) / 1000, 1);
        expect(result.warnings).toEqual([]);
        expect(result.deadTimeFraction).toBeCloseTo(1 - LIVE_S / REAL_S, 12);
      });
    }

    it(`${layer.name}: the profile inside the layer is at its relative density where the resolution allows`, () => {
      for (const branch of ['triton', 'alpha'] as const) {
        // Depth resolution: 15 keV over ~13 keV/um (triton) or ~80 keV/um (alpha) of Li, i.e. ~1.1 um and ~0.2 um FWHM.
        const resolutionNm = branch === 'triton' ? 1200 / layer.relativeDensity : 250 / layer.relativeDensity;
        if (layer.thicknessNm < 3 * resolutionNm) continue;
        const result = reduce(layer, spectrum, branch);
        const inside = result.profile.filter((p) => p.depthNm > resolutionNm && p.depthNm < layer.thicknessNm - resolutionNm);
        const widthNm = inside.reduce((s, p) => s + p.widthNm, 0);
        const mean = inside.reduce((s, p) => s + p.relativeDensity * p.widthNm, 0) / widthNm;
        // Counting error of that mean < 0.5 %; 3 % leaves room for the resolution's tails.
        expect(Math.abs(mean / layer.relativeDensity - 1), branch).toBeLessThan(0.03);
        // And nothing beyond: the region two resolutions past the end holds no Li (within 1 % of dense Li).
        const beyond = result.profile.filter((p) => p.depthNm > layer.thicknessNm + 2 * resolutionNm && p.depthNm < layer.thicknessNm + 4 * resolutionNm);
        const beyondMean = beyond.reduce((s, p) => s + p.relativeDensity * p.widthNm, 0) / beyond.reduce((s, p) => s + p.widthNm, 0);
        expect(Math.abs(beyondMean), branch).toBeLessThan(0.01);
      }
    });
  });

  it('without noise, the reduction inverts the forward model: areal density to 1e-6, thickness within 0.5 %', () => {
    // K 1e4 times larger so that rounding the expectation to whole counts is negligible (1e-8 of the counts).
    for (const layer of [...LAYERS.slice(0, 4), { name: '200 nm', thicknessNm: 200, relativeDensity: 1 }]) {
      const options = { profile: { depthStepNm: 5, maxDepthNm: layer.thicknessNm, liPerCm3: () => layer.relativeDensity * DENSE_LITHIUM_ATOMS_PER_CM3 }, stack: stackOf(layer), calibrationCountsPerSPerLiPerCm2: 1e4 * K, liveTimeS: LIVE_S, resolutionFwhmKeV: FWHM_KEV, energyCalibrationKeV: CALIBRATION, channels: CHANNELS };
      const spectrum: McaSpectrum = { counts: Uint32Array.from(expectedSpectrum(options), Math.round), liveTimeS: LIVE_S, realTimeS: REAL_S, startNs: null, energyCalibrationKeV: CALIBRATION };
      const truth = (layer.relativeDensity * DENSE_LITHIUM_ATOMS_PER_CM3 * layer.thicknessNm) / NM_PER_CM;
      for (const branch of ['triton', 'alpha'] as const) {
        const result = new NdpReducer({ stack: stackOf(layer), branch, calibrationCountsPerSPerLiPerCm2: 1e4 * K, resolutionFwhmKeV: FWHM_KEV }).reduce(spectrum);
        expect(Math.abs(result.arealDensityLiPerCm2.value / truth - 1), `${layer.name}, ${branch}`).toBeLessThan(1e-6);
        // What is left is the curvature of the energy-depth map under the resolution: 0.3 % for 200 nm seen by tritons, 0.1 % or less otherwise.
        expect(Math.abs((2 * result.meanDepthNm!) / layer.thicknessNm - 1), `${layer.name}, ${branch}`).toBeLessThan(0.005);
      }
    }
  });

  it('states its counting errors honestly: over 40 seeds the misses spread as the stated standard errors', () => {
    const layer = LAYERS[0]!;
    const truth = (DENSE_LITHIUM_ATOMS_PER_CM3 * layer.thicknessNm) / NM_PER_CM;
    const z = Array.from({ length: 40 }, (_, seed) => {
      const { value, stderr } = reduce(layer, simulate(layer, 100 + seed), 'triton').arealDensityLiPerCm2;
      return (value - truth) / stderr;
    });
    const mean = z.reduce((s, x) => s + x, 0) / z.length;
    const sd = Math.sqrt(z.reduce((s, x) => s + (x - mean) ** 2, 0) / (z.length - 1));
    // For 40 draws the sample sd of unit normals is 1 +- 0.11 and their mean 0 +- 0.16: bounds at about 2.5 of those.
    expect(sd).toBeGreaterThan(0.72);
    expect(sd).toBeLessThan(1.3);
    expect(Math.abs(mean)).toBeLessThan(0.4);
  });

  it('the areal density does not depend on the density assumed for the profiled layer (only the depth scale does)', () => {
    const porous = LAYERS[3]!;
    const spectrum = simulate(porous, 9003);
    const assumedDense = new NdpReducer({ stack: stackOf({ ...porous, relativeDensity: 1 }), calibrationCountsPerSPerLiPerCm2: K, resolutionFwhmKeV: FWHM_KEV }).reduce(spectrum);
    const right = reduce(porous, spectrum, 'triton');
    // The same channels are summed: equal to rounding. The depth scale halves with the doubled density.
    expect(assumedDense.arealDensityLiPerCm2.value / right.arealDensityLiPerCm2.value).toBeCloseTo(1, 12);
    expect(assumedDense.meanDepthNm! / right.meanDepthNm!).toBeCloseTo(0.5, 9);
  });
});
