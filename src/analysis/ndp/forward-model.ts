import { channelEnergyKeV } from '../../core/spectrum.js';
import { AnalysisError } from '../errors.js';
import { erfc } from '../nmr/erfc.js';
import { NATURAL_LI6_FRACTION, NDP_BRANCHES, NM_PER_CM } from './constants.js';
import { BranchDepthMap } from './energy-depth.js';
import { resolveStack, type NdpStack } from './stack.js';

/** The Li of the profiled layer, by depth from its detector-side face. */
export type NdpProfileInput =
  /** Li atoms/cm2 in each depth bin k = [k step, (k + 1) step). */
  | { readonly depthStepNm: number; readonly liPerCm2: ArrayLike<number> }
  /** A concentration (atoms/cm3) at a depth (nm), taken at the middle of each bin of `depthStepNm` down to `maxDepthNm`. */
  | { readonly depthStepNm: number; readonly maxDepthNm: number; readonly liPerCm3: (depthNm: number) => number };

export interface ExpectedSpectrumOptions {
  readonly profile: NdpProfileInput;
  /** Layers and detector angle, as the reduction takes them (stack.ts). */
  readonly stack: NdpStack;
  /**
   * Multipliers of K per branch; default 1 and 1. Convention: K is the rate
   * of ONE branch (SCIENCE.md), detector solid angle included. A capture
   * sends its alpha and its triton back to back, isotropically, so the
   * chance that the alpha flies into the detector equals the chance that the
   * triton does (the other particle then flies away from it): each branch
   * gets K counts/s per Li atom/cm2, and a spectrum holds both. A weight of 0
   * leaves a branch out (e.g. a test of one branch).
   */
  readonly branchWeights?: { readonly alpha: number; readonly triton: number };
  /** K: counts/s of live time in one branch per Li atom/cm2 of natural-abundance Li at nominal flux. */
  readonly calibrationCountsPerSPerLiPerCm2: number;
  /** Neutron monitor rate / nominal (default 1). */
  readonly monitorFactor?: number;
  readonly liveTimeS: number;
  /** Detector resolution, Gaussian FWHM (keV), the same for both branches; 0 for none. */
  readonly resolutionFwhmKeV: number;
  readonly energyCalibrationKeV: readonly [number, number, number];
  readonly channels: number;
  /** 6Li fraction of the sample's Li (default natural). */
  readonly li6Fraction?: number;
}

export const FORWARD_MODEL_BOUNDS = {
  maxChannels: 65536,
  maxDepthBins: 1_000_000,
  /** The fine energy grid holds at most this many bins (its step grows beyond). */
  maxFineBins: 1 << 18,
  /** The Gaussian is cut at this many sigma (the weight beyond, 2e-9, is renormalised away). */
  kernelSigmas: 6,
} as const;

/**
 * Expected counts per channel (before Poisson noise) of an NDP spectrum from
 * a Li profile: the inverse of the reduction (reduce.ts), with the same
 * energy-depth maps.
 *
 * 1. Each depth bin [x_k, x_k+1) of each branch sends mu_k = K w m t_live
 *    (f6/f6_nat) N_k particles, spread uniformly over the detector energies
 *    [E_det(x_k+1), E_det(x_k)] (E_det is smooth, and nearly linear over a
 *    bin of tens of nm); a bin from which particles stop before the detector
 *    keeps the share that arrives.
 * 2. The ideal spectrum goes onto a fine grid, uniform in energy (channel
 *    width / q, q >= 1 so that a step is at most FWHM/8), by the exact
 *    integral of each segment against the grid's linear (tent) interpolation
 *    functions: the count and its mean energy are kept to rounding, where
 *    binning into fine bins would move a thin layer's peak by up to half a
 *    step. The grid is then folded with the Gaussian resolution (the content
 *    of each fine bin that a point at a bin centre sends into it: differences
 *    of the normal CDF), cut at 6 sigma and renormalised. Without resolution
 *    the segments are binned exactly instead, so nothing leaks past their ends.
 * 3. Channels collect the fine bins between their edges E(c -+ 1/2), each
 *    fine bin taken as uniform where an edge cuts it.
 * Energy straggling is not modelled (the resolution dominates for the
 * micrometre deposits of plating), nor are counts below the first channel.
 */
