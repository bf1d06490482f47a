import { DENSE_LITHIUM_ATOMS_PER_CM3, NM_PER_CM } from '../../src/analysis/ndp/constants.js';
import { BranchDepthMap } from '../../src/analysis/ndp/energy-depth.js';
import { expectedSpectrum, type NdpProfileInput } from '../../src/analysis/ndp/forward-model.js';
import type { NdpLayer, NdpStack } from '../../src/analysis/ndp/stack.js';
import type { Clock } from '../../src/core/clock.js';
import { errorMessage } from '../../src/core/errors.js';
import { silentLogger, type Logger } from '../../src/core/logger.js';
import { channelEnergyKeV } from '../../src/core/spectrum.js';
import type { LiDepositState } from '../potentiostat/cell/li-plating-cell.js';
import { carbonateElectrolyte } from './carbonate-electrolyte.js';
import { BeamLog, DepositHistory, type DepositSample, type StretchIntegral } from './deposit-history.js';
import type { SourceAccumulation, SpectrumSource } from './spectrum-source.js';

export type EnergyCalibrationKeV = readonly [number, number, number];

export interface NdpSourceOptions {
  /** Layers between the Li and the detector, detector side first: the Cu collector the particles leave through. */
  readonly collector: readonly NdpLayer[];
  readonly detectorAngleDeg: number;
  /** K: counts/s of live time in ONE branch per Li atom/cm2 of natural Li at nominal flux, solid angle included (the reduction's K). */
  readonly calibrationCountsPerSPerLiPerCm2: number;
  /** Beam monitor counts per second at nominal flux (the DP5's general-purpose counter). */
  readonly monitorPerS: number;
  /** Detector resolution, Gaussian FWHM (keV). */
  readonly resolutionFwhmKeV: number;
  /** E (keV) = c0 + c1 ch + c2 ch^2 at `channels` channels; other channel counts split the same ADC range. */
  readonly energyCalibration: { readonly keV: EnergyCalibrationKeV; readonly channels: number };
  /** Flat background at nominal flux (counts/s per keV): capture gammas and fast neutrons in the detector, so it follows the beam. */
  readonly backgroundPerSPerKeV: number;
  /** Input events per recorded event (noise and events below the threshold count at the input too): sets the dead time. */
  readonly inputPerRecorded: number;
  /** Lab seconds between samples of a followed deposit. */
  readonly depositSampleIntervalS: number;
  /** Depth bins of the deposit's profile (nm of dense Li). */
  readonly depositDepthStepNm: number;
  /** Depth bins of the electrolyte's profile (nm of electrolyte): its Li is uniform, so coarse bins are exact. */
  readonly electrolyteDepthStepNm: number;
  /** Bound of the samples kept between two acquisitions (and of the beam changes). */
  readonly maxHistorySamples: number;
}

/** No Li at all: nothing followed. */
const NO_LI: LiDepositState = { activeLiPerCm2: 0, inactiveLiPerCm2: 0, layers: [], electrolyteLiPerCm3: 0 };

/**
 * A neutron beam on a Li-containing sample seen by the NDP detector: the
 * physical spectrum source of the simulated DP5.
 *
 * The sample, detector side first: the collector (1 um of Cu in the
 * presets: operando cells look through it), then the Li a provider reports
 * (a Li plating cell's `deposit()`: layers of Li from the Cu surface, then
 * the electrolyte's Li beyond), taken as:
 * - the deposit: Li metal at the density of its Li, its pores empty. A pore
 *   slows no particle, so the deposit acts as dense Li of the same Li per
 *   cm2: the spectrum depends on its Li per cm2 only, whichever way it is
 *   split into layers or spread by porosity. (A flooded deposit would add the
 *   electrolyte's stopping, about 0.5 g/cm3 at 40 % porosity, and 1 % more
 *   Li; SEI compounds are left out too.) The reduction sees the same when
 *   given Li at the deposit's density;
 * - the electrolyte beyond it: LP30-like (carbonate-electrolyte.ts) with the
 *   cell's Li concentration, deep enough for every triton.
 * Expected counts are linear in the profile for a fixed stack, so the
 * deposit's spectrum over a stretch is the spectrum of its time-averaged
 * profile (exact: its depth map never changes); the electrolyte's is that of
 * the time-averaged depth of its face (first order in the deposit's growth
 * within a stretch: a smeared edge becomes a sharp one, the counts agree).
 *
 * The beam: K, a monitor rate at nominal flux, and the beam fraction
 * (`setBeamFraction`: the reactor at reduced power), which scales Li counts,
 * background and monitor alike, from the lab time it is set. The energy
 * scale is the instrument's (`agreeEnergyCalibration`). Spectra per second of
 * beam are cached while the deposit does not change (a fixed layer, a cell
 * at rest), so a stretch costs a multiplication.
 */
