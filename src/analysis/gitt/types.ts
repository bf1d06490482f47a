/** One GITT run as measured: equal-length arrays, time strictly increasing. */
export interface GittSeries {
  readonly timeS: Float64Array;
  readonly voltageV: Float64Array;
  /** Positive = charge (oxidation of the working electrode, ions leave the host). */
  readonly currentA: Float64Array;
}

/**
 * What is known of the sample. The Weppner-Huggins geometry is either the
 * mass set (massG, molarVolumeCm3PerMol, molarMassGPerMol, areaCm2) or the
 * particle radius of spherical particles, not both.
 */
export interface GittSample {
  readonly massG?: number;
  readonly molarVolumeCm3PerMol?: number;
  readonly molarMassGPerMol?: number;
  /** Electrode-electrolyte contact area. */
  readonly areaCm2?: number;
  readonly particleRadiusCm?: number;
  /**
   * Charge that changes x by one (z F n, n moles of host), in mAh. Used for
   * the composition when massG and molarMassGPerMol are not given. For a host
   * that takes several ions per formula unit this is its full capacity divided
   * by that number.
   */
  readonly theoreticalCapacityMah?: number;
  /** Composition before the first pulse; x after each pulse is reported when given. */
  readonly initialX?: number;
  /** z, charge number of the mobile ion (1 for Li+). */
  readonly electronsPerIon?: number;
}

/** Result of one pulse and its following rest; null where the data cannot give the value (see warnings). */
export interface GittPulseResult {
  /** Pulse number in the run, from 1. */
  readonly index: number;
  readonly startS: number;
  /** tau, the duration of the current pulse (never the rest). */
  readonly durationS: number;
  /** Time-averaged pulse current. */
  readonly currentA: number;
  /** Relaxed voltage before the pulse. */
  readonly e0V: number | null;
  /** Relaxed voltage at the end of the following rest. */
  readonly esV: number | null;
  readonly dEsV: number | null;
  /** Voltage change during the pulse, IR step excluded. */
  readonly dEtV: number | null;
  /** V(t_on+) - V(t_on-). */
  readonly irDropV: number | null;
  readonly resistanceOhm: number | null;
  /** Weppner-Huggins D from dEs/dEt. */
  readonly diffusionCm2PerS: number | null;
  /** D from the slope of V against sqrt(t) during the pulse. */
  readonly diffusionSqrtTCm2PerS: number | null;
  /** R^2 of the line V(sqrt(t)) during the pulse. */
  readonly sqrtTR2: number | null;
  /** Composition after the pulse. */
  readonly x: number | null;
  readonly warnings: readonly string[];
}

export interface GittAnalysis {
  readonly pulses: GittPulseResult[];
  /** Warnings that concern the whole run (per-pulse ones are in each pulse). */
  readonly warnings: string[];
  /** The pulse current the segmentation used (given, or estimated from the data). */
  readonly pulseCurrentA: number;
}
