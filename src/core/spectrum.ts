/**
 * One multichannel-analyser spectrum as every part of operando sees it: the
 * MCA driver reads it, the spectrum files read and write it, the NDP
 * reduction takes it, the NDP simulator makes it.
 */
export interface McaSpectrum {
  /** Counts per channel, channel 0 first. */
  readonly counts: Uint32Array;
  /** Seconds the MCA was counting (dead time excluded); null when the source does not say. */
  readonly liveTimeS: number | null;
  /** Seconds of the acquisition by the clock; null when the source does not say. */
  readonly realTimeS: number | null;
  /** Start of the acquisition, ns since the Unix epoch (lab clock, or the file's date); null when unknown. */
  readonly startNs: bigint | null;
  /** E (keV) = c0 + c1 ch + c2 ch^2; null when unknown or all zero (no valid calibration). */
  readonly energyCalibrationKeV: readonly [number, number, number] | null;
}

/** The energy of channel `channel` (keV) under a calibration. */
export function channelEnergyKeV(calibration: readonly [number, number, number], channel: number): number {
  const [c0, c1, c2] = calibration;
  return c0 + c1 * channel + c2 * channel * channel;
}

/** Total counts of a spectrum (a loop: a spectrum may hold 2^16 channels). */
export function totalCounts(counts: Uint32Array): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  return total;
}
