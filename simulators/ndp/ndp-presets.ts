import { DENSE_LITHIUM_ATOMS_PER_CM3 } from '../../src/analysis/ndp/constants.js';
import type { Clock } from '../../src/core/clock.js';
import type { Logger } from '../../src/core/logger.js';
import type { LiDepositState } from '../potentiostat/cell/li-plating-cell.js';
import { NdpSpectrumSource, type NdpSourceOptions } from './ndp-source.js';
import type { McaSourcePresetName } from './preset-names.js';
import { SPECTRUM_SOURCE_PRESETS, SteadySpectrumSource, type SpectrumSource } from './spectrum-source.js';

/**
 * The neutron beam, the detector and the sample holder of the NDP presets,
 * with where each value comes from. The lab file may override the first four
 * (`ndp:` of an MCA simulator entry).
 */
export const NDP_SOURCE_DEFAULTS: NdpSourceOptions = {
  /**
   * K: 1e-17 counts/s per Li/cm2 in one branch. Order of magnitude: 7.6 % 6Li
   * x 940 b x 1e9 n/cm2/s (a cold neutron guide) gives 7e-17 captures/s per
   * Li/cm2 over 1 cm2 of sample, and a detector close to it takes a seventh
   * of the solid angle: an intense beam and a close detector (made up within
   * that range; the analysis tests and the CLI demo use the same). 1 mAh/cm2
   * then gives 225 counts/s per branch: a spectrum of 10 min holds 1.3e5.
   */
  calibrationCountsPerSPerLiPerCm2: 1e-17,
  /** A fission-chamber beam monitor: 1000 counts/s at nominal flux (made up; the rate the NDP protocol's examples give, `--monitor-rate "1000 /s"`). */
  monitorPerS: 1000,
  /** A silicon surface-barrier detector for MeV alphas: 15 keV FWHM (typical; the analysis tests use the same). */
  resolutionFwhmKeV: 15,
  /**
   * 0.75 keV per channel at 4096 channels, from 0: 3072 keV full scale, above
   * the triton's 2727 keV birth energy. An instrument's lab-file calibration
   * replaces it (the instrument records the one the spectra follow).
   */
  energyCalibration: { keV: [0, 0.75, 0], channels: 4096 },
  /**
   * 0.005 counts/s per keV (15 counts/s over the 3 MeV range, 13 counts per
   * channel in an hour): beam-induced gammas and fast neutrons in the
   * detector, low against the Li signal as in NDP of micrometre deposits
   * (made up).
   */
  backgroundPerSPerKeV: 0.005,
  /** Events below the threshold (noise, gammas) add a fifth at the input (as the two-peak source). */
  inputPerRecorded: 1.2,
  /** Operando NDP cells look at the Li through their 1 um Cu collector, perpendicular to the detector. */
  collector: [{ material: 'Cu', thicknessNm: 1000 }],
  detectorAngleDeg: 0,
  /**
   * 5 lab s between samples of a followed deposit: plating at 1 mA/cm2 adds
   * 7 nm of dense Li in that time (11 nm of the Li-on-Cu cell's 60 %
   * deposit), a tenth of the depth resolution; the potentiostat simulator
   * moves its cell at its own sample times anyway.
   */
  depositSampleIntervalS: 5,
  /** 10 nm bins of dense Li: about 0.1 keV of triton and 1 keV of alpha energy, far inside the 15 keV resolution (and a bin holds its exact Li). */
  depositDepthStepNm: 10,
  /** 50 nm bins of electrolyte: uniform Li, so each bin's particles spread evenly over its energies either way. */
  electrolyteDepthStepNm: 50,
  /** 20000 samples: 28 h of lab time at 5 s between two acquisitions (a cell at rest keeps two). */
  maxHistorySamples: 20_000,
};

/** The fixed sample of `ndp-li-layer`: 5 um of dense Li on the collector, nothing behind it. */
export const NDP_LI_LAYER: LiDepositState = {
  activeLiPerCm2: DENSE_LITHIUM_ATOMS_PER_CM3 * 5e-4,
  inactiveLiPerCm2: 0,
  layers: [{ fromNm: 0, toNm: 5000, liPerCm3: DENSE_LITHIUM_ATOMS_PER_CM3 }],
  electrolyteLiPerCm3: 0,
};

/** What a lab file may change of the NDP presets. */
export type NdpOverrides = Partial<Pick<NdpSourceOptions, 'calibrationCountsPerSPerLiPerCm2' | 'monitorPerS' | 'resolutionFwhmKeV' | 'backgroundPerSPerKeV'>>;

/**
 * The spectrum source of a preset: the two peaks, or the NDP model with the
 * fixed layer (`ndp-li-layer`) or with no Li until a cell is followed
 * (`ndp-li-on-cu`: the lab follows its `sample`).
 */
export function spectrumSourceForPreset(preset: McaSourcePresetName, overrides: NdpOverrides, clock: Clock, logger: Logger): SpectrumSource {
  if (preset === 'two-peaks') return new SteadySpectrumSource(SPECTRUM_SOURCE_PRESETS['two-peaks']);
  const source = new NdpSpectrumSource({ ...NDP_SOURCE_DEFAULTS, ...overrides }, clock, logger);
  if (preset === 'ndp-li-layer') source.follow(() => NDP_LI_LAYER, { sampled: false });
  return source;
}
