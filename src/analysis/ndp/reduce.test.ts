import { describe, expect, it } from 'vitest';
import { Random } from '../../../simulators/common/random.js';
import type { McaSpectrum } from '../../core/spectrum.js';
import { codeOf } from '../error-code.test-support.js';
import { DENSE_LITHIUM_ATOMS_PER_CM3, NM_PER_CM } from './constants.js';
import { expectedSpectrum } from './forward-model.js';
import { NdpReducer, reduceNdpSpectrum, type NdpReductionOptions } from './reduce.js';
import type { NdpStack } from './stack.js';

const stack: NdpStack = { detectorAngleDeg: 0, layers: [{ material: 'Cu', thicknessNm: 1000 }, { material: 'Li', thicknessNm: null }] };
const CALIBRATION = [0, 0.75, 0] as const;
const K = 1e-17;
const LIVE_S = 1000;

function spectrumOf(thicknessNm: number, options: { seed?: number; background?: number; liveTimeS?: number | null; realTimeS?: number | null; stack?: NdpStack } = {}): McaSpectrum {
  const expected = expectedSpectrum({
    profile: { depthStepNm: 10, maxDepthNm: thicknessNm, liPerCm3: () => DENSE_LITHIUM_ATOMS_PER_CM3 },
    stack: options.stack ?? stack,
    calibrationCountsPerSPerLiPerCm2: K,
    liveTimeS: LIVE_S,
    resolutionFwhmKeV: 15,
    energyCalibrationKeV: CALIBRATION,
    channels: 4096,
  });
  const random = new Random(options.seed ?? 1);
  return {
    counts: Uint32Array.from(expected, (m) => random.poisson(m + (options.background ?? 0))),
    liveTimeS: options.liveTimeS === undefined ? LIVE_S : options.liveTimeS,
    realTimeS: options.realTimeS === undefined ? 1.02 * LIVE_S : options.realTimeS,
    startNs: null,
    energyCalibrationKeV: CALIBRATION,
  };
}
const options = (overrides: Partial<NdpReductionOptions> = {}): NdpReductionOptions => ({ stack, calibrationCountsPerSPerLiPerCm2: K, resolutionFwhmKeV: 15, ...overrides });
const arealOf = (thicknessNm: number) => (DENSE_LITHIUM_ATOMS_PER_CM3 * thicknessNm) / NM_PER_CM;
const flat = (n: number, value: number, liveTimeS: number | null = LIVE_S): McaSpectrum => ({ counts: new Uint32Array(n).fill(value), liveTimeS, realTimeS: liveTimeS, startNs: null, energyCalibrationKeV: CALIBRATION });