export class NdpSpectrumSource implements SpectrumSource {
  private readonly history: DepositHistory;
  private readonly beam: BeamLog;
  private readonly depositStack: NdpStack;
  /** The deepest origin (nm of dense Li) from which a triton reaches the detector: Li deeper is invisible. */
  private readonly depositReachNm: number;
  /** The same in the electrolyte alone behind the collector. */
  private readonly electrolyteReachNm: (liPerCm3: number) => number;
  private provider: () => LiDepositState = () => NO_LI;
  private sampling: AbortController | null = null;
  private calibration: { readonly keV: EnergyCalibrationKeV; readonly channels: number };
  private depositCache: { key: string; perS: Float64Array } | null = null;
  private electrolyteCache: { key: string; perS: Float64Array } | null = null;

  constructor(
    private readonly options: NdpSourceOptions,
    private readonly clock: Clock,
    private readonly logger: Logger = silentLogger,
  ) {
    const positive = (value: number, name: string, orZero = false) => {
      if (!(Number.isFinite(value) && (orZero ? value >= 0 : value > 0))) throw new RangeError(`NDP source: ${name} must be ${orZero ? '>= 0' : '> 0'}, got ${value}`);
    };
    positive(options.calibrationCountsPerSPerLiPerCm2, 'K');
    positive(options.monitorPerS, 'monitorPerS', true);
    positive(options.resolutionFwhmKeV, 'resolutionFwhmKeV', true);
    positive(options.backgroundPerSPerKeV, 'backgroundPerSPerKeV', true);
    positive(options.inputPerRecorded, 'inputPerRecorded');
    positive(options.depositSampleIntervalS, 'depositSampleIntervalS');
    positive(options.depositDepthStepNm, 'depositDepthStepNm');
    positive(options.electrolyteDepthStepNm, 'electrolyteDepthStepNm');
    this.history = new DepositHistory(options.maxHistorySamples);
    this.beam = new BeamLog(options.maxHistorySamples);
    this.calibration = checkedCalibration(options.energyCalibration.keV, options.energyCalibration.channels);
    this.depositStack = { detectorAngleDeg: options.detectorAngleDeg, layers: [...options.collector, { material: 'Li', thicknessNm: null }] };
    this.depositReachNm = new BranchDepthMap(this.depositStack, 'triton').maxDepthNm;
    const reaches = new Map<number, number>();
    this.electrolyteReachNm = (liPerCm3) => {
      let reach = reaches.get(liPerCm3);
      if (reach === undefined) {
        reach = new BranchDepthMap({ detectorAngleDeg: options.detectorAngleDeg, layers: [...options.collector, { material: carbonateElectrolyte(liPerCm3), thicknessNm: null }] }, 'triton').maxDepthNm;
        // One or two concentrations per lab: the bound only guards against a cell that changes it continuously.
        if (reaches.size >= 16) reaches.clear();
        reaches.set(liPerCm3, reach);
      }
      return reach;
    };
  }

  /**
   * From now on the sample's Li is what `deposit` says, sampled every
   * `depositSampleIntervalS` of lab time (and at every request of the DP5)
   * so that a stretch of minutes follows a growing deposit; `sampled: false`
   * for a deposit that never changes. Returns the undo: no Li from then on.
   */
  follow(deposit: () => LiDepositState, { sampled = true }: { sampled?: boolean } = {}): () => void {
    this.stopSampling();
    // The old deposit up to now, the new one from now: a step at this instant.
    this.sampleNow();
    this.provider = deposit;
    this.sampleNow();
    if (sampled) this.startSampling();
    return () => {
      if (this.provider !== deposit) return;
      this.stopSampling();
      this.sampleNow();
      this.provider = () => NO_LI;
      this.sampleNow();
    };
  }

  /** The reactor's power as a fraction of nominal from now on (0 = beam off): Li counts, background and monitor follow it. */
  setBeamFraction(fraction: number): void {
    if (!(fraction >= 0 && Number.isFinite(fraction))) throw new RangeError(`NDP source: the beam fraction must be >= 0, got ${fraction}`);
    this.beam.set(this.clock.nowNs(), fraction);
  }

  get beamFraction(): number {
    return this.beam.current();
  }

  /** The energy calibration of a spectrum of `channels` channels. */
  energyCalibrationKeV(channels: number): EnergyCalibrationKeV {
    return splitChannels(this.calibration, channels);
  }

