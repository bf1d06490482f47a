/**
 * Where the simulated MCA's counts come from: the physics in front of the
 * detector. The DP5 device (dp5-device.ts) asks for each stretch of lab time
 * it accumulates, draws Poisson counts from the expectations and applies its
 * dead time; a source only says what reaches the detector. The physical NDP
 * model (a neutron beam on a Li-containing cell) plugs in here.
 */
export interface SpectrumSource {
  /**
   * What arrives between `fromNs` and `toNs` (lab clock, ns since the Unix
   * epoch) for a spectrum of `channels` channels: the expected counts per
   * channel (before dead time), the expected counts of the beam monitor on
   * the general-purpose counter, and the mean rate of events at the
   * detector input (those below the lower threshold included), which sets the
   * dead time.
   */
  accumulate(fromNs: bigint, toNs: bigint, channels: number): SourceAccumulation;
  /**
   * Told at every request the device serves, enabled or not, once it has
   * accumulated (or, disabled, skipped) everything before `upToNs`: no later
   * stretch starts earlier. A source whose physics moves on without it (a
   * deposit growing on a cell) samples it then, so that the next stretch
   * starts from the state at its start, and forgets what it kept for
   * earlier stretches.
   */
  settle?(upToNs: bigint): void;
}

export interface SourceAccumulation {
  readonly counts: Float64Array;
  readonly monitorCounts: number;
  readonly inputRatePerS: number;
}

export interface Peak {
  /** Centre as a fraction of the channel range (0..1), so a spectrum looks alike at any channel count. */
  readonly centre: number;
  /** Full width at half maximum, as a fraction of the channel range. */
  readonly fwhm: number;
  /** Counts per second in the peak. */
  readonly ratePerS: number;
}

export interface TwoPeakSourceOptions {
  readonly peaks: readonly Peak[];
  /** Counts per second spread evenly over all channels. */
  readonly backgroundPerS: number;
  /** Beam monitor counts per second. */
  readonly monitorPerS: number;
  /** Input events per recorded event (noise and events below the threshold count at the input too). */
  readonly inputPerRecorded: number;
}

/** Two peaks on a flat background, a steady monitor: enough to test acquisitions, not physics. */
export const TWO_PEAKS: TwoPeakSourceOptions = {
  peaks: [
    { centre: 0.35, fwhm: 0.02, ratePerS: 1500 },
    { centre: 0.72, fwhm: 0.03, ratePerS: 800 },
  ],
  backgroundPerS: 200,
  monitorPerS: 500,
  inputPerRecorded: 1.2,
};

/** Built-in sources by the name a simulator entry gives (`preset`). */
export const SPECTRUM_SOURCE_PRESETS = { 'two-peaks': TWO_PEAKS } as const;
export type SpectrumSourcePresetName = keyof typeof SPECTRUM_SOURCE_PRESETS;

/**
 * Steady rates of Gaussian peaks on a flat background: the expected counts
 * grow in proportion to the time asked for. The shape of each channel count
 * is computed once (the Gaussian integrated over each channel's width).
 */
export class SteadySpectrumSource implements SpectrumSource {
  private readonly shapes = new Map<number, Float64Array>();
  private readonly totalPerS: number;

  constructor(private readonly options: TwoPeakSourceOptions = TWO_PEAKS) {
    this.totalPerS = options.backgroundPerS + options.peaks.reduce((sum, p) => sum + p.ratePerS, 0);
  }

  accumulate(fromNs: bigint, toNs: bigint, channels: number): SourceAccumulation {
    const seconds = Number(toNs - fromNs) / 1e9;
    const rates = this.ratesPerChannel(channels);
    const counts = new Float64Array(channels);
    for (let i = 0; i < channels; i++) counts[i] = rates[i]! * seconds;
    return { counts, monitorCounts: this.options.monitorPerS * seconds, inputRatePerS: this.totalPerS * this.options.inputPerRecorded };
  }

  /** Counts per second in each channel. */
  private ratesPerChannel(channels: number): Float64Array {
    let rates = this.shapes.get(channels);
    if (rates) return rates;
    rates = new Float64Array(channels).fill(this.options.backgroundPerS / channels);
    for (const peak of this.options.peaks) {
      const sigma = (peak.fwhm / (2 * Math.sqrt(2 * Math.LN2))) * channels;
      const centre = peak.centre * channels;
      for (let i = 0; i < channels; i++) {
        rates[i]! += peak.ratePerS * 0.5 * (erf((i + 1 - centre) / (sigma * Math.SQRT2)) - erf((i - centre) / (sigma * Math.SQRT2)));
      }
    }
    // The erf approximation may leave far tails a hair below zero; an expectation is never negative.
    for (let i = 0; i < channels; i++) rates[i] = Math.max(0, rates[i]!);
    this.shapes.set(channels, rates);
    return rates;
  }
}

/** The error function (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7): peak shapes need no more. */
function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return sign * y;
}