export function expectedSpectrum(options: ExpectedSpectrumOptions): Float64Array {
  const { channels, energyCalibrationKeV: calibration, liveTimeS, resolutionFwhmKeV: fwhm } = options;
  if (!(Number.isInteger(channels) && channels >= 2 && channels <= FORWARD_MODEL_BOUNDS.maxChannels)) throw invalid(`channels must be an integer within 2..${FORWARD_MODEL_BOUNDS.maxChannels}, got ${channels}`);
  if (!(liveTimeS >= 0 && Number.isFinite(liveTimeS))) throw invalid(`liveTimeS must be >= 0, got ${liveTimeS}`);
  if (!(fwhm >= 0 && fwhm <= 500)) throw invalid(`resolutionFwhmKeV must be within 0..500, got ${fwhm}`);
  const k = options.calibrationCountsPerSPerLiPerCm2;
  if (!(k > 0 && Number.isFinite(k))) throw invalid(`K must be > 0, got ${k}`);
  const monitor = options.monitorFactor ?? 1;
  if (!(monitor >= 0 && Number.isFinite(monitor))) throw invalid(`monitorFactor must be >= 0, got ${monitor}`);
  const li6 = options.li6Fraction ?? NATURAL_LI6_FRACTION;
  if (!(li6 > 0 && li6 <= 1)) throw invalid(`li6Fraction must be within (0, 1], got ${li6}`);
  const weights = options.branchWeights ?? { alpha: 1, triton: 1 };
  for (const branch of NDP_BRANCHES) {
    if (!(weights[branch] >= 0 && Number.isFinite(weights[branch]))) throw invalid(`the ${branch} weight must be >= 0, got ${weights[branch]}`);
  }
  if (!calibration.every(Number.isFinite)) throw invalid('the energy calibration is not finite');

  // Channel edges, increasing.
  const edges = new Float64Array(channels + 1);
  let minWidth = Infinity;
  for (let c = 0; c <= channels; c++) {
    edges[c] = channelEnergyKeV(calibration, c - 0.5);
    if (c > 0) minWidth = Math.min(minWidth, edges[c]! - edges[c - 1]!);
  }
  if (!(minWidth > 0)) throw invalid(`the energy calibration ${calibration.join(', ')} does not increase over the channels`);

  const sigma = fwhm / (2 * Math.sqrt(2 * Math.LN2));
  const reach = FORWARD_MODEL_BOUNDS.kernelSigmas * sigma;
  const low = edges[0]! - reach;
  const span = edges[channels]! + reach - low;
  let step = fwhm > 0 ? minWidth / Math.max(1, Math.ceil(minWidth / (fwhm / 8))) : minWidth;
  if (span / step > FORWARD_MODEL_BOUNDS.maxFineBins) step = span / FORWARD_MODEL_BOUNDS.maxFineBins;
  const fine = new Float64Array(Math.ceil(span / step) + 1);

  const { depthStepNm, liPerCm2 } = binnedProfile(options.profile);
  const resolved = resolveStack(options.stack);
  const perAtom = k * monitor * liveTimeS * (li6 / NATURAL_LI6_FRACTION);
  const deposit = sigma > 0 ? depositTent : depositBinned;
  for (const branch of NDP_BRANCHES) {
    const weight = weights[branch];
    if (weight === 0) continue;
    depositBranch(new BranchDepthMap(resolved, branch), liPerCm2, depthStepNm, perAtom * weight, (from, to, counts) => deposit(fine, low, step, from, to, counts));
  }
  const folded = sigma > 0 ? fold(fine, gaussianKernel(step / sigma)) : fine;
  return collect(folded, low, step, edges);
}

/** Adds `counts` spread uniformly over [from, to] keV to the fine grid. */
type Deposit = (from: number, to: number, counts: number) => void;

