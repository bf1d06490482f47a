import { fitBasis, type BasisFit, type BasisFunction } from './basis-fit.js';
import type { RestSummary, StepSamples } from './rest.js';

/**
 * The IR step of a GITT pulse, read at the switch-on and again at the
 * switch-off, each by extrapolating the diffusion transient back to its switch.
 *
 * Why this way. Diffusion into a sphere of radius r under a constant flux
 * moves the surface as (r/D) (exp(T) erfc(-sqrt T) - 1), T = D t/r^2, up to
 * terms in exp(-1/T) (Laplace transform, large-s expansion); in t that is
 * V = V(t_on+) + b sqrt(t) + c t + O(t^3/2), with c/b = (sqrt(pi)/2) sqrt(D)/r.
 * A line in sqrt(t) leaves c t out and its intercept falls short of V(t_on+).
 * Fitting c as well removes that bias to the O(t^3/2) term, which grows as
 * the window^(3/2), and c also takes up what else is linear over a pulse: the
 * drift of a rest not fully relaxed, the curvature of the OCV. The price is
 * noise: a third parameter extrapolated to t = 0 amplifies it.
 *
 * The switch-off gives a second, independent reading. By superposition the
 * rest is the pulse's response minus the same response delayed by tau, so
 * after the switch-off at s = 0 (tau as unit)
 *   V = V(off+) - b (sqrt s - sqrt(1 + s) + 1) + gamma s + O(s^3/2):
 * the c t terms cancel and gamma keeps a drift. V(off-) comes from a fit of
 * the end of the pulse. The two readings are averaged with weights from their
 * variances. When they disagree beyond their noise (and by more than a
 * tolerance the model's own bias never reaches) the step is not what the
 * model says (not ohmic, the current not constant, the switch not where the
 * samples put it): the switch-on reading, the definition of the IR step, is
 * kept and the caller says so.
 *
 * The windows were chosen on Crank's exact sphere series
 * (sphere-gitt.test-support.ts; ir-step.test.ts) over r = 5 and 10 um,
 * D = 5e-12..1e-10 cm2/s, tau = 2..30 min, 1-10 s sampling, IR steps of 3 and
 * 15 mV, charge and discharge, 20 uV noise: with the first 30 % of the pulse
 * for the switch-on, its last 30 % for V(off-) and half a pulse of rest for
 * the switch-off, R came out within 1.8 % of the truth and D within 0.9 % of
 * the ideal Weppner-Huggins reading wherever tau D/r^2 < 0.07 (within 3.3 %
 * and 1.8 % up to 0.25, where the formula itself no longer holds). Half the
 * pulse for the switch-on gave 2.0 % and 1.2 %, and 4.1 % and 2.2 % up to
 * 0.25; a fit of the whole pulse for V(off-) (the O(t^3/2) misfit at its end)
 * and a rest window as long as the pulse, 4.6 % and 4.0 % up to 0.25. The
 * line in sqrt(t) over the first quarter it replaces: up to 21 % (rms 8 %) on
 * R and 5 % on D below 0.07. With 100 uV of noise a 3 mV step sampled every
 * 10 s is resolved only to some 6 %: noise, not bias (the rms over seeds is 2 %);
 * a 1 min pulse sampled every 10 s (6 samples) gives R within 1.8 % but D
 * only within 3.6 % at 20 uV, its dEt resting on a few noisy samples.
 */

/** The switch-on fit takes the first 30 % of the pulse: its O(t^3/2) bias grows as the window^(3/2). */
const SWITCH_ON_WINDOW = 0.3;
/** ... but at least this many samples (all of a short, coarse pulse), so the extrapolation is not left to 3 points. */
const SWITCH_ON_MIN_SAMPLES = 6;
/** V(off-) is read from a fit of the last 30 % of the pulse (at least 6 samples), as smooth there as the start is not. */
const PULSE_END_WINDOW = 0.3;
/** The switch-off fit takes a rest window half as long as the pulse ... */
const SWITCH_OFF_WINDOW = 0.5;
/** ... or the first 20 rest samples when that is longer: a 1 min pulse at 10 s then has 12 points after it, not 3 ... */
const SWITCH_OFF_MIN_SAMPLES = 20;
/** ... but never beyond 2 pulse lengths, where the O(s^3/2) terms and the particle's finite size take over. */
const SWITCH_OFF_MAX_WINDOW = 2;
/**
 * Fewer rest samples than this within the window give no switch-off reading:
 * a rest sampled every minute after a 2 min pulse has 4 points there, the
 * first one a quarter of the pulse after the switch, and its extrapolation
 * to the switch is off by several mV, far more than the switch-on's.
 */
