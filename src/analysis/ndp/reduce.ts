import { channelEnergyKeV, type McaSpectrum } from '../../core/spectrum.js';
import { AnalysisError } from '../errors.js';
import {
  DENSE_LITHIUM_ATOMS_PER_CM3,
  LITHIUM_PER_CM2_PER_MAH_PER_CM2,
  NATURAL_LI6_FRACTION,
  NM_PER_CM,
  type NdpBranch,
} from './constants.js';
import { BranchDepthMap } from './energy-depth.js';
import { resolveStack, type NdpStack, type ResolvedStack } from './stack.js';

/** How the background under the Li signal is known. */
export type NdpBackground =
  /** A background spectrum (same channels: a Li-free sample, the beam off...), scaled by live time. */
  | { readonly kind: 'spectrum'; readonly spectrum: McaSpectrum }
  /** Channels fromChannel..toChannel (inclusive) of the spectrum itself hold background only: their mean per channel is subtracted. */
  | { readonly kind: 'region'; readonly fromChannel: number; readonly toChannel: number };

export interface NdpReductionOptions {
  readonly stack: NdpStack;
  /**
   * Default `triton`: its window (above the alpha surface energy) holds
   * tritons only and it reaches ~5 times deeper; `alpha` resolves thin
   * deposits better (about 6 times the stopping) but below 2055 keV its
   * window can also hold tritons from deep Li (warned).
   */
  readonly branch?: NdpBranch;
  /** K: counts per second of live time in one branch per Li atom/cm2 of natural-abundance Li, at nominal flux (SCIENCE.md). */
  readonly calibrationCountsPerSPerLiPerCm2: number;
  /** Neutron monitor rate / nominal during the spectrum (1 by default): the expected rate scales with it. */
  readonly monitorFactor?: number;
  readonly background?: NdpBackground;
  /** E (keV) = c0 + c1 ch + c2 ch^2; overrides the spectrum's calibration. */
  readonly energyCalibrationKeV?: readonly [number, number, number];
  /** Detector resolution (FWHM, keV): the windows reach 2.5 FWHM beyond the surface energies. Default 20 keV, a silicon detector for MeV alphas. */
  readonly resolutionFwhmKeV?: number;
  /** Lowest energy used (keV), above the electronic noise and where the stopping near the Bragg peak is least certain. Default 100 keV. */
  readonly minimumEnergyKeV?: number;
  /** Group channels into depth bins of this width (nm); default one profile point per channel. */
  readonly depthBinNm?: number;
  /** 6Li atom fraction of the sample's lithium (default natural, 0.0759); K is for natural Li. */
  readonly li6Fraction?: number;
}

export interface NdpProfilePoint {
  /** Centre of the point's depth interval, from the profiled layer's face (negative: counts the resolution put above the surface energy). */
  readonly depthNm: number;
  readonly widthNm: number;
  readonly liPerCm3: number;
  /** liPerCm3 / 4.633e22 (dense Li metal). */
  readonly relativeDensity: number;
  /** One standard error from counting statistics (spectrum and background). */
  readonly uncertaintyLiPerCm3: number;
}

export interface NdpReduction {
  readonly branch: NdpBranch;
  /** Ordered by depth. */
  readonly profile: NdpProfilePoint[];
  readonly arealDensityLiPerCm2: { readonly value: number; readonly stderr: number };
  /** The areal density as charge: 1 mAh/cm2 = 2.247e19 Li/cm2. */
  readonly equivalentMahPerCm2: number;
  /** The areal density as a thickness of dense Li metal (um). */
  readonly equivalentDenseLiUm: number;
  /** Count-weighted mean depth (nm): the centroid of the Li (half the thickness of a uniform layer at the face); null without net counts. */
  readonly meanDepthNm: number | null;
  /** The deepest depth the window covers (nm). */
  readonly probedDepthNm: number;
  readonly surfaceEnergyKeV: number;
  readonly window: { readonly fromChannel: number; readonly toChannel: number; readonly fromKeV: number; readonly toKeV: number };
  readonly netCounts: { readonly value: number; readonly stderr: number };
  /** 1 - live/real; null when a time is missing. */
  readonly deadTimeFraction: number | null;
  readonly warnings: string[];
}

