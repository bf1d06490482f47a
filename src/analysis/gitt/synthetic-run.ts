import type { GittSeries } from './types.js';

/**
 * A GITT run computed from the closed-form short-time solution, for tests and
 * demos: at rest V = E0; during pulse k V = E0 + I R + k sqrt(t - t_on); after
 * it the IR step vanishes and V relaxes to Es, reached halfway through the
 * rest, as the flux switched off does in a semi-infinite solid (sqrt(tau + s) -
 * sqrt(s), s from the switch-off) less a term linear in s that brings it to Es
 * in finite time. dEs is chosen so that the Weppner-Huggins D of pulse k is
 * `diffusionCm2PerS[k]` exactly. (src/analysis/gitt/sphere-gitt.test-support.ts
 * has the exact sphere for tests of accuracy.)
 */
export interface SyntheticGittOptions {
  readonly initialVoltageV: number;
  readonly currentA: number;
  readonly resistanceOhm: number;
  /** dV/dsqrt(t) during a pulse, IR step excluded. */
  readonly sqrtSlopeVPerSqrtS: number;
  readonly pulseS: number;
  readonly restS: number;
  readonly firstRestS: number;
  /** V/S of the active material (m V_M/(M S), or r/3). */
  readonly volumePerAreaCm: number;
  /** One per pulse. */
  readonly diffusionCm2PerS: readonly number[];
  /** Longest gap between samples; gaps are random in (0.2, 1] of it, and every step's start and end is sampled. */
  readonly maxIntervalS: number;
  /** Standard deviation of the voltage noise. */
  readonly noiseV?: number;
  /** Relative standard deviation of the current noise during pulses. */
  readonly currentNoise?: number;
  /** Leaves out the rest after the last pulse. */
  readonly omitFinalRest?: boolean;
  readonly seed?: number;
}

export function syntheticGittRun(o: SyntheticGittOptions): GittSeries {
  const random = uniformRandom(o.seed ?? 1);
  const noise = gaussianNoise(o.seed ?? 1);
  const t: number[] = [];
  const v: number[] = [];
  const i: number[] = [];
  const sampleStep = (from: number, to: number, at: (dt: number) => [number, number], includeStart: boolean) => {
    let time = includeStart ? from : from + o.maxIntervalS * (0.2 + 0.8 * random());
    while (time < to) {
      const [volt, amp] = at(time - from);
      t.push(time);
      v.push(volt + (o.noiseV ?? 0) * noise());
      i.push(amp);
      time += o.maxIntervalS * (0.2 + 0.8 * random());
    }
    const [volt, amp] = at(to - from);
    t.push(to);
    v.push(volt + (o.noiseV ?? 0) * noise());
    i.push(amp);
  };
  let e0 = o.initialVoltageV;
  let clock = 0;
  sampleStep(clock, o.firstRestS, () => [e0, 0], true);
  clock = o.firstRestS;
  const ir = o.currentA * o.resistanceOhm;
  o.diffusionCm2PerS.forEach((d, k) => {
    const start = e0;
    const dEt = o.sqrtSlopeVPerSqrtS * Math.sqrt(o.pulseS);
    // Inverts D = 4/(pi tau) (V/S)^2 (dEs/dEt)^2; dEs has the sign of dEt.
    const dEs = (dEt * Math.sqrt(d * Math.PI * o.pulseS)) / (2 * o.volumePerAreaCm);
    // The pulse starts a hair after the last rest sample, as an instrument records a step change.
    const on = clock + 1e-3;
    sampleStep(on, on + o.pulseS, (dt) => [start + ir + o.sqrtSlopeVPerSqrtS * Math.sqrt(dt), o.currentA * (1 + (o.currentNoise ?? 0) * noise())], true);
    clock = on + o.pulseS;
    const es = start + dEs;
    const afterIr = start + dEt;
    const last = k === o.diffusionCm2PerS.length - 1;
    if (!(last && o.omitFinalRest)) {
      sampleStep(clock, clock + o.restS, (dt) => [es + (afterIr - es) * relaxation(dt, o.pulseS, 0.5 * o.restS), 0], false);
      clock += o.restS;
    }
    e0 = es;
  });
  return { timeS: Float64Array.from(t), voltageV: Float64Array.from(v), currentA: Float64Array.from(i) };
}

/**
 * From 1 at the switch-off to 0 at `endS` and after: (sqrt(tau + s) - sqrt(s))/sqrt(tau), the
 * semi-infinite solid's relaxation, less the line through its value at `endS`.
 */
function relaxation(s: number, pulseS: number, endS: number): number {
  if (s >= endS) return 0;
  const shape = (x: number) => (Math.sqrt(pulseS + x) - Math.sqrt(x)) / Math.sqrt(pulseS);
  return shape(s) - (s / endS) * shape(endS);
}

/** Uniform numbers in [0, 1) from a seed (mulberry32): reproducible noise for synthetic data. */
function uniformRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), a | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal numbers from a seed (Box-Muller over `uniformRandom`). */
export function gaussianNoise(seed: number): () => number {
  const random = uniformRandom(seed ^ 0x9e3779b9);
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