  /**
   * The instrument reading this detector records its calibration with every
   * spectrum, so the source must follow the same one: the instrument's
   * (lab-file `energyCalibrationKeV`, for its `channels`) when it has one;
   * otherwise the instrument takes the source's. Returns the calibration both
   * use for `channels`.
   */
  agreeEnergyCalibration(channels: number, instrumentKeV: EnergyCalibrationKeV | null): EnergyCalibrationKeV {
    if (instrumentKeV) {
      this.calibration = checkedCalibration(instrumentKeV, channels);
      this.depositCache = null;
      this.electrolyteCache = null;
    }
    return this.energyCalibrationKeV(channels);
  }

  /** The DP5 has accumulated (or, disabled, skipped) everything before `upToNs`: a sample now, and what no later stretch needs is forgotten. */
  settle(upToNs: bigint): void {
    this.sampleNow();
    this.history.forgetBefore(upToNs);
    this.beam.forgetBefore(upToNs);
  }

  accumulate(fromNs: bigint, toNs: bigint, channels: number): SourceAccumulation {
    const seconds = Number(toNs - fromNs) / 1e9;
    this.sampleNow();
    const stretch = this.history.integrate(fromNs, toNs, this.beam);
    const counts = new Float64Array(channels);
    const beamSeconds = stretch.beamSeconds;
    if (beamSeconds > 0) {
      const calibration = this.energyCalibrationKeV(channels);
      const calibrationKey = `${channels}|${calibration.join(',')}`;
      const deposit = this.depositPerS(stretch, calibrationKey, calibration, channels);
      const electrolyte = this.electrolytePerS(stretch, calibrationKey, calibration, channels);
      const background = this.options.backgroundPerSPerKeV;
      for (let c = 0; c < channels; c++) {
        const widthKeV = channelEnergyKeV(calibration, c + 0.5) - channelEnergyKeV(calibration, c - 0.5);
        counts[c] = beamSeconds * (deposit[c]! + (electrolyte ? electrolyte[c]! : 0) + background * widthKeV);
      }
    }
    let total = 0;
    for (let c = 0; c < channels; c++) total += counts[c]!;
    return {
      counts,
      monitorCounts: this.options.monitorPerS * beamSeconds,
      inputRatePerS: seconds > 0 ? (total * this.options.inputPerRecorded) / seconds : 0,
    };
  }

  /** Stops sampling (the simulator closes). */
  close(): void {
    this.stopSampling();
  }

  /**
   * Counts per beam-second of the deposit over the stretch: the profile in
   * depth of dense Li (see the class comment), each sample's Li from the
   * face down to its depth, weighted by its share of the stretch.
   */
  private depositPerS(stretch: StretchIntegral, calibrationKey: string, calibration: EnergyCalibrationKeV, channels: number): Float64Array {
    const first = stretch.shares[0]?.sample.depositLiPerCm2 ?? 0;
    const steady = stretch.shares.every((s) => s.sample.depositLiPerCm2 === first);
    const key = steady ? `${calibrationKey}|${first}` : null;
    if (key !== null && this.depositCache?.key === key) return this.depositCache.perS;

    const step = this.options.depositDepthStepNm;
    const depthOf = (s: DepositSample) => Math.min((s.depositLiPerCm2 / DENSE_LITHIUM_ATOMS_PER_CM3) * NM_PER_CM, this.depositReachNm + step);
    let deepest = 0;
    for (const { sample } of stretch.shares) deepest = Math.max(deepest, depthOf(sample));
    const bins = Math.ceil(deepest / step);
    // Coverage of each bin, as a share of the stretch: a difference array for the whole bins, the partial one added directly.
    const whole = new Float64Array(bins + 1);
    const partial = new Float64Array(bins + 1);
    for (const { sample, beamSeconds } of stretch.shares) {
      const share = beamSeconds / stretch.beamSeconds;
      const depthBins = depthOf(sample) / step;
      const full = Math.floor(depthBins);
      whole[0] = whole[0]! + share;
      whole[full] = whole[full]! - share;
      partial[full] = partial[full]! + share * (depthBins - full);
    }
    const liPerBin = DENSE_LITHIUM_ATOMS_PER_CM3 * (step / NM_PER_CM);
    const profile = new Float64Array(bins);
    let covered = 0;
    for (let i = 0; i < bins; i++) {
      covered += whole[i]!;
      profile[i] = Math.max(0, (covered + partial[i]!) * liPerBin);
    }
    const perS = this.spectrumPerS({ depthStepNm: step, liPerCm2: profile }, this.depositStack, calibration, channels);
    if (key !== null) this.depositCache = { key, perS };
    return perS;
  }