/** The profile as Li atoms/cm2 per depth bin. */
function binnedProfile(profile: NdpProfileInput): { depthStepNm: number; liPerCm2: Float64Array } {
  const h = profile.depthStepNm;
  if (!(h > 0 && Number.isFinite(h))) throw invalid(`depthStepNm must be > 0, got ${h}`);
  let values: Float64Array;
  if ('liPerCm2' in profile) {
    if (profile.liPerCm2.length > FORWARD_MODEL_BOUNDS.maxDepthBins) throw invalid(`at most ${FORWARD_MODEL_BOUNDS.maxDepthBins} depth bins`);
    values = Float64Array.from(profile.liPerCm2);
  } else {
    const bins = Math.ceil(profile.maxDepthNm / h);
    if (!(bins >= 0 && bins <= FORWARD_MODEL_BOUNDS.maxDepthBins)) throw invalid(`maxDepthNm / depthStepNm must give 0..${FORWARD_MODEL_BOUNDS.maxDepthBins} bins, got ${bins}`);
    values = new Float64Array(bins);
    for (let i = 0; i < bins; i++) values[i] = profile.liPerCm3((i + 0.5) * h) * (h / NM_PER_CM);
  }
  for (let i = 0; i < values.length; i++) {
    if (!(values[i]! >= 0 && Number.isFinite(values[i]!))) throw invalid(`the Li in depth bin ${i} must be finite and >= 0, got ${values[i]}`);
  }
  return { depthStepNm: h, liPerCm2: values };
}

/** Adds the branch's ideal (unfolded) spectrum. */
function depositBranch(map: BranchDepthMap, liPerCm2: Float64Array, stepNm: number, countsPerAtom: number, deposit: Deposit): void {
  let upper = map.detectorEnergyKeV(0);
  for (let i = 0; i < liPerCm2.length && upper !== null; i++) {
    const n = liPerCm2[i]!;
    const lower = map.detectorEnergyKeV((i + 1) * stepNm);
    if (n > 0) {
      if (lower === null) {
        // Only the part of the bin above the deepest origin reaches the detector, from 0 to `upper`.
        const share = (map.maxDepthNm - i * stepNm) / stepNm;
        if (share > 0) deposit(0, upper, n * countsPerAtom * Math.min(1, share));
      } else {
        deposit(lower, upper, n * countsPerAtom);
      }
    }
    upper = lower;
  }
}

/**
 * Uniform over [from, to] keV, integrated against the tent functions of the
 * grid nodes (bin centres, low + (i + 1/2) step): node i gets
 * density x (T(b - i) - T(a - i)) with T the integral of the tent, a and b
 * the segment's ends in node units. Count and first moment are exact.
 */
function depositTent(fine: Float64Array, low: number, step: number, from: number, to: number, counts: number): void {
  const a = (from - low) / step - 0.5;
  const b = (to - low) / step - 0.5;
  const last = fine.length - 1;
  if (b < -1 || a > last + 1) return;
  if (b - a < 1e-9) {
    const i = Math.floor(a);
    const f = a - i;
    if (i >= 0 && i <= last) fine[i] = fine[i]! + counts * (1 - f);
    if (i + 1 >= 0 && i + 1 <= last) fine[i + 1] = fine[i + 1]! + counts * f;
    return;
  }
  const density = counts / (b - a);
  const start = Math.max(0, Math.floor(a));
  const end = Math.min(last, Math.ceil(b));
  for (let i = start; i <= end; i++) fine[i] = fine[i]! + density * (tentIntegral(b - i) - tentIntegral(a - i));
}

/** Integral of the tent max(0, 1 - |u|) from -infinity to u. */
function tentIntegral(u: number): number {
  if (u <= -1) return 0;
  if (u <= 0) return 0.5 * (u + 1) * (u + 1);
  if (u < 1) return 1 - 0.5 * (1 - u) * (1 - u);
  return 1;
}