export const NDP_REDUCTION_DEFAULTS = {
  branch: 'triton',
  resolutionFwhmKeV: 20,
  minimumEnergyKeV: 100,
  /** Windows reach this many FWHM beyond a surface energy (5.9 sigma: all but 2e-9 of a Gaussian). */
  windowMarginFwhm: 2.5,
  /** Dead time above which the live-time correction alone (no pile-up) is doubtful. */
  warnDeadTimeFraction: 0.2,
  /** A monitor factor outside this range means the flux was far from nominal for the whole spectrum. */
  monitorFactorRange: [0.5, 2],
} as const;

/** The channels of the branch's window with the depth interval of each (computed once per calibration). */
interface ChannelMap {
  readonly calibrationKey: string;
  readonly first: number;
  readonly last: number;
  /** Per channel of the window (index c - first): shallow and deep end of its depth interval (nm). */
  readonly shallowNm: Float64Array;
  readonly deepNm: Float64Array;
  readonly fromKeV: number;
  readonly toKeV: number;
  readonly probedDepthNm: number;
  readonly warnings: readonly string[];
  /** Channels just above the floor (deepest 2.5 FWHM of the window): Li there means Li beyond the probed depth. */
  readonly edgeChannels: number;
  /** For the alpha branch: channels just above the alpha window, where tritons from deep Li arrive. */
  readonly tritonBand: readonly [number, number] | null;
}

/**
 * Reduction of NDP spectra for one stack and branch: counts per channel to
 * the Li profile n(x), its areal density and the equivalent charge.
 *
 * Per channel c of the window: net counts N_c (counts minus the background
 * scaled by live time), the depth interval [x(E(c + 1/2)), x(E(c - 1/2))]
 * of its energy interval (energy-depth.ts), and
 *
 *   n_c = N_c / (t_live K m (f6 / f6_nat)) / width_c        (atoms/cm3)
 *
 * with m the monitor factor and f6 the 6Li fraction. Counts over live time
 * are the dead-time-corrected rate: (counts x real/live) / real. The areal
 * density is the sum of N_c over the window divided by the same factor; its
 * standard error comes from Poisson variances of the counts and of the
 * background (a background region's mean is common to every channel, so its
 * variance adds coherently). The window: from 2.5 FWHM above the branch's
 * surface energy down to the minimum energy, and for the triton branch down to
 * 2.5 FWHM above the alpha surface energy, below which alphas arrive.
 *
 * The map of one calibration is computed once and kept (spectra of one run
 * share it), so reducing a spectrum is a pass over the window's channels.
 */
export class NdpReducer {
  readonly branch: NdpBranch;
  private readonly map: BranchDepthMap;
  private readonly alphaMap: BranchDepthMap;
  private readonly tritonMap: BranchDepthMap;
  private readonly resolved: ResolvedStack;
  private readonly fwhmKeV: number;
  private readonly minimumEnergyKeV: number;
  private readonly atomsPerCountPerS: number;
  private readonly depthBinNm: number | null;
  private readonly background: NdpBackground | undefined;
  private readonly fixedWarnings: string[] = [];
  private channelMap: ChannelMap | null = null;

