import type { McaSpectrum } from '../../core/spectrum.js';
import { depositThicknessNm, type SpectrumLi } from './li-efficiency.js';
import type { NdpReducer, NdpReduction } from './reduce.js';

/** One spectrum of an operando run as its MCA stream stores it. */
export interface CountedSpectrum {
  readonly startNs: bigint;
  readonly counts: Uint32Array;
  readonly liveTimeS: number;
  readonly realTimeS: number;
  readonly monitorCounts: number;
  /** Flagged `monitor_low` by the protocol: reduced, and left out of every result. */
  readonly monitorLow: boolean;
}

export interface ReducedSpectrum {
  /** The reduction at the flux of the spectrum (K scaled by monitor rate / nominal). */
  readonly reduction: NdpReduction;
  readonly monitorFactor: number;
  readonly li: SpectrumLi;
}

/**
 * Reduces one spectrum of an operando run, live or from the store alike: the
 * reducer takes K at nominal flux, the neutron monitor says how far the flux
 * was from it; the spectrum's end is its start plus the MCA's own real time.
 * Throws the reducer's AnalysisError for a spectrum it cannot reduce.
 */
export function reduceCountedSpectrum(
  reducer: NdpReducer,
  spectrum: CountedSpectrum,
  options: { readonly nominalMonitorRatePerS: number; readonly energyCalibrationKeV: readonly [number, number, number] | null },
): ReducedSpectrum {
  const mca: McaSpectrum = {
    counts: spectrum.counts,
    liveTimeS: spectrum.liveTimeS,
    realTimeS: spectrum.realTimeS,
    startNs: spectrum.startNs,
    energyCalibrationKeV: options.energyCalibrationKeV,
  };
  const rate = spectrum.realTimeS > 0 ? spectrum.monitorCounts / spectrum.realTimeS : Number.NaN;
  const monitorFactor = rate / options.nominalMonitorRatePerS;
  const reduction = scaleByMonitor(reducer.reduce(mca), monitorFactor);
  const endNs = spectrum.startNs + BigInt(Math.round(spectrum.realTimeS * 1e9));
  return {
    reduction,
    monitorFactor,
    li: {
      startNs: spectrum.startNs,
      endNs,
      arealDensityLiPerCm2: reduction.arealDensityLiPerCm2,
      thicknessNm: depositThicknessNm(reduction.profile),
      excluded: spectrum.monitorLow || !(monitorFactor > 0),
    },
  };
}

/** Concentrations and areal density at the flux of the spectrum: the expected rate is K x monitor factor. */
function scaleByMonitor(reduction: NdpReduction, monitorFactor: number): NdpReduction {
  if (!(monitorFactor > 0) || monitorFactor === 1) return reduction;
  const f = 1 / monitorFactor;
  return {
    ...reduction,
    profile: reduction.profile.map((p) => ({ ...p, liPerCm3: p.liPerCm3 * f, relativeDensity: p.relativeDensity * f, uncertaintyLiPerCm3: p.uncertaintyLiPerCm3 * f })),
    arealDensityLiPerCm2: { value: reduction.arealDensityLiPerCm2.value * f, stderr: reduction.arealDensityLiPerCm2.stderr * f },
    equivalentMahPerCm2: reduction.equivalentMahPerCm2 * f,
    equivalentDenseLiUm: reduction.equivalentDenseLiUm * f,
  };
}
