/**
 * What the NDP source must remember of the past: the Li in the beam and the
 * beam's power over lab time. The DP5 asks for a stretch of lab time only
 * after it has passed (at its next request, minutes later while an
 * acquisition runs to its preset), when the cell has moved on; so the source
 * samples the deposit as time goes by and integrates over the samples when
 * asked.
 */

/** The Li in the beam at one instant, as much as the spectrum depends on (ndp-source.ts). */
export interface DepositSample {
  readonly atNs: bigint;
  /** Li of the deposit on the collector (atoms/cm2), all layers. */
  readonly depositLiPerCm2: number;
  /** Li of the electrolyte beyond the deposit (atoms/cm3). */
  readonly electrolyteLiPerCm3: number;
}

/** A stretch integrated: beam-seconds (seconds at nominal flux) and each sample's share of them. */
export interface StretchIntegral {
  readonly beamSeconds: number;
  /** Samples with a share > 0 and their share (beam-seconds), summing to `beamSeconds`. */
  readonly shares: ReadonlyArray<{ readonly sample: DepositSample; readonly beamSeconds: number }>;
}

const compare = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The beam's power over lab time, as a fraction of nominal: piecewise
 * constant, changed by `set`. Counts and monitor scale with it alike.
 */
export class BeamLog {
  /** The fraction before the first change kept. */
  private base = 1;
  private readonly changes: Array<{ readonly atNs: bigint; readonly fraction: number }> = [];

  constructor(private readonly maxChanges: number) {}

  set(atNs: bigint, fraction: number): void {
    const last = this.changes.at(-1);
    if (last && atNs <= last.atNs) this.changes.pop();
    this.changes.push({ atNs: last && atNs < last.atNs ? last.atNs : atNs, fraction });
    // Bounded: the oldest changes fold into the base (only stretches older than them would need them).
    if (this.changes.length > this.maxChanges) this.base = this.changes.shift()!.fraction;
  }

  /** The fraction in effect at `atNs` (set at or before it). */
  fractionAt(atNs: bigint): number {
    let fraction = this.base;
    for (const change of this.changes) {
      if (change.atNs > atNs) break;
      fraction = change.fraction;
    }
    return fraction;
  }

  /** The fraction in effect now. */
  current(): number {
    return this.changes.at(-1)?.fraction ?? this.base;
  }

  /** Times of changes strictly inside (fromNs, toNs). */
  changesWithin(fromNs: bigint, toNs: bigint): bigint[] {
    return this.changes.filter((c) => c.atNs > fromNs && c.atNs < toNs).map((c) => c.atNs);
  }

  /** Forgets what no stretch from `atNs` on needs. */
  forgetBefore(atNs: bigint): void {
    this.base = this.fractionAt(atNs);
    while (this.changes.length > 0 && this.changes[0]!.atNs <= atNs) this.changes.shift();
  }
}

/**
 * Samples of the deposit over lab time, taken in time order. Between two
 * samples the spectrum is interpolated linearly (a deposit grows linearly at
 * constant current); before the first and after the last the nearest one
 * holds. Two samples at the same instant are a step (a test or a lab file
 * changing the sample at once). Runs of equal samples are kept as their two
 * ends, so a cell at rest costs nothing; the list is bounded, the oldest
 * samples dropped first (a stretch reaching further back holds the oldest
 * one kept).
 */
export class DepositHistory {
  private readonly samples: DepositSample[] = [];

  constructor(private readonly maxSamples: number) {}

  get size(): number {
    return this.samples.length;
  }

  record(sample: DepositSample): void {
    const samples = this.samples;
    const last = samples.at(-1);
    // A clock never runs backwards here, but a sample must not break the order if it did.
    const atNs = last && sample.atNs < last.atNs ? last.atNs : sample.atNs;
    const same = (s: DepositSample | undefined) => s !== undefined && s.depositLiPerCm2 === sample.depositLiPerCm2 && s.electrolyteLiPerCm3 === sample.electrolyteLiPerCm3;
    if (same(last)) {
      // A run of equal samples: its end moves on (a step at the same instant stays a step).
      if (same(samples.at(-2)) && samples.at(-2)!.atNs < last!.atNs) samples[samples.length - 1] = { ...sample, atNs };
      else if (atNs > last!.atNs) samples.push({ ...sample, atNs });
      return;
    }
    samples.push({ ...sample, atNs });
    if (samples.length > this.maxSamples + (this.maxSamples >> 2)) samples.splice(0, samples.length - this.maxSamples);
  }

  /** Forgets the samples no stretch from `atNs` on needs: keeps the last one at or before it. */
  forgetBefore(atNs: bigint): void {
    const keep = this.lastAtOrBefore(atNs);
    if (keep > 0) this.samples.splice(0, keep);
  }

  /**
   * The integral over [fromNs, toNs] of the beam fraction times the
   * (linearly interpolated) deposit: each sample's share of the beam-seconds.
   * The stretch is cut at every sample and every change of the beam, so on
   * each piece the beam is constant and the deposit linear; a piece's
   * integral is its length times the mean of its two ends (trapezoid, exact
   * for a linear function).
   */
  integrate(fromNs: bigint, toNs: bigint, beam: BeamLog): StretchIntegral {
    const samples = this.samples;
    const shares = new Float64Array(samples.length);
    const points: bigint[] = [fromNs, toNs];
    for (const s of samples) if (s.atNs > fromNs && s.atNs < toNs) points.push(s.atNs);
    for (const t of beam.changesWithin(fromNs, toNs)) points.push(t);
    points.sort(compare);
    let beamSeconds = 0;
    for (let i = 0; i + 1 < points.length; i++) {
      const u = points[i]!;
      const v = points[i + 1]!;
      if (v <= u) continue;
      const weight = beam.fractionAt(u) * (Number(v - u) / 1e9);
      if (!(weight > 0)) continue;
      beamSeconds += weight;
      if (samples.length > 0) this.share(shares, u, v, weight);
    }
    const out: Array<{ sample: DepositSample; beamSeconds: number }> = [];
    shares.forEach((share, k) => {
      if (share > 0) out.push({ sample: samples[k]!, beamSeconds: share });
    });
    return { beamSeconds, shares: out };
  }

  /** Adds the piece [u, v] (no sample strictly inside) of `weight` beam-seconds to the shares of the samples around it. */
  private share(shares: Float64Array, u: bigint, v: bigint, weight: number): void {
    const last = this.samples.length - 1;
    const k = this.lastAtOrBefore(u);
    if (k < 0) {
      shares[0] = shares[0]! + weight;
      return;
    }
    if (k === last) {
      shares[last] = shares[last]! + weight;
      return;
    }
    const t0 = this.samples[k]!.atNs;
    const span = Number(this.samples[k + 1]!.atNs - t0);
    const alphaU = Number(u - t0) / span;
    const alphaV = Number(v - t0) / span;
    const toNext = 0.5 * (alphaU + alphaV);
    shares[k] = shares[k]! + weight * (1 - toNext);
    shares[k + 1] = shares[k + 1]! + weight * toNext;
  }

  /** Index of the last sample at or before `atNs` (after a step, the step's new side), or -1. */
  private lastAtOrBefore(atNs: bigint): number {
    let lo = 0;
    let hi = this.samples.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.samples[mid]!.atNs <= atNs) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }
}
