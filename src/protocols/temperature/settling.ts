import { linearRegression } from '../../analysis/numeric/linear-regression.js';
import { extent } from '../../core/extent.js';

export interface SettlingCriteria {
  readonly bandK: number;
  readonly maxRateKPerS: number;
  readonly holdS: number;
}

export interface TemperatureSample {
  /** Lab time, seconds. */
  readonly timeS: number;
  /** Measured temperature; NaN on sensor break. */
  readonly temperatureK: number;
}

/** Mean and spread of measured temperatures (sd with n - 1; 0 for one sample). */
export interface TemperatureStats {
  readonly meanK: number;
  readonly sdK: number;
  readonly minK: number;
  readonly maxK: number;
  readonly samples: number;
}

export interface SettlingVerdict {
  readonly settled: boolean;
  /** Slope of T over the hold window once it spans the hold time. */
  readonly rateKPerS: number | null;
  /** The in-band samples of the window, once it spans the hold time. */
  readonly window: TemperatureStats | null;
}

/** The regression needs three points for a meaningful slope. */
const MIN_SAMPLES = 3;

/**
 * Decides when a temperature has settled at its setpoint: every sample of the
 * last `holdS` (and the one at its start) lies within the band, and the
 * least-squares slope of T over that window is below the rate limit. A sample
 * outside the band, or a sensor break, starts the hold again, so the verdict
 * can only come after a full hold time of in-band samples.
 */
export class SettlingDetector {
  private window: TemperatureSample[] = [];

  constructor(
    readonly setpointK: number,
    readonly criteria: SettlingCriteria,
  ) {}

  /** Temperatures of the present window (in-band samples, oldest first). */
  get windowK(): number[] {
    return this.window.map((s) => s.temperatureK);
  }

  push(sample: TemperatureSample): SettlingVerdict {
    const { bandK, maxRateKPerS, holdS } = this.criteria;
    if (!(Math.abs(sample.temperatureK - this.setpointK) < bandK)) {
      this.window = [];
      return { settled: false, rateKPerS: null, window: null };
    }
    this.window.push(sample);
    const startS = sample.timeS - holdS;
    // Keep the last sample at or before the start of the hold: the window then spans at least holdS.
    while (this.window.length > 1 && this.window[1]!.timeS <= startS) this.window.shift();
    if (this.window[0]!.timeS > startS || this.window.length < MIN_SAMPLES) return { settled: false, rateKPerS: null, window: null };
    const rateKPerS = linearRegression(
      this.window.map((s) => s.timeS - startS),
      this.window.map((s) => s.temperatureK),
    ).slope;
    return { settled: Math.abs(rateKPerS) < maxRateKPerS, rateKPerS, window: temperatureStats(this.windowK) };
  }
}

export function temperatureStats(temperaturesK: readonly number[]): TemperatureStats {
  const n = temperaturesK.length;
  if (n === 0) throw new RangeError('temperature statistics need at least one sample');
  const meanK = temperaturesK.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? temperaturesK.reduce((a, t) => a + (t - meanK) ** 2, 0) / (n - 1) : 0;
  const range = extent(temperaturesK);
  return { meanK, sdK: Math.sqrt(variance), minK: range?.min ?? Number.NaN, maxK: range?.max ?? Number.NaN, samples: n };
}