describe('NdpReducer', () => {
  it('defaults to the triton branch, whose window starts above the alpha surface energy', () => {
    const result = reduceNdpSpectrum(spectrumOf(2000), options());
    expect(result.branch).toBe('triton');
    // The alpha surface energy behind 1 um Cu is 1474 keV: the triton window starts 2.5 FWHM above it.
    expect(result.window.fromKeV).toBeGreaterThan(1474 + 37.5 - 0.75);
    expect(result.window.fromKeV).toBeLessThan(1474 + 37.5 + 0.75);
    expect(result.window.toKeV).toBeCloseTo(2614.3 + 37.5, -1);
    expect(result.profile[0]!.depthNm).toBeLessThan(0);
    for (let i = 1; i < result.profile.length; i++) expect(result.profile[i]!.depthNm).toBeGreaterThan(result.profile[i - 1]!.depthNm);
  });

  it('divides by the live time (the dead-time-corrected rate) and scales with the monitor factor and the 6Li fraction', () => {
    const spectrum = spectrumOf(2000);
    const reference = reduceNdpSpectrum(spectrum, options()).arealDensityLiPerCm2.value;
    expect(reference / arealOf(2000)).toBeCloseTo(1, 1);
    expect(reduceNdpSpectrum({ ...spectrum, liveTimeS: 2 * LIVE_S, realTimeS: 2.04 * LIVE_S }, options()).arealDensityLiPerCm2.value / reference).toBeCloseTo(0.5, 12);
    // The same counts at 80 % of the nominal flux mean more Li.
    expect(reduceNdpSpectrum(spectrum, options({ monitorFactor: 0.8 })).arealDensityLiPerCm2.value / reference).toBeCloseTo(1.25, 12);
    expect(reduceNdpSpectrum(spectrum, options({ li6Fraction: 0.95 })).arealDensityLiPerCm2.value / reference).toBeCloseTo(0.0759 / 0.95, 12);
    expect(reduceNdpSpectrum(spectrum, options()).deadTimeFraction).toBeCloseTo(1 - 1 / 1.02, 12);
  });

  it('keeps the areal density when channels are grouped into depth bins, and n x width sums to it', () => {
    const spectrum = spectrumOf(5000);
    const perChannel = reduceNdpSpectrum(spectrum, options());
    const binned = reduceNdpSpectrum(spectrum, options({ depthBinNm: 250 }));
    const integral = (r: typeof binned) => r.profile.reduce((s, p) => s + (p.liPerCm3 * p.widthNm) / NM_PER_CM, 0);
    expect(integral(perChannel) / perChannel.arealDensityLiPerCm2.value).toBeCloseTo(1, 9);
    expect(integral(binned) / perChannel.arealDensityLiPerCm2.value).toBeCloseTo(1, 9);
    expect(binned.profile.length).toBeLessThan(perChannel.profile.length / 5);
    // The counting errors add in quadrature: the binned points' errors are consistent with the total.
    const variance = binned.profile.reduce((s, p) => s + ((p.uncertaintyLiPerCm3 * p.widthNm) / NM_PER_CM) ** 2, 0);
    expect(Math.sqrt(variance) / binned.arealDensityLiPerCm2.stderr).toBeCloseTo(1, 9);
  });

  it('subtracts a background spectrum scaled by live time, with its variance', () => {
    const background = 30;
    const spectrum = spectrumOf(3000, { background });
    // A background run of twice the live time: 60 counts per channel.
    const backgroundSpectrum = flat(4096, 2 * background, 2 * LIVE_S);
    const without = reduceNdpSpectrum(spectrum, options());
    const withBackground = reduceNdpSpectrum(spectrum, options({ background: { kind: 'spectrum', spectrum: backgroundSpectrum } }));
    expect(without.arealDensityLiPerCm2.value / arealOf(3000)).toBeGreaterThan(1.03);
    expect(Math.abs(withBackground.arealDensityLiPerCm2.value / arealOf(3000) - 1)).toBeLessThan(4 * withBackground.arealDensityLiPerCm2.stderr / arealOf(3000));
    // Variance per channel: c + (1/2)^2 x 60 = c + 15.
    const channels = withBackground.window.toChannel - withBackground.window.fromChannel + 1;
    const raw = spectrum.counts.subarray(withBackground.window.fromChannel, withBackground.window.toChannel + 1).reduce((s, c) => s + c, 0);
    expect(withBackground.netCounts.stderr ** 2).toBeCloseTo(raw + 15 * channels, 6);
  });

  it("subtracts a background region's mean, its variance common to every channel", () => {
    const spectrum = spectrumOf(3000, { background: 30 });
    // Channels 3600..4095 (2700..3071 keV) hold background only.
    const result = reduceNdpSpectrum(spectrum, options({ background: { kind: 'region', fromChannel: 3600, toChannel: 4095 } }));
    expect(Math.abs(result.arealDensityLiPerCm2.value / arealOf(3000) - 1)).toBeLessThan(0.02);
    const channels = result.window.toChannel - result.window.fromChannel + 1;
    const region = spectrum.counts.subarray(3600, 4096).reduce((s, c) => s + c, 0);
    const raw = spectrum.counts.subarray(result.window.fromChannel, result.window.toChannel + 1).reduce((s, c) => s + c, 0);
    expect(result.netCounts.stderr ** 2).toBeCloseTo(raw + (channels * channels * region) / 496 ** 2, 6);
    expect(result.warnings).toEqual([]);
    const overlapping = reduceNdpSpectrum(spectrum, options({ background: { kind: 'region', fromChannel: 3400, toChannel: 4095 } }));
    expect(overlapping.warnings.join('\n')).toMatch(/background region 3400\.\.4095 overlaps the triton window/);
  });

  it('warns when the live time is missing (and uses the real time), and refuses a spectrum with neither', () => {
    const noLive = reduceNdpSpectrum(spectrumOf(1000, { liveTimeS: null }), options());
    expect(noLive.warnings.join('\n')).toMatch(/no live time: its real time \(1020 s\) is used/);
    expect(noLive.deadTimeFraction).toBeNull();
    expect(codeOf(() => reduceNdpSpectrum(spectrumOf(1000, { liveTimeS: null, realTimeS: null }), options()))).toBe('INVALID_INPUT');
    expect(reduceNdpSpectrum(spectrumOf(1000, { realTimeS: 2 * LIVE_S }), options()).warnings.join('\n')).toMatch(/dead time is 50 %/);
    expect(reduceNdpSpectrum(spectrumOf(1000, { realTimeS: 0.5 * LIVE_S }), options()).warnings.join('\n')).toMatch(/live time \(1000 s\) exceeds its real time/);
  });

  it('warns about negative net counts', () => {
    // The spectrum holds 5 per channel, the background says 40: over-subtracted everywhere, by 4 of its standard deviations.
    const result = reduceNdpSpectrum(flat(4096, 5), options({ background: { kind: 'spectrum', spectrum: flat(4096, 40) } }));
    expect(result.arealDensityLiPerCm2.value).toBeLessThan(0);
    const text = result.warnings.join('\n');
    expect(text).toMatch(/net counts of the triton window are negative/);
    expect(text).toMatch(/channels lie more than 3 standard errors below zero/);
  });

  it('warns when Li continues beyond the probed depth', () => {
    // 25 um of Li: the alphas reach down to 16 um only (above 100 keV); the tritons to 70 um.
    const thick = spectrumOf(25_000);
    const alpha = reduceNdpSpectrum(thick, options({ branch: 'alpha' }));
    expect(alpha.warnings.join('\n')).toMatch(/Li continues to the deepest probed depth \(16\.\d\d um/);
    expect(alpha.arealDensityLiPerCm2.value / arealOf(25_000)).toBeLessThan(0.7);
    const triton = reduceNdpSpectrum(thick, options());
    expect(triton.warnings).toEqual([]);
    expect(triton.arealDensityLiPerCm2.value / arealOf(25_000)).toBeCloseTo(1, 1);
    // And a thicker one beyond the triton's reach (70 um behind 1 um Cu, where the alphas start).
    expect(reduceNdpSpectrum(spectrumOf(90_000), options()).warnings.join('\n')).toMatch(/Li continues to the deepest probed depth \(70\.\d\d um/);
  });

  it('warns in the alpha branch when tritons from deep Li reach its window', () => {
    // Tritons from ~72 um arrive at the alpha surface energy (1474 keV behind 1 um Cu).
    const deep = spectrumOf(100_000);
    expect(reduceNdpSpectrum(deep, options({ branch: 'alpha' })).warnings.join('\n')).toMatch(/Li deeper than about 7\d\.\d um sends tritons into the alpha window/);
    expect(reduceNdpSpectrum(spectrumOf(60_000), options({ branch: 'alpha' })).warnings.join('\n')).not.toMatch(/sends tritons/);
    expect(reduceNdpSpectrum(spectrumOf(10_000), options({ branch: 'alpha' })).warnings).toEqual([]);
  });

  it('warns about a flux far from nominal and approximate stopping, and about a spectrum that ends inside the window', () => {
    const llzo: NdpStack = { detectorAngleDeg: 0, layers: [{ material: 'Cu', thicknessNm: 200 }, { material: 'LLZO', thicknessNm: null }] };
    const result = reduceNdpSpectrum(flat(4096, 1), options({ stack: llzo, monitorFactor: 0.3 }));
    const text = result.warnings.join('\n');
    expect(text).toMatch(/monitor factor 0\.3 is far from 1/);
    expect(text).toMatch(/stopping in LLZO is approximate/);
    // 2000 channels of 0.75 keV end at 1500 keV, below the triton window (from 1512 keV).
    expect(codeOf(() => reduceNdpSpectrum(flat(2000, 1), options()))).toBe('DEGENERATE');
    const short = reduceNdpSpectrum(flat(3400, 1), options());
    expect(short.warnings.join('\n')).toMatch(/the spectrum ends at 2550 keV, below the top of the triton window/);
  });

  it('takes the calibration given over the spectrum’s, and refuses a spectrum without one or a decreasing one', () => {
    const spectrum = spectrumOf(1000);
    const doubled = reduceNdpSpectrum({ ...spectrum, energyCalibrationKeV: [0, 1.5, 0] }, options({ energyCalibrationKeV: CALIBRATION }));
    expect(doubled.arealDensityLiPerCm2.value).toBe(reduceNdpSpectrum(spectrum, options()).arealDensityLiPerCm2.value);
    expect(codeOf(() => reduceNdpSpectrum({ ...spectrum, energyCalibrationKeV: null }, options()))).toBe('INVALID_INPUT');
    expect(codeOf(() => reduceNdpSpectrum(spectrum, options({ energyCalibrationKeV: [3000, -0.75, 0] })))).toBe('INVALID_INPUT');
  });

  it('refuses the alpha branch when alphas cannot cross the window, and bad options', () => {
    const thickCu: NdpStack = { detectorAngleDeg: 0, layers: [{ material: 'Cu', thicknessNm: 5000 }, { material: 'Li', thicknessNm: null }] };
    expect(codeOf(() => new NdpReducer(options({ stack: thickCu, branch: 'alpha' })))).toBe('DEGENERATE');
    expect(codeOf(() => new NdpReducer(options({ stack: thickCu })))).toBe('no error');
    expect(codeOf(() => new NdpReducer(options({ calibrationCountsPerSPerLiPerCm2: 0 })))).toBe('INVALID_INPUT');
    expect(codeOf(() => new NdpReducer(options({ monitorFactor: -1 })))).toBe('INVALID_INPUT');
    expect(codeOf(() => new NdpReducer(options({ depthBinNm: 0 })))).toBe('INVALID_INPUT');
    expect(codeOf(() => reduceNdpSpectrum(spectrumOf(1000), options({ background: { kind: 'region', fromChannel: 10, toChannel: 5000 } })))).toBe('INVALID_INPUT');
    expect(codeOf(() => reduceNdpSpectrum(spectrumOf(1000), options({ background: { kind: 'spectrum', spectrum: flat(100, 1) } })))).toBe('INVALID_INPUT');
  });
});
