import { FARADAY_C_PER_MOL } from '../../core/physical-constants.js';
import { Random } from '../../../simulators/common/random.js';
import type { GittSeries } from './types.js';

/**
 * GITT transients of known resistance from an independent model: Crank's
 * exact eigenfunction series for a sphere under a constant surface flux (The
 * Mathematics of Diffusion, 2nd ed., 1975, eq. 6.45 at r = a), not the
 * short-time sqrt(t) solution the analyser and Weppner-Huggins assume, nor the
 * simulator's finite volumes:
 *
 *   x_s(t) - x_0 = (j r/D) phi(T),   T = D t/r^2,
 *   phi(T) = 3 T + 1/5 - 2 sum_n exp(-alpha_n^2 T)/alpha_n^2,   tan(alpha_n) = alpha_n
 *
 * with j the inward flux of x (x cm/s). Pulses and rests follow by
 * superposition (the flux switched on at t_on, off at t_on + tau), and the
 * terminal voltage is V = E0 + (dE/dx)(x_s - x_0) + I R: a linear OCV, so that
 * dEs is exactly (dE/dx) times the mean change of x and the ideal
 * Weppner-Huggins reading of the transient is known in closed form.
 */

/** Positive roots of tan(a) = a, computed once and extended as needed. */
const roots: number[] = [];

function root(n: number): number {
  while (roots.length < n) {
    const k = roots.length + 1;
    // In (k pi, k pi + pi/2), near (k + 1/2) pi - 1/((k + 1/2) pi); Newton on sin a - a cos a.
    let a = (k + 0.5) * Math.PI - 1 / ((k + 0.5) * Math.PI);
    for (let i = 0; i < 50; i++) {
      const step = (Math.sin(a) - a * Math.cos(a)) / (a * Math.sin(a));
      a -= step;
      if (Math.abs(step) < 1e-15 * a) break;
    }
    roots.push(a);
  }
  return roots[n - 1]!;
}

/**
 * phi(T) of Crank's series. Terms whose exponential is below e^-45 (1e-20)
 * are left out: at T = 1e-6 (a 1 s sample, D = 2e-11 cm2/s, r = 14 um) that
 * is some 2000 terms. phi(0) = 0 since sum 1/alpha_n^2 = 1/10.
 */
export function sphereSurfaceResponse(T: number): number {
  if (T <= 0) return 0;
  let sum = 0;
  for (let n = 1; ; n++) {
    const a = root(n);
    const exponent = a * a * T;
    if (exponent > 45) break;
    sum += Math.exp(-exponent) / (a * a);
  }
  return 3 * T + 0.2 - 2 * sum;
}

export interface SphereGittOptions {
  readonly radiusCm: number;
  readonly diffusionCm2PerS: number;
  /** Moles of host (m/M): a charge Q changes the mean x by -Q/(F n). */
  readonly hostMol: number;
  /** dE/dx of the (linear) OCV. */
  readonly slopeVPerX: number;
  readonly e0V: number;
  /** Negative discharges (ions enter, x rises). */
  readonly currentA: number;
  readonly resistanceOhm: number;
  readonly pulseS: number;
  readonly pulseIntervalS: number;
  readonly restIntervalS: number;
  readonly firstRestS: number;
  readonly restS: number;
  /**
   * When the switch comes after the last rest sample, and the first rest
   * sample after the last pulse sample (an instrument starts the next step a
   * little after the last sample of the previous one). Each step's samples
   * come one interval after its start, as a MethodSCRIPT loop sends them.
   */
  readonly stepGapS: number;
  readonly noiseV: number;
  readonly seed: number;
}

export interface SphereGittTruth {
  readonly irDropV: number;
  /** dEs from the mean change of x (the fully relaxed voltage). */
  readonly dEsV: number;
  /** dEt: the diffusion part of V(t_on + tau) - V(t_on), IR step excluded. */
  readonly dEtV: number;
  /** 4 r^2/(9 pi tau) (dEs/dEt)^2 with the exact dEs and dEt. */
  readonly idealDiffusionCm2PerS: number;
  /** Time of the switch-on. */
  readonly onS: number;
}

/** One pulse between two rests, sampled as an instrument does, with seeded Gaussian voltage noise. */
export function sphereGittPulse(o: SphereGittOptions): { series: GittSeries; truth: SphereGittTruth } {
  const random = new Random(o.seed);
  // Inward flux of x: the mean x changes by 3 j tau / r = -I tau/(F n).
  const fluxXCmPerS = (-o.currentA * o.radiusCm) / (3 * FARADAY_C_PER_MOL * o.hostMol);
  const scaleX = (fluxXCmPerS * o.radiusCm) / o.diffusionCm2PerS;
  const dimensionless = (s: number) => (o.diffusionCm2PerS * s) / o.radiusCm ** 2;
  const onS = o.firstRestS + o.stepGapS;
  const offS = onS + o.pulseS;
  const surfaceDx = (t: number) => scaleX * (sphereSurfaceResponse(dimensionless(t - onS)) - sphereSurfaceResponse(dimensionless(t - offS)));
  const t: number[] = [];
  const v: number[] = [];
  const i: number[] = [];
  const add = (time: number, currentA: number) => {
    t.push(time);
    v.push(o.e0V + o.slopeVPerX * surfaceDx(time) + currentA * o.resistanceOhm + random.gaussian(0, o.noiseV));
    i.push(currentA);
  };
  for (let k = 0; k * o.restIntervalS <= o.firstRestS + 1e-9; k++) add(k * o.restIntervalS, 0);
  const pulseSamples = Math.round(o.pulseS / o.pulseIntervalS);
  for (let k = 1; k <= pulseSamples; k++) add(onS + k * o.pulseIntervalS, o.currentA);
  const restStartS = offS + o.stepGapS;
  const restSamples = Math.round(o.restS / o.restIntervalS);
  for (let k = 1; k <= restSamples; k++) add(restStartS + k * o.restIntervalS, 0);

  const dEsV = o.slopeVPerX * ((3 * fluxXCmPerS * o.pulseS) / o.radiusCm);
  const dEtV = o.slopeVPerX * scaleX * sphereSurfaceResponse(dimensionless(o.pulseS));
  const idealDiffusionCm2PerS = ((4 * o.radiusCm ** 2) / (9 * Math.PI * o.pulseS)) * (dEsV / dEtV) ** 2;
  return {
    series: { timeS: Float64Array.from(t), voltageV: Float64Array.from(v), currentA: Float64Array.from(i) },
    truth: { irDropV: o.currentA * o.resistanceOhm, dEsV, dEtV, idealDiffusionCm2PerS, onS },
  };
}