  constructor(private readonly options: NdpReductionOptions) {
    this.branch = options.branch ?? NDP_REDUCTION_DEFAULTS.branch;
    if (this.branch !== 'alpha' && this.branch !== 'triton') throw invalid(`branch must be alpha or triton, got ${String(this.branch)}`);
    const k = options.calibrationCountsPerSPerLiPerCm2;
    if (!(k > 0 && Number.isFinite(k))) throw invalid(`the calibration constant K must be > 0 (counts/s per Li atom/cm2), got ${k}`);
    const monitor = options.monitorFactor ?? 1;
    if (!(monitor > 0 && Number.isFinite(monitor))) throw invalid(`monitorFactor must be > 0, got ${monitor}`);
    const li6 = options.li6Fraction ?? NATURAL_LI6_FRACTION;
    if (!(li6 > 0 && li6 <= 1)) throw invalid(`li6Fraction must be within (0, 1], got ${li6}`);
    this.fwhmKeV = options.resolutionFwhmKeV ?? NDP_REDUCTION_DEFAULTS.resolutionFwhmKeV;
    if (!(this.fwhmKeV >= 0 && this.fwhmKeV <= 500)) throw invalid(`resolutionFwhmKeV must be within 0..500, got ${this.fwhmKeV}`);
    this.minimumEnergyKeV = options.minimumEnergyKeV ?? NDP_REDUCTION_DEFAULTS.minimumEnergyKeV;
    if (!(this.minimumEnergyKeV > 0 && this.minimumEnergyKeV < 2000)) throw invalid(`minimumEnergyKeV must be within (0, 2000), got ${this.minimumEnergyKeV}`);
    this.depthBinNm = options.depthBinNm ?? null;
    if (this.depthBinNm !== null && !(this.depthBinNm > 0 && Number.isFinite(this.depthBinNm))) throw invalid(`depthBinNm must be > 0, got ${this.depthBinNm}`);
    this.resolved = resolveStack(options.stack);
    this.alphaMap = new BranchDepthMap(this.resolved, 'alpha');
    this.tritonMap = new BranchDepthMap(this.resolved, 'triton');
    this.map = this.branch === 'alpha' ? this.alphaMap : this.tritonMap;
    this.atomsPerCountPerS = NATURAL_LI6_FRACTION / li6 / (k * monitor);
    this.background = options.background;

    const [low, high] = NDP_REDUCTION_DEFAULTS.monitorFactorRange;
    if (monitor < low || monitor > high) this.fixedWarnings.push(`the monitor factor ${monitor} is far from 1: the flux was not nominal during this spectrum; check the monitor and the spectrum's timing`);
    for (const layer of [...this.resolved.before, this.resolved.profiled]) {
      if (layer.material.approximate) this.fixedWarnings.push(`stopping in ${layer.material.name} is approximate: ${layer.material.approximate}`);
    }
    if (this.map.surfaceEnergyKeV <= 0) {
      throw new AnalysisError(`NDP: ${this.branch}s from the profiled layer do not reach the detector through this stack${this.branch === 'alpha' ? ': use the triton branch' : ''}`, 'DEGENERATE', { branch: this.branch });
    }
  }

  /** The energy-depth map of the reduced branch (and of the other one). */
  depthMap(branch: NdpBranch = this.branch): BranchDepthMap {
    return branch === 'alpha' ? this.alphaMap : this.tritonMap;
  }

  reduce(spectrum: McaSpectrum): NdpReduction {
    const warnings: string[] = [];
    const counts = spectrum.counts;
    if (counts.length < 2) throw invalid(`the spectrum has ${counts.length} channel(s)`);
    const { liveS, deadTimeFraction } = countingTime(spectrum, 'spectrum', warnings);
    const calibration = this.options.energyCalibrationKeV ?? spectrum.energyCalibrationKeV;
    if (!calibration) throw invalid('the spectrum has no energy calibration and none was given');
    const map = this.channelMapFor(calibration, counts.length);

    // Background: an independent variance per channel (a spectrum) and one common to all (a region's mean).
    let backgroundCounts: Uint32Array | null = null;
    let backgroundScale = 0;
    let perChannelBackground = 0;
    let commonVariance = 0;
    const background = this.background;
    if (background?.kind === 'spectrum') {
      const b = background.spectrum;
      if (b.counts.length !== counts.length) throw invalid(`the background spectrum has ${b.counts.length} channels, the spectrum ${counts.length}`);
      const { liveS: backgroundLiveS } = countingTime(b, 'background spectrum', warnings);
      backgroundCounts = b.counts;
      backgroundScale = liveS / backgroundLiveS;
    } else if (background?.kind === 'region') {
      const { fromChannel, toChannel } = background;
      if (!(Number.isInteger(fromChannel) && Number.isInteger(toChannel) && fromChannel >= 0 && toChannel >= fromChannel && toChannel < counts.length)) {
        throw invalid(`the background region ${fromChannel}..${toChannel} is not within channels 0..${counts.length - 1}`);
      }
      let sum = 0;
      for (let c = fromChannel; c <= toChannel; c++) sum += counts[c]!;
      const n = toChannel - fromChannel + 1;
      perChannelBackground = sum / n;
      commonVariance = sum / (n * n);
      if (fromChannel <= map.last && toChannel >= map.first) warnings.push(`the background region ${fromChannel}..${toChannel} overlaps the ${this.branch} window (channels ${map.first}..${map.last}): Li counts are subtracted as background`);
    }

    const atomsPerCount = this.atomsPerCountPerS / liveS;
    const width = map.last - map.first + 1;
    const net = new Float64Array(width);
    const variance = new Float64Array(width);
    let netSum = 0;
    let varianceSum = 0;
    let weightedDepth = 0;
    let belowThreeSigma = 0;
    for (let j = 0; j < width; j++) {
      const c = map.first + j;
      const raw = counts[c]!;
      let b = perChannelBackground;
      let v = raw;
      if (backgroundCounts) {
        b = backgroundScale * backgroundCounts[c]!;
        v += backgroundScale * backgroundScale * backgroundCounts[c]!;
      }
      const n = raw - b;
      net[j] = n;
      variance[j] = v;
      netSum += n;
      varianceSum += v;
      weightedDepth += n * 0.5 * (map.shallowNm[j]! + map.deepNm[j]!);
      // Judged against the spread of the background alone (no Li there): the counts' own variance is small exactly when they fell low.
      const nullVariance = b + (backgroundCounts ? backgroundScale * b : 0) + commonVariance;
      if (nullVariance > 0 && n < -3 * Math.sqrt(nullVariance)) belowThreeSigma++;
    }
    const totalVariance = varianceSum + width * width * commonVariance;
    const netStderr = Math.sqrt(totalVariance);

    if (netSum < 0) warnings.push(`the net counts of the ${this.branch} window are negative (${netSum.toFixed(0)} ± ${netStderr.toFixed(0)}): no Li above the background, or the background is over-estimated`);
    if (belowThreeSigma > 2 + 0.005 * width) warnings.push(`${belowThreeSigma} of ${width} channels lie more than 3 standard errors below zero after background subtraction: the background is over-estimated or does not match the spectrum`);
    this.checkBeyondProbedDepth(map, net, variance, commonVariance, warnings);
    if (map.tritonBand) this.checkTritonsInAlphaWindow(map.tritonBand, counts, backgroundCounts, backgroundScale, perChannelBackground, commonVariance, warnings);

    const profile = this.profile(map, net, variance, commonVariance, atomsPerCount);
    const areal = netSum * atomsPerCount;
    return {
      branch: this.branch,
      profile,
      arealDensityLiPerCm2: { value: areal, stderr: netStderr * atomsPerCount },
      equivalentMahPerCm2: areal / LITHIUM_PER_CM2_PER_MAH_PER_CM2,
      equivalentDenseLiUm: (areal / DENSE_LITHIUM_ATOMS_PER_CM3) * 1e4,
      meanDepthNm: netSum > 0 ? weightedDepth / netSum : null,
      probedDepthNm: map.probedDepthNm,
      surfaceEnergyKeV: this.map.surfaceEnergyKeV,
      window: { fromChannel: map.first, toChannel: map.last, fromKeV: map.fromKeV, toKeV: map.toKeV },
      netCounts: { value: netSum, stderr: netStderr },
      deadTimeFraction,
      warnings: [...this.fixedWarnings, ...map.warnings, ...warnings],
    };
  }