  /** Counts per beam-second of the electrolyte's Li behind the deposit's time-averaged depth, or null without any. */
  private electrolytePerS(stretch: StretchIntegral, calibrationKey: string, calibration: EnergyCalibrationKeV, channels: number): Float64Array | null {
    let liPerCm3 = 0;
    let depositNm = 0;
    for (const { sample, beamSeconds } of stretch.shares) {
      const share = beamSeconds / stretch.beamSeconds;
      liPerCm3 += share * sample.electrolyteLiPerCm3;
      depositNm += share * (sample.depositLiPerCm2 / DENSE_LITHIUM_ATOMS_PER_CM3) * NM_PER_CM;
    }
    // No electrolyte, or beyond the reach of every triton.
    if (!(liPerCm3 > 0) || depositNm >= this.depositReachNm) return null;
    // The cell's concentration is a constant: take it exactly, so the material (and its range tables) is made once, not per rounding of a mean.
    const first = stretch.shares[0]!.sample.electrolyteLiPerCm3;
    const concentration = stretch.shares.every((s) => s.sample.electrolyteLiPerCm3 === first) ? first : liPerCm3;
    // 0.1 nm of dense Li moves a spectrum by a thousandth of a keV: the same spectrum.
    const key = `${calibrationKey}|${depositNm.toFixed(1)}|${concentration}`;
    if (this.electrolyteCache?.key === key) return this.electrolyteCache.perS;
    const stack: NdpStack = {
      detectorAngleDeg: this.options.detectorAngleDeg,
      layers: [...this.options.collector, { material: 'Li', thicknessNm: depositNm }, { material: carbonateElectrolyte(concentration), thicknessNm: null }],
    };
    const profile = { depthStepNm: this.options.electrolyteDepthStepNm, maxDepthNm: this.electrolyteReachNm(concentration), liPerCm3: () => concentration };
    const perS = this.spectrumPerS(profile, stack, calibration, channels);
    this.electrolyteCache = { key, perS };
    return perS;
  }

  private spectrumPerS(profile: NdpProfileInput, stack: NdpStack, calibration: EnergyCalibrationKeV, channels: number): Float64Array {
    return expectedSpectrum({
      profile,
      stack,
      calibrationCountsPerSPerLiPerCm2: this.options.calibrationCountsPerSPerLiPerCm2,
      liveTimeS: 1,
      resolutionFwhmKeV: this.options.resolutionFwhmKeV,
      energyCalibrationKeV: calibration,
      channels,
    });
  }

  private sampleNow(): void {
    const state = this.provider();
    let depositLiPerCm2 = 0;
    for (const layer of state.layers) depositLiPerCm2 += Math.max(0, layer.toNm - layer.fromNm) * (layer.liPerCm3 / NM_PER_CM);
    this.history.record({ atNs: this.clock.nowNs(), depositLiPerCm2, electrolyteLiPerCm3: state.electrolyteLiPerCm3 });
  }

  private startSampling(): void {
    const controller = new AbortController();
    this.sampling = controller;
    const intervalMs = this.options.depositSampleIntervalS * 1000;
    const loop = async () => {
      for (;;) {
        await this.clock.sleep(intervalMs, controller.signal);
        this.sampleNow();
      }
    };
    loop().catch((e: unknown) => {
      if (controller.signal.aborted) return;
      // A provider that throws is a bug of the cell: said once, and the deposit holds its last sample.
      this.logger.error({ err: errorMessage(e) }, 'NDP source: sampling the deposit failed; it is no longer followed');
    });
  }

  private stopSampling(): void {
    this.sampling?.abort();
    this.sampling = null;
  }
}

/** A calibration that increases over the channels (the forward model bins by it); a RangeError otherwise. */
function checkedCalibration(keV: EnergyCalibrationKeV, channels: number): { keV: EnergyCalibrationKeV; channels: number } {
  const [c0, c1, c2] = keV;
  if (!(Number.isInteger(channels) && channels >= 2)) throw new RangeError(`NDP source: channels must be an integer >= 2, got ${channels}`);
  if (!keV.every(Number.isFinite) || !(c1 - c2 > 0 && c1 + 2 * c2 * (channels - 0.5) > 0)) {
    throw new RangeError(`NDP source: the energy calibration ${c0}, ${c1}, ${c2} keV does not increase over channels 0..${channels - 1}`);
  }
  return { keV: [c0, c1, c2], channels };
}

/**
 * The calibration at another channel count: the ADC's range stays and is
 * split into `channels` channels. Channel ch (edges ch -+ 1/2) of the new
 * count lies at x = (ch + 1/2) r - 1/2 of the old, r = old/new channels.
 */
function splitChannels({ keV, channels: from }: { keV: EnergyCalibrationKeV; channels: number }, channels: number): EnergyCalibrationKeV {
  if (channels === from) return keV;
  const [c0, c1, c2] = keV;
  const r = from / channels;
  const a = (r - 1) / 2;
  return [c0 + c1 * a + c2 * a * a, (c1 + 2 * c2 * a) * r, c2 * r * r];
}