const SWITCH_OFF_MIN_FIT_SAMPLES = 8;
/** Fewer samples than this in a window leave no degree of freedom beyond the three parameters. */
const MIN_FIT_SAMPLES = 4;
/**
 * The readings disagree when they differ by more than 4 standard errors and
 * by more than 10 % of the step: on the sphere grid above the bias of each
 * stays a few % of R, so 10 % is not reached by the model's own
 * approximation, and 4 sigma is passed by noise once in some 10^4 pulses.
 */
const DISAGREEMENT_SIGMAS = 4;
const DISAGREEMENT_FRACTION = 0.1;

const ONSET_BASIS: readonly BasisFunction[] = [() => 1, Math.sqrt, (u) => u];
/** sqrt(s) - sqrt(1 + s) + 1 is 0 at s = 0, so the constant is V(off+). */
const RELAXATION_BASIS: readonly BasisFunction[] = [() => 1, (s) => Math.sqrt(s) - Math.sqrt(1 + s) + 1, (s) => s];

export interface IrStepReading {
  /** V(t_on+): V(t_on-) plus the IR step, or the switch-on extrapolation alone without a rest before. */
  readonly onV: number;
  /** V at the end of the pulse, V(off-): from the fit of its last 30 % when there is one. */
  readonly endV: number;
  /** The IR step V(t_on+) - V(t_on-); null without a rest before the pulse. */
  readonly irDropV: number | null;
  /** Its standard error from the noise of the fits' residuals; null when no fit has residuals. */
  readonly irDropStderrV: number | null;
  /** The two readings (the switch-off one with the sign of the switch-on step); null where not read. */
  readonly switchOnV: number | null;
  readonly switchOffV: number | null;
  /** Both were read and they disagree: irDropV is the switch-on reading. */
  readonly disagree: boolean;
  /** How the reading was limited by too few samples, if it was. */
  readonly warnings: string[];
}

export interface IrStepInput {
  readonly pulse: StepSamples;
  /** When the current was switched on; the pulse ends (and the rest begins) at its last sample. */
  readonly onS: number;
  readonly durationS: number;
  readonly before: RestSummary | null;
  readonly after: StepSamples | null;
}

export function readIrStep(input: IrStepInput): IrStepReading {
  const { pulse, onS, durationS, before, after } = input;
  const t = pulse.timeS;
  const v = pulse.voltageV;
  const n = t.length;
  const warnings: string[] = [];
  const u = t.map((ti) => (ti - onS) / durationS);
  const usable = n >= 2 && durationS > 0 && u.every(Number.isFinite);

  const end = usable ? fitPulseEnd(u, v) : null;
  const endV = end?.valueAt(1) ?? v[n - 1]!;
  const onset = usable ? fitOnset(u, v, warnings) : null;
  if (onset === null && n >= 2) warnings.push('too few pulse samples to extrapolate the IR step to the switch: V(t_on+) is the first sample');
  const onsetV = onset?.valueAt(0) ?? v[0]!;

  if (before === null) {
    return { onV: onsetV, endV, irDropV: null, irDropStderrV: null, switchOnV: null, switchOffV: null, disagree: false, warnings };
  }
  const switchOn = { stepV: onsetV - before.endV, variance: (onset?.varianceFactorAt(0) ?? 1) + before.endVarianceFactor };
  const relaxation = end !== null && after !== null ? fitRelaxation(after, t[n - 1]!, durationS) : null;
  const switchOff = relaxation !== null && end !== null ? { stepV: endV - relaxation.valueAt(0), variance: relaxation.varianceFactorAt(0) + end.varianceFactorAt(1) } : null;

  // The windows of short pulses overlap, and then a few residuals count twice: a rough noise level is all the checks below need.
  const noise = noiseSigmaV([onset, end, relaxation, { rss: before.endRss, dof: before.endDof }]);
  const disagree =
    switchOff !== null &&
    Math.abs(switchOn.stepV - switchOff.stepV) > DISAGREEMENT_FRACTION * Math.max(Math.abs(switchOn.stepV), Math.abs(switchOff.stepV)) &&
    (noise === null || Math.abs(switchOn.stepV - switchOff.stepV) > DISAGREEMENT_SIGMAS * noise * Math.sqrt(switchOn.variance + switchOff.variance));
  const combined = switchOff !== null && !disagree ? inverseVarianceMean(switchOn, switchOff) : switchOn;
  return {
    onV: before.endV + combined.stepV,
    endV,
    irDropV: combined.stepV,
    irDropStderrV: noise !== null ? noise * Math.sqrt(combined.variance) : null,
    switchOnV: switchOn.stepV,
    switchOffV: switchOff?.stepV ?? null,
    disagree,
    warnings,
  };
}