  /** Profile points, deepest channel last: one per channel, or grouped into depth bins by the centre of each channel's interval. */
  private profile(map: ChannelMap, net: Float64Array, variance: Float64Array, commonVariance: number, atomsPerCount: number): NdpProfilePoint[] {
    const points: NdpProfilePoint[] = [];
    const point = (depthNm: number, widthNm: number, netCounts: number, countVariance: number): NdpProfilePoint => {
      const perCm3 = atomsPerCount / (widthNm / NM_PER_CM);
      const liPerCm3 = netCounts * perCm3;
      return { depthNm, widthNm, liPerCm3, relativeDensity: liPerCm3 / DENSE_LITHIUM_ATOMS_PER_CM3, uncertaintyLiPerCm3: Math.sqrt(countVariance) * perCm3 };
    };
    const binNm = this.depthBinNm;
    // Channels from the top of the window down go from the surface into depth.
    if (binNm === null) {
      for (let j = net.length - 1; j >= 0; j--) {
        const shallow = map.shallowNm[j]!;
        const deep = map.deepNm[j]!;
        points.push(point(0.5 * (shallow + deep), deep - shallow, net[j]!, variance[j]! + commonVariance));
      }
      return points;
    }
    let bin = Number.NaN;
    let from = 0;
    let to = 0;
    let sum = 0;
    let sumVariance = 0;
    let channels = 0;
    const flush = () => {
      if (channels > 0) points.push(point(0.5 * (from + to), to - from, sum, sumVariance + channels * channels * commonVariance));
    };
    for (let j = net.length - 1; j >= 0; j--) {
      const shallow = map.shallowNm[j]!;
      const deep = map.deepNm[j]!;
      const b = Math.floor((0.5 * (shallow + deep)) / binNm);
      if (b !== bin) {
        flush();
        bin = b;
        from = shallow;
        sum = 0;
        sumVariance = 0;
        channels = 0;
      }
      to = deep;
      sum += net[j]!;
      sumVariance += variance[j]!;
      channels++;
    }
    flush();
    return points;
  }