/** Uniform over [from, to] keV, binned exactly (bin i covers [low + i step, low + (i + 1) step)): for spectra without resolution. */
function depositBinned(fine: Float64Array, low: number, step: number, from: number, to: number, counts: number): void {
  const a = (from - low) / step;
  const b = (to - low) / step;
  const last = fine.length;
  if (b <= 0 || a >= last) return;
  if (b - a < 1e-12) {
    const i = Math.min(last - 1, Math.max(0, Math.floor(a)));
    fine[i] = fine[i]! + counts;
    return;
  }
  const density = counts / (b - a);
  const start = Math.max(0, Math.floor(a));
  const end = Math.min(last - 1, Math.floor(b));
  for (let i = start; i <= end; i++) {
    const overlap = Math.min(b, i + 1) - Math.max(a, i);
    if (overlap > 0) fine[i] = fine[i]! + density * overlap;
  }
}

const kernelCache = new Map<number, Float64Array>();

/**
 * Weights w_j (j = -J..J, stored from index 0): the share of a Gaussian of
 * sigma = step / a centred on a bin centre that falls into the bin j bins
 * away, w_j = Phi((j + 1/2) a) - Phi((j - 1/2) a), Phi(z) = erfc(-z/sqrt 2)/2.
 */
function gaussianKernel(a: number): Float64Array {
  let kernel = kernelCache.get(a);
  if (kernel) return kernel;
  const half = Math.ceil(FORWARD_MODEL_BOUNDS.kernelSigmas / a) + 1;
  const cdf = (z: number) => 0.5 * erfc(-z / Math.SQRT2);
  kernel = new Float64Array(2 * half + 1);
  let sum = 0;
  for (let j = -half; j <= half; j++) {
    const w = j < 0 ? cdf((j + 0.5) * a) - cdf((j - 0.5) * a) : cdf(-(j - 0.5) * a) - cdf(-(j + 0.5) * a);
    kernel[j + half] = w;
    sum += w;
  }
  for (let j = 0; j < kernel.length; j++) kernel[j] = kernel[j]! / sum;
  if (kernelCache.size > 32) kernelCache.clear();
  kernelCache.set(a, kernel);
  return kernel;
}

/** Convolution by scatter from the occupied bins only (the ideal spectrum is mostly empty). */
function fold(fine: Float64Array, kernel: Float64Array): Float64Array {
  const out = new Float64Array(fine.length);
  const half = (kernel.length - 1) / 2;
  const n = fine.length;
  for (let i = 0; i < n; i++) {
    const content = fine[i]!;
    if (content === 0) continue;
    const from = Math.max(0, half - i);
    const to = Math.min(kernel.length, n - i + half);
    for (let j = from; j < to; j++) out[i + j - half] = out[i + j - half]! + content * kernel[j]!;
  }
  return out;
}

/** Channel contents from the fine grid, taking each fine bin as uniform where a channel edge cuts it. */
function collect(fine: Float64Array, low: number, step: number, edges: Float64Array): Float64Array {
  const channels = edges.length - 1;
  const out = new Float64Array(channels);
  let previous = cumulativeAt(fine, low, step, edges[0]!, { index: 0, sum: 0 });
  const cursor = { index: 0, sum: 0 };
  for (let c = 0; c < channels; c++) {
    const next = cumulativeAt(fine, low, step, edges[c + 1]!, cursor);
    out[c] = Math.max(0, next - previous);
    previous = next;
  }
  return out;
}

/** Content of the fine grid below `energy`; `cursor` walks forward (edges are increasing) so the whole pass is linear. */
function cumulativeAt(fine: Float64Array, low: number, step: number, energy: number, cursor: { index: number; sum: number }): number {
  const x = (energy - low) / step;
  const whole = Math.min(fine.length, Math.max(0, Math.floor(x)));
  while (cursor.index < whole) cursor.sum += fine[cursor.index++]!;
  const fraction = whole < fine.length ? Math.max(0, x - whole) : 0;
  return cursor.sum + (whole < fine.length ? fraction * fine[whole]! : 0);
}

function invalid(message: string): AnalysisError {
  return new AnalysisError(`NDP forward model: ${message}`, 'INVALID_INPUT');
}