/**
 * The switch-on fit over the first 30 % of the pulse (at least 6 samples);
 * with 3 samples only a line in sqrt(t), biased by the curvature but better
 * than the first sample; null with fewer.
 */
function fitOnset(u: number[], v: number[], warnings: string[]): BasisFit | null {
  let count = 0;
  while (count < u.length && (u[count]! <= SWITCH_ON_WINDOW || count < SWITCH_ON_MIN_SAMPLES)) count++;
  const window = u.slice(0, count);
  const values = v.slice(0, count);
  if (count >= MIN_FIT_SAMPLES) return fitBasis(window, values, ONSET_BASIS);
  if (count === 3) {
    warnings.push('only 3 pulse samples: the IR step is extrapolated with a line in sqrt(t), which the curvature of the transient biases');
    return fitBasis(window, values, ONSET_BASIS.slice(0, 2));
  }
  return null;
}

/** V(off-): the fit of the last 30 % of the pulse (at least 6 samples); null with fewer than 4 samples. */
function fitPulseEnd(u: number[], v: number[]): BasisFit | null {
  let from = u.length;
  while (from > 0 && (u[from - 1]! >= 1 - PULSE_END_WINDOW || u.length - from < SWITCH_ON_MIN_SAMPLES)) from--;
  return u.length - from >= MIN_FIT_SAMPLES ? fitBasis(u.slice(from), v.slice(from), ONSET_BASIS) : null;
}

/** The switch-off fit over the start of the rest, times from the pulse's last sample in units of the pulse; null with too few samples there. */
function fitRelaxation(rest: StepSamples, offS: number, durationS: number): BasisFit | null {
  const s: number[] = [];
  const values: number[] = [];
  for (let k = 0; k < rest.timeS.length; k++) {
    const sk = (rest.timeS[k]! - offS) / durationS;
    if (!(sk >= 0) || sk > SWITCH_OFF_MAX_WINDOW || (sk > SWITCH_OFF_WINDOW && s.length >= SWITCH_OFF_MIN_SAMPLES)) break;
    s.push(sk);
    values.push(rest.voltageV[k]!);
  }
  return s.length >= SWITCH_OFF_MIN_FIT_SAMPLES ? fitBasis(s, values, RELAXATION_BASIS) : null;
}

/** The voltage noise pooled over the fits' residuals; null without a degree of freedom. */
function noiseSigmaV(fits: ReadonlyArray<{ readonly rss: number; readonly dof: number } | null>): number | null {
  let rss = 0;
  let dof = 0;
  for (const fit of fits) {
    if (fit === null || fit.dof <= 0) continue;
    rss += fit.rss;
    dof += fit.dof;
  }
  const sigma = Math.sqrt(rss / dof);
  return dof > 0 && Number.isFinite(sigma) ? sigma : null;
}

function inverseVarianceMean(a: { stepV: number; variance: number }, b: { stepV: number; variance: number }): { stepV: number; variance: number } {
  const wa = 1 / a.variance;
  const wb = 1 / b.variance;
  const stepV = (wa * a.stepV + wb * b.stepV) / (wa + wb);
  return Number.isFinite(stepV) ? { stepV, variance: 1 / (wa + wb) } : a;
}