  private checkBeyondProbedDepth(map: ChannelMap, net: Float64Array, variance: Float64Array, commonVariance: number, warnings: string[]): void {
    const edge = Math.min(map.edgeChannels, net.length);
    let sum = 0;
    let v = 0;
    for (let j = 0; j < edge; j++) {
      sum += net[j]!;
      v += variance[j]!;
    }
    v += edge * edge * commonVariance;
    if (edge > 0 && sum > 3 * Math.sqrt(v) && sum > 0) {
      warnings.push(
        `Li continues to the deepest probed depth (${(map.probedDepthNm / 1000).toFixed(2)} um, ${map.fromKeV.toFixed(0)} keV), or a background is left unsubtracted: Li beyond that depth is not seen, so the areal density covers 0..${(map.probedDepthNm / 1000).toFixed(2)} um only` +
          (this.branch === 'alpha' ? ' (the triton branch reaches deeper)' : ''),
      );
    }
  }

  private checkTritonsInAlphaWindow(
    band: readonly [number, number],
    counts: Uint32Array,
    backgroundCounts: Uint32Array | null,
    backgroundScale: number,
    perChannelBackground: number,
    commonVariance: number,
    warnings: string[],
  ): void {
    let sum = 0;
    let v = 0;
    for (let c = band[0]; c <= band[1]; c++) {
      const b = backgroundCounts ? backgroundScale * backgroundCounts[c]! : perChannelBackground;
      sum += counts[c]! - b;
      v += counts[c]! + (backgroundCounts ? backgroundScale * backgroundScale * backgroundCounts[c]! : 0);
    }
    const n = band[1] - band[0] + 1;
    v += n * n * commonVariance;
    if (sum > 3 * Math.sqrt(v)) {
      const overlapUm = (this.tritonMap.depthNm(this.alphaMap.surfaceEnergyKeV)! / 1000).toFixed(1);
      warnings.push(
        `counts arrive just above the alpha window, tritons from deep Li or a background left unsubtracted: Li deeper than about ${overlapUm} um sends tritons into the alpha window, where they are counted as alphas; use the triton branch for this sample`,
      );
    }
  }

  private channelMapFor(calibration: readonly [number, number, number], channels: number): ChannelMap {
    const key = `${calibration.join(',')}/${channels}`;
    if (this.channelMap?.calibrationKey === key) return this.channelMap;
    this.channelMap = this.buildChannelMap(calibration, channels, key);
    return this.channelMap;
  }

  private buildChannelMap(calibration: readonly [number, number, number], channels: number, calibrationKey: string): ChannelMap {
    if (!calibration.every(Number.isFinite)) throw invalid(`the energy calibration ${calibration.join(', ')} is not finite`);
    const [, c1, c2] = calibration;
    // dE/dch = c1 + 2 c2 ch is linear in ch: positive at both ends means increasing over the spectrum.
    if (!(c1 + 2 * c2 * -0.5 > 0 && c1 + 2 * c2 * (channels - 0.5) > 0)) throw invalid(`the energy calibration ${calibration.join(', ')} does not increase over channels 0..${channels - 1}`);
    const warnings: string[] = [];
    const margin = NDP_REDUCTION_DEFAULTS.windowMarginFwhm * this.fwhmKeV;
    const top = this.map.surfaceEnergyKeV + margin;
    let floor = this.minimumEnergyKeV;
    if (this.branch === 'triton') floor = Math.max(floor, this.alphaMap.surfaceEnergyKeV + margin);
    const spectrumLow = channelEnergyKeV(calibration, -0.5);
    const spectrumHigh = channelEnergyKeV(calibration, channels - 0.5);
    if (top > spectrumHigh) warnings.push(`the spectrum ends at ${spectrumHigh.toFixed(0)} keV, below the top of the ${this.branch} window (${top.toFixed(0)} keV): Li nearest the surface is missed`);
    if (floor < spectrumLow) {
      warnings.push(`the spectrum starts at ${spectrumLow.toFixed(0)} keV, above the bottom of the ${this.branch} window (${floor.toFixed(0)} keV): the probed depth is limited`);
      floor = spectrumLow;
    }
    const first = firstChannelAtOrAbove(calibration, channels, floor);
    const last = lastChannelAtOrBelow(calibration, channels, top);
    if (first > last) throw new AnalysisError(`NDP: no channel of the spectrum lies in the ${this.branch} window ${floor.toFixed(0)}..${top.toFixed(0)} keV`, 'DEGENERATE', { branch: this.branch });
    const width = last - first + 1;
    const shallowNm = new Float64Array(width);
    const deepNm = new Float64Array(width);
    // A coarse calibration can put the lowest edge below 0 keV: the deepest origin is as deep as it goes.
    const depthAt = (channelEdge: number) => this.map.depthNm(Math.max(0, channelEnergyKeV(calibration, channelEdge)))!;
    let lowerDepth = depthAt(first - 0.5);
    for (let j = 0; j < width; j++) {
      const upperDepth = depthAt(first + j + 0.5);
      deepNm[j] = lowerDepth;
      shallowNm[j] = upperDepth;
      lowerDepth = upperDepth;
    }
    const fromKeV = channelEnergyKeV(calibration, first - 0.5);
    const toKeV = channelEnergyKeV(calibration, last + 0.5);
    let edgeChannels = 0;
    while (edgeChannels < width && channelEnergyKeV(calibration, first + edgeChannels) < fromKeV + margin) edgeChannels++;
    let tritonBand: [number, number] | null = null;
    if (this.branch === 'alpha') {
      const bandLow = lastChannelAtOrBelow(calibration, channels, top) + 1;
      const bandHigh = lastChannelAtOrBelow(calibration, channels, top + margin);
      if (bandHigh >= bandLow) tritonBand = [bandLow, bandHigh];
    }
    return { calibrationKey, first, last, shallowNm, deepNm, fromKeV, toKeV, probedDepthNm: deepNm[0]!, warnings, edgeChannels: Math.max(edgeChannels, 1), tritonBand };
  }
}

/** Reduces one spectrum (a reducer of its own; keep an NdpReducer to reduce many with one stack). */
export function reduceNdpSpectrum(spectrum: McaSpectrum, options: NdpReductionOptions): NdpReduction {
  return new NdpReducer(options).reduce(spectrum);
}

/** The live time to divide by, and the dead-time fraction, with warnings for what is missing. */
function countingTime(spectrum: McaSpectrum, what: string, warnings: string[]): { liveS: number; deadTimeFraction: number | null } {
  const { liveTimeS, realTimeS } = spectrum;
  const valid = (t: number | null): t is number => t !== null && Number.isFinite(t) && t > 0;
  if (!valid(liveTimeS)) {
    if (!valid(realTimeS)) throw invalid(`the ${what} has neither a live time nor a real time: no count rate can be computed`);
    warnings.push(`the ${what} has no live time: its real time (${realTimeS} s) is used, so its counts are not corrected for dead time`);
    return { liveS: realTimeS, deadTimeFraction: null };
  }
  if (!valid(realTimeS)) return { liveS: liveTimeS, deadTimeFraction: null };
  if (liveTimeS > realTimeS * (1 + 1e-6)) {
    warnings.push(`the ${what}'s live time (${liveTimeS} s) exceeds its real time (${realTimeS} s): check the MCA's times; the live time is used`);
    return { liveS: liveTimeS, deadTimeFraction: 0 };
  }
  const dead = 1 - liveTimeS / realTimeS;
  if (dead > NDP_REDUCTION_DEFAULTS.warnDeadTimeFraction) {
    warnings.push(`the ${what}'s dead time is ${(100 * dead).toFixed(0)} %: beyond ${100 * NDP_REDUCTION_DEFAULTS.warnDeadTimeFraction} % pile-up distorts the spectrum and the live-time correction alone may not hold`);
  }
  return { liveS: liveTimeS, deadTimeFraction: dead };
}

/** The first channel whose centre energy is >= energyKeV (> with `strictly`; calibration increasing), or `channels` if none. */
function firstChannelAtOrAbove(calibration: readonly [number, number, number], channels: number, energyKeV: number, strictly = false): number {
  let lo = 0;
  let hi = channels;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const e = channelEnergyKeV(calibration, mid);
    if (strictly ? e > energyKeV : e >= energyKeV) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The last channel whose centre energy is <= energyKeV, or -1 if none. */
function lastChannelAtOrBelow(calibration: readonly [number, number, number], channels: number, energyKeV: number): number {
  return firstChannelAtOrAbove(calibration, channels, energyKeV, true) - 1;
}

function invalid(message: string): AnalysisError {
  return new AnalysisError(`NDP: ${message}`, 'INVALID_INPUT');
}
