import { isNumericError } from '../numeric/errors.js';
import { levenbergMarquardt, type LeastSquaresProblem, type LmOptions, type LmResult } from '../numeric/levenberg-marquardt.js';
import { canonicalOrder } from './canonical-order.js';
import { Circuit, type CircuitEvaluator } from './circuit.js';
import { EisError } from './errors.js';
import { arcPlacements, initialGuess, spectrumFeatures, type Arc } from './initial-guess.js';
import { formatCircuit, type CircuitNode } from './circuit-parser.js';
import { angularFrequencies, assertValidSpectrum, type ImpedanceSpectrum } from './spectrum.js';
import { extent } from '../../core/extent.js';
import { DEFAULT_EIS_WEIGHTING, WEIGHTINGS, type Weighting } from './weighting.js';

/**
 * Complex non-linear least squares of an equivalent circuit to a spectrum.
 *
 * Parameters are fitted as x = ln p: every element value stays positive, the
 * damping sees parameters of very different magnitudes (ohm, uF, ms) on one
 * scale, and multi-start perturbations are multiplicative. CPE exponents are
 * held in (0, 1] by a bound on ln(alpha); every other parameter may move ten
 * decades either way from its starting guess, so one ending on that bound has
 * run off to zero or infinity and is flagged.
 *
 * Local minima: the fit starts from the guess read from the spectrum, then
 * from the other assignments of the detected arcs to the circuit's parallel
 * blocks, then from seeded random perturbations of the guess in log space;
 * then it hops from the best minimum so far (basin hopping: perturb every
 * free parameter by about a decade, refit, keep if lower), which finds minima
 * that a few hundred independent random starts miss.
 *
 * It stops as soon as a local fit from an independent start (a random start
 * or a hop: not read from the same arcs as the guess) agrees with the best
 * minimum so far: their costs differ by less than one unit of the residual
 * variance s^2 = cost/(2N - free parameters) (see AGREEMENT). The guess runs
 * first, then up to EARLY_HOPS hops from its minimum, so a benign landscape
 * costs two exploring fits and a polish. Agreement among the structured starts does not
 * count: they share the guess's reading of the arcs and can all end in one
 * poorer minimum (the Gamry spectrum weighted by modulus, 1.44 x the best
 * cost; a pellet whose bulk arc lies above the window, 6.7 x).
 * A best minimum that stretches a CPE over an arc the fit has put elsewhere
 * (an exponent below 0.6 centred outside the window, SUSPICIOUS_LN_ALPHA) does not end the search
 * however often it is reached: the starts and hops go on until a plausible
 * minimum is confirmed, or LONG_PATIENCE local fits in a row bring nothing.
 *
 * Cost: the exploring local fits stop at a loose tolerance (EXPLORE) and, on
 * a spectrum with points to spare (EXPLORE_MIN_POINTS_PER_PARAMETER), fit
 * every other point; each of their minima is then scored by its cost on the
 * whole spectrum, so the best and the agreement are decided on all the data,
 * and only the winner is polished on the whole spectrum (POLISH). With
 * EARLY_HOPS, on the shared spectra the search's work (points x iterations)
 * is 0.1-0.6 of what exploring to ftol 1e-8 on every point with one early hop
 * took (1.5 x on exampleData with L0, unit weighting: 15 local fits instead
 * of 6), with the same minima (fit-external.test.ts), and the search is
 * faster than one fit by impedance.py's method from the same guess
 * (bench/eis.ts).
 */

export { DEFAULT_EIS_WEIGHTING, WEIGHTINGS, type Weighting };

export interface CircuitFitOptions {
  /**
   * unit: every point alike; modulus: 1/|Z|^2; proportional: 1/Z'^2 for the
   * real and 1/Z''^2 for the imaginary residual (Boukamp 1995), each floored
   * at 1e-3 |Z| so a component crossing zero does not get infinite weight.
   * Default DEFAULT_EIS_WEIGHTING (modulus), as `analyze eis` and the live fit.
   */
  weighting?: Weighting;
  /** parameters held at these values, by name (`R0`, `CPE1_1`) */
  fixed?: Readonly<Record<string, number>>;
  /** starting values replacing the automatic guesses, by name */
  initialGuess?: Readonly<Record<string, number>>;
  /** most random starts besides the structured ones (default 8) */
  randomStarts?: number;
  /** most basin hops from the best minimum (default 64) */
  hops?: number;
  /**
   * Run every start and hop instead of stopping when they bring nothing: the
   * reference search of the tests and the benchmark (default false).
   */
  exhaustive?: boolean;
  /**
   * One local fit from the guess (the spectrum's, or `initialGuess`), to full
   * tolerance, and no search: what a plain least-squares call such as
   * impedance.py's curve_fit does. The benchmark's baseline, and a refit from
   * values already known to be near the answer (default false).
   */
  localOnly?: boolean;
  /** seed of the random starts, for reproducible fits (default 1) */
  seed?: number;
  /** analytic Jacobian (default) or finite differences, for comparison */
  analyticJacobian?: boolean;
}

export interface FittedParameter {
  readonly name: string;
  readonly value: number;
  /** standard error; null when fixed or not computable */
  readonly stderr: number | null;
  readonly unit: string;
  readonly fixed: boolean;
  readonly atBound: boolean;
}

export interface CircuitFitResult {
  readonly circuit: string;
  readonly points: number;
  readonly weighting: Weighting;
  readonly parameters: readonly FittedParameter[];
  /** unweighted sum of |Z_data - Z_model|^2 (ohm^2) */
  readonly rss: number;
  /** the weighted cost that was minimised */
  readonly chiSquare: number;
  readonly converged: boolean;
  /** local fits run (starts and hops) */
  readonly localFits: number;
  readonly warnings: readonly string[];
}

const DEFAULT_RANDOM_STARTS = 8;
const DEFAULT_HOPS = 64;
/**
 * Two local fits agree when their costs differ by less than AGREEMENT times
 * the residual variance s^2 = cost/(2N - free parameters) of the lower one:
 * a chi-square lower by less than one unit of s^2 is not a better fit in any
 * statistical sense (the 1-sigma region of a parameter is where the cost
 * rises by s^2), so a third start cannot improve on two that agree to within
 * it. Distinct minima of the shared spectra that matter differ by far more
 * (the Gamry spectrum's 1.1 %, exampleData's inductive fit 5x); the ones
 * within it differ only in parameters the data do not determine (exampleData
 * with Wo1: 0.18 % of cost, 0.2 s^2, in a Wo1 whose standard errors are
 * 150-300 %).
 */
const AGREEMENT = 1;
/** Without degrees of freedom there is no s^2: then agreement is equality to this relative precision (exploring fits stop at ftol 1e-4, EXPLORE). */
const SAME_COST = 1e-3;
/** Once the landscape has shown itself hard (an implausible best): every random start, then hops until this many local fits in a row bring nothing. */
const LONG_PATIENCE = 32;
/**
 * A CPE exponent below 0.6 is rare for an arc of a real cell (dispersed arcs
 * are 0.6-1, a diffusion tail 0.5) and the mark of a CPE stretched over an arc
 * the minimum has put elsewhere, as in a pellet whose bulk arc sits at the top
 * of the window: there the first starts agree on minima at 1e8 times the best
 * cost. Such a minimum never ends the search; a false alarm costs time, never
 * accuracy. An R||CPE arc with such an exponent whose relaxation frequency
 * (R Q)^(-1/alpha) lies inside the window is a real dispersed arc, not a
 * stretched one (the pyDRTtools battery spectrum's 0.55 at 74 Hz): the
 * stretched ones of the pellet and of exampleData's inductive fit all centre
 * outside it, at 11 MHz and beyond.
 */
const SUSPICIOUS_LN_ALPHA = Math.log(0.6);
/** ln(1e10): how far (in ln) a parameter may move from its guess. */
const LOG_WINDOW = Math.log(1e10);
const MIN_ALPHA = 1e-3;
/** Standard deviation (in ln) of the random perturbations: one decade. */
const PERTURBATION = Math.log(10);
/**
 * Hops from the guess's minimum before the other structured starts: a second
 * hop where the first ended elsewhere confirms a good guess more cheaply than
 * the structured starts, which cannot confirm. On the shared spectra two
 * instead of one take the search from 6-10 local fits to 4 (exampleData,
 * Gamry) with the same minima but one: exampleData with Wo1, modulus
 * weighting, then ends in a minimum 0.18 % (0.2 s^2) above the one the
 * structured starts found, in a Wo1 the data do not determine. A guess in a
 * poorer minimum (the Gamry spectrum with R0-p(R1,C1)-p(R2-Wo1,C2)) is still
 * left by the structured and random starts (fit-external.test.ts).
 */
const EARLY_HOPS = 2;
/** Structured starts tried at most (placements and orders grow as k!): the best ranked. */
const MAX_STRUCTURED_STARTS = 8;
const PROPORTIONAL_FLOOR = 1e-3;
/** A relative standard error above this makes a parameter "poorly determined". */
const MAX_RELATIVE_STDERR = 1;
/**
 * Exploring local fits stop at a looser tolerance and iteration count than the
 * final polish of the best one: telling basins apart needs no 12 digits, and
 * the search is most of the time. Two minima agree within one s^2, a relative
 * 1/dof of the cost (1e-3 for a thousand data values), so a fit that stops
 * once an iteration gains less than 1e-4 of the cost has placed its basin;
 * the polish finishes the winner. From 1e-8 to 1e-4 the shared spectra
 * (fit-external.test.ts, both weightings) keep their minima with 25-50 %
 * fewer iterations; 1e-3 loses agreements and runs more fits.
 */
const EXPLORE = { maxIterations: 150, ftol: 1e-4, xtol: 1e-10, gtol: 1e-8 };
/** To 1e-10 of the cost: far below any s^2; tighter only adds iterations along flat valleys. */
const POLISH = { maxIterations: 1000, ftol: 1e-10, gtol: 1e-8 };
/**
 * Exploring fits take every other point when that leaves at least this many
 * points per free parameter: the minima stay those of the whole spectrum
 * (each scored on it) at half the cost. Fewer points per parameter change
 * the landscape: impedance.py's exampleData with R0-p(R1,C1)-p(R2-Wo1,C2),
 * 29 points for 7 parameters, then ranks a minimum 1.38 x the best first.
 */
const EXPLORE_MIN_POINTS_PER_PARAMETER = 5;

export function fitCircuit(circuitOrText: Circuit | string, spectrum: ImpedanceSpectrum, options: CircuitFitOptions = {}): CircuitFitResult {
  const circuit = typeof circuitOrText === 'string' ? Circuit.parse(circuitOrText) : circuitOrText;
  const weighting = options.weighting ?? DEFAULT_EIS_WEIGHTING;
  if (!WEIGHTINGS.includes(weighting)) throw new EisError(`unknown weighting "${weighting}" (use ${WEIGHTINGS.join(', ')})`, 'EIS_PARAMETER');
  assertValidSpectrum(spectrum, 1);
  const names = circuit.parameterNames;
  const fixed = namedValues(circuit, options.fixed ?? {}, 'fixed');
  const userGuess = namedValues(circuit, options.initialGuess ?? {}, 'initial guess');
  const isFixed = names.map((_, j) => fixed[j] !== undefined);
  const nFree = isFixed.filter((f) => !f).length;
  const points = spectrum.frequencyHz.length;
  if (2 * points < nFree) {
    throw new EisError(`${points} points (${2 * points} values) cannot determine ${nFree} free parameters of ${circuit.text}`, 'EIS_DATA', { points, nFree });
  }

  const problem = new LogSpaceProblem(circuit, spectrum, weighting, options.analyticJacobian ?? true);
  const isAlpha = circuit.parameters.map((p) => p.kind === 'cpe-alpha');
  const withOverrides = (guess: number[]) => guess.map((v, j) => fixed[j] ?? userGuess[j] ?? v);
  const base = withOverrides(initialGuess(circuit, spectrum));
  const logBase = base.map(Math.log);
  const lower = logBase.map((v, j) => (isAlpha[j] ? Math.log(MIN_ALPHA) : v - LOG_WINDOW));
  const upper = logBase.map((v, j) => (isAlpha[j] ? 0 : v + LOG_WINDOW));

  const localOnly = options.localOnly ?? false;
  const structured = localOnly ? [logBase] : structuredStarts(circuit, spectrum, problem, withOverrides);
  const random = mulberry32(options.seed ?? 1);
  // Random starts scatter around the best ranked start.
  const centre = structured[0]!;
  const randomStart = () =>
    centre.map((v, j) => {
      if (isFixed[j] || userGuess[j] !== undefined) return v;
      if (isAlpha[j]) return Math.log(0.4 + 0.6 * random());
      return v + PERTURBATION * gaussian(random);
    });
  const thinned = everyOtherPoint(spectrum);
  const explore = thinned.frequencyHz.length >= EXPLORE_MIN_POINTS_PER_PARAMETER * nFree ? new LogSpaceProblem(circuit, thinned, weighting, options.analyticJacobian ?? true) : problem;
  const space: SearchSpace = { problem, explore, lower, upper, fixed: isFixed, alpha: isAlpha, cpeArcs: cpeArcIndices(circuit) };
  const budget: SearchBudget = {
    randomStarts: options.randomStarts ?? DEFAULT_RANDOM_STARTS,
    hops: options.hops ?? DEFAULT_HOPS,
    exhaustive: options.exhaustive ?? false,
    localOnly,
  };
  const { best, localFits } = search(space, structured, randomStart, budget, random, circuit.text);
  const locked = names.map((_, j) => isFixed[j]! || userGuess[j] !== undefined);
  const omega = extent(problem.omega)!;
  const order = canonicalOrder(circuit, best.parameters.map(Math.exp), locked, omega.min, omega.max);
  const fit = reordered(best, order, isFixed);

  // Fixed parameters are reported as given, not as exp(ln(value)).
  const values = fit.parameters.map((x, j) => fixed[j] ?? Math.exp(x));
  const parameters = circuit.parameters.map((p, j): FittedParameter => {
    const se = fit.stderr[j]!;
    return {
      name: p.name,
      value: values[j]!,
      // d p = p d(ln p): the covariance of ln p maps to p exactly at first order.
      stderr: isFixed[j] || !Number.isFinite(se) ? null : values[j]! * se,
      unit: p.unit,
      fixed: isFixed[j]!,
      atBound: fit.atBound[j]!,
    };
  });
  return {
    circuit: circuit.text,
    points,
    weighting,
    parameters,
    rss: problem.unweightedRss(fit.parameters),
    chiSquare: fit.cost,
    converged: fit.converged,
    localFits,
    warnings: fitWarnings(fit, parameters, 2 * points - nFree, order.map((k) => upper[k]!)),
  };
}

/** What a local fit needs besides its start: the problem in ln p, the bounds, which parameters are fixed or CPE exponents. */
interface SearchSpace {
  readonly problem: LogSpaceProblem;
  /** the problem of the exploring fits: `problem`, or the same on every other point */
  readonly explore: LogSpaceProblem;
  readonly lower: number[];
  readonly upper: number[];
  readonly fixed: readonly boolean[];
  readonly alpha: readonly boolean[];
  /** Indices (R, Q, alpha) of the circuit's R || CPE blocks. */
  readonly cpeArcs: readonly CpeArcIndices[];
}

interface CpeArcIndices {
  readonly r: number;
  readonly q: number;
  readonly alpha: number;
}

/** The R || CPE blocks of a circuit, anywhere in it, by parameter index. */
function cpeArcIndices(circuit: Circuit): CpeArcIndices[] {
  const out: CpeArcIndices[] = [];
  const visit = (node: CircuitNode): void => {
    if (node.kind === 'element') return;
    node.children.forEach(visit);
    if (node.kind !== 'parallel' || node.children.length !== 2) return;
    const r = node.children.find((c) => c.kind === 'element' && c.type === 'R');
    const cpe = node.children.find((c) => c.kind === 'element' && c.type === 'CPE');
    if (r?.kind === 'element' && cpe?.kind === 'element') out.push({ r: circuit.indexOf(r.name), q: circuit.indexOf(`${cpe.name}_0`), alpha: circuit.indexOf(`${cpe.name}_1`) });
  };
  visit(circuit.root);
  return out;
}

interface SearchBudget {
  readonly randomStarts: number;
  readonly hops: number;
  readonly exhaustive: boolean;
  readonly localOnly: boolean;
}

/**
 * Local fits from the structured and random starts, then basin hops from the
 * best, until two of them agree on a plausible best minimum (see the header);
 * then a tight polish of the winner. `localOnly`: the first start alone, to
 * full tolerance.
 */
function search(
  space: SearchSpace,
  structured: number[][],
  randomStart: () => number[],
  budget: SearchBudget,
  random: () => number,
  circuit: string,
): { best: LmResult; localFits: number } {
  const { problem, explore, lower, upper, fixed, alpha } = space;
  let localFits = 0;
  const localFit = (on: LogSpaceProblem, start: number[], tolerances: LmOptions): LmResult | null => {
    localFits++;
    try {
      return levenbergMarquardt(on, start, { lower, upper, fixed: [...fixed], ...tolerances });
    } catch (e) {
      // A start whose model overflows is just a bad start; the others decide.
      if (!isNumericError(e)) throw e;
      return null;
    }
  };
  if (budget.localOnly) {
    const only = localFit(problem, structured[0]!, POLISH);
    if (only === null) throw new EisError(`the local fit of ${circuit} from its guess failed numerically`, 'EIS_DATA', { starts: 1 });
    return { best: only, localFits };
  }
  const freeCount = fixed.filter((f) => !f).length;
  const dof = problem.m - freeCount;
  const agree = (a: number, b: number) => Math.abs(a - b) <= (dof > 0 ? (AGREEMENT * Math.min(a, b)) / dof : SAME_COST * Math.min(a, b));
  const lnOmega = extent(problem.omega)!;
  const [lnOmegaMin, lnOmegaMax] = [Math.log(lnOmega.min), Math.log(lnOmega.max)];
  const arcOf = new Map(space.cpeArcs.map((a) => [a.alpha, a]));
  const plausible = (fit: LmResult) =>
    !fit.parameters.some((v, j) => {
      if (!alpha[j] || fixed[j] || v >= SUSPICIOUS_LN_ALPHA) return false;
      const arc = arcOf.get(j);
      if (!arc) return true;
      // ln omega0 = -(ln R + ln Q)/alpha for R || CPE.
      const lnOmega0 = -(fit.parameters[arc.r]! + fit.parameters[arc.q]!) / Math.exp(v);
      return !(lnOmega0 >= lnOmegaMin && lnOmega0 <= lnOmegaMax);
    });
  // Declared by a cast, not narrowed to null here: run() assigns it.
  let best = null as LmResult | null;
  /** Local fits that ended in agreement with the best minimum, itself included. */
  let confirmations = 0;
  /** Local fits in a row that brought no lower minimum, for the long search of an implausible landscape. */
  let idle = 0;
  const done = () => {
    if (budget.exhaustive || best === null) return false;
    return plausible(best) ? confirmations >= 2 : idle >= LONG_PATIENCE;
  };
  /** An exploring fit, its cost that of the whole spectrum (null when it, or the model at its minimum, failed numerically). */
  const exploring = (start: number[]): LmResult | null => {
    const result = localFit(explore, start, EXPLORE);
    if (result === null || explore === problem) return result;
    const cost = problem.costAt(result.parameters);
    return Number.isFinite(cost) ? { ...result, cost } : null;
  };
  /** `independent`: a random start or a hop, not read from the same arcs as the guess, whose agreement therefore tells something. */
  const run = (start: number[], independent: boolean) => {
    const result = exploring(start);
    if (result === null) {
      if (best !== null) idle++;
      return;
    }
    if (best !== null && agree(result.cost, best.cost)) {
      if (independent) confirmations++;
      idle++;
      if (result.cost < best.cost) best = result;
    } else if (best === null || result.cost < best.cost) {
      best = result;
      confirmations = 1;
      idle = 0;
    } else {
      idle++;
    }
  };
  const hop = (from: LmResult) =>
    from.parameters.map((v, j) => {
      if (fixed[j]) return v;
      if (alpha[j]) return Math.log(0.4 + 0.6 * random());
      return Math.min(upper[j]!, Math.max(lower[j]!, v + PERTURBATION * gaussian(random)));
    });
  // The guess, then up to EARLY_HOPS hops from its minimum: where one agrees
  // the search ends. Otherwise the other structured starts, the random starts
  // and the hops until an independent start agrees with the best.
  const [guess, ...others] = structured;
  run(guess!, false);
  let hops = 0;
  for (; best !== null && hops < Math.min(EARLY_HOPS, budget.hops) && !done(); hops++) run(hop(best), true);
  for (const start of others) {
    if (done()) break;
    run(start, false);
  }
  for (let s = 0; s < budget.randomStarts && !done(); s++) run(randomStart(), true);
  if (best === null) throw new EisError(`every start of the ${circuit} fit failed numerically`, 'EIS_DATA', { starts: localFits });
  // The hops get a patience of their own: a hard landscape has earned them
  // the full run however many random starts came back empty.
  idle = 0;
  for (; hops < budget.hops && !done(); hops++) run(hop(best), true);
  // Should the polish fail numerically, the exploring minimum stands; its
  // standard errors then come from every other point when the search thinned
  // the spectrum (about sqrt 2 too large).
  const polished = localFit(problem, best.parameters, POLISH);
  return { best: polished && polished.cost <= best.cost ? polished : best, localFits };
}

/** The fit with its per-parameter results permuted (new j = old order[j]), covariance of the free parameters included. */
function reordered(fit: LmResult, order: number[], isFixed: readonly boolean[]): LmResult {
  // Position of each parameter among the free ones (the covariance's rows).
  let count = 0;
  const freeIndex = isFixed.map((f) => (f ? -1 : count++));
  const free = order.flatMap((k, j) => (isFixed[j] ? [] : [freeIndex[k]!]));
  const cov = fit.covariance;
  return {
    ...fit,
    parameters: order.map((k) => fit.parameters[k]!),
    stderr: order.map((k) => fit.stderr[k]!),
    atBound: order.map((k) => fit.atBound[k]!),
    covariance: cov && free.map((a) => free.map((b) => cov[a]![b]!)),
  };
}

/** Values by parameter name into circuit order, validated (positive; alpha at most 1). */
function namedValues(circuit: Circuit, byName: Readonly<Record<string, number>>, what: string): (number | undefined)[] {
  const out: (number | undefined)[] = new Array<number | undefined>(circuit.parameters.length).fill(undefined);
  for (const [name, value] of Object.entries(byName)) {
    const j = circuit.indexOf(name);
    const p = circuit.parameters[j]!;
    if (!(value > 0) || !Number.isFinite(value) || (p.kind === 'cpe-alpha' && value > 1)) {
      const range = p.kind === 'cpe-alpha' ? 'in (0, 1]' : 'positive and finite';
      throw new EisError(`${what} ${name} = ${value} ${p.unit}: must be ${range}`.trimEnd(), 'EIS_PARAMETER', { name, value });
    }
    out[j] = value;
  }
  return out;
}

/**
 * The starts read from the spectrum: every placement of the arcs
 * (`arcPlacements`) in every order over the circuit's parallel blocks,
 * ranked by their cost (lowest first, the guess first among equals) so the
 * first two local fits start from the two starts nearest the data. Orders that only
 * swap arcs between blocks of one shape (`p(R1,CPE1)-p(R2,CPE2)`) are the
 * same start relabelled: its fit would end in the same minimum and "agree"
 * without telling anything, so one of them is kept.
 */
function structuredStarts(circuit: Circuit, spectrum: ImpedanceSpectrum, problem: LogSpaceProblem, overridden: (guess: number[]) => number[]): number[][] {
  const top = circuit.root.kind === 'series' ? circuit.root.children : [circuit.root];
  const shapes = top.filter((node) => node.kind !== 'element').map((node) => formatCircuit(node).replace(/\d+/g, '#'));
  const features = spectrumFeatures(spectrum);
  const seen = new Set<string>();
  const starts: { x: number[]; cost: number }[] = [];
  for (const placement of arcPlacements(features, shapes.length)) {
    for (const order of permutations(placement)) {
      const key = order.map((arc, k) => `${shapes[k]}@${arc.omega.toPrecision(6)}`).sort().join(';');
      if (seen.has(key)) continue;
      seen.add(key);
      const x = overridden(initialGuess(circuit, spectrum, order, features)).map(Math.log);
      starts.push({ x, cost: problem.costAt(x) });
    }
  }
  // The guess (the first placement in its order) goes first: it is the start
  // of a plain local fit and, on the shared spectra, already in the best basin;
  // the others follow nearest the data first, to confirm or beat it.
  const [guess, ...others] = starts;
  others.sort((a, b) => a.cost - b.cost);
  return [guess!, ...others].slice(0, MAX_STRUCTURED_STARTS).map((s) => s.x);
}

function permutations(items: readonly Arc[]): Arc[][] {
  if (items.length <= 1) return [items.slice()];
  const out: Arc[][] = [];
  items.forEach((item, i) => {
    for (const rest of permutations([...items.slice(0, i), ...items.slice(i + 1)])) out.push([item, ...rest]);
  });
  return out;
}

function fitWarnings(fit: LmResult, parameters: readonly FittedParameter[], dof: number, upper: number[]): string[] {
  const warnings: string[] = [];
  if (!fit.converged) warnings.push(`fit did not converge: ${fit.reason}`);
  parameters.forEach((p, j) => {
    if (p.atBound) {
      const which = fit.parameters[j]! >= upper[j]! ? 'upper' : 'lower';
      warnings.push(`${p.name} = ${p.value.toPrecision(4)} ${p.unit}`.trimEnd() + ` is at its ${which} bound`);
    } else if (p.stderr !== null && p.stderr > MAX_RELATIVE_STDERR * p.value) {
      warnings.push(`${p.name} is poorly determined (standard error ${((100 * p.stderr) / p.value).toFixed(0)}% of its value)`);
    }
  });
  if (dof <= 0) warnings.push('as many free parameters as data values: no standard errors');
  else if (fit.covariance === null) warnings.push('standard errors not computable: the parameters are not independent at the optimum');
  return warnings;
}

/** Residuals w (Z_model - Z_data), real parts then imaginary parts, as functions of x = ln p. */
class LogSpaceProblem implements LeastSquaresProblem {
  readonly m: number;
  readonly omega: Float64Array;
  readonly jacobian?: (x: Float64Array, out: Float64Array) => void;
  private readonly evaluator: CircuitEvaluator;
  private readonly p: Float64Array;
  private readonly wRe: Float64Array;
  private readonly wIm: Float64Array;

  constructor(
    circuit: Circuit,
    private readonly spectrum: ImpedanceSpectrum,
    weighting: Weighting,
    analytic: boolean,
  ) {
    const points = spectrum.frequencyHz.length;
    this.m = 2 * points;
    this.omega = angularFrequencies(spectrum.frequencyHz);
    this.evaluator = circuit.evaluator(this.omega);
    this.p = new Float64Array(circuit.parameters.length);
    const { zRe, zIm } = spectrum;
    const modulus = (i: number) => Math.hypot(zRe[i]!, zIm[i]!);
    const weight = (i: number, component: Float64Array): number => {
      if (weighting === 'unit') return 1;
      if (weighting === 'modulus') return 1 / modulus(i);
      return 1 / Math.max(Math.abs(component[i]!), PROPORTIONAL_FLOOR * modulus(i));
    };
    this.wRe = Float64Array.from({ length: points }, (_, i) => weight(i, zRe));
    this.wIm = Float64Array.from({ length: points }, (_, i) => weight(i, zIm));
    for (let i = 0; i < points; i++) {
      if (!Number.isFinite(this.wRe[i]!) || !Number.isFinite(this.wIm[i]!)) {
        throw new EisError(`point ${i} (${spectrum.frequencyHz[i]} Hz) has Z = 0: it cannot be weighted by ${weighting}`, 'EIS_DATA', { index: i });
      }
    }
    if (analytic) this.jacobian = (x, out) => this.fillJacobian(x, out);
  }

  residuals(x: Float64Array, out: Float64Array): void {
    this.evaluate(x, false);
    const { zRe, zIm } = this.evaluator;
    const n = this.spectrum.frequencyHz.length;
    for (let i = 0; i < n; i++) {
      out[i] = this.wRe[i]! * (zRe[i]! - this.spectrum.zRe[i]!);
      out[n + i] = this.wIm[i]! * (zIm[i]! - this.spectrum.zIm[i]!);
    }
  }

  /** The weighted cost at x, Infinity where the model overflows: how near the data a start is. */
  costAt(x: readonly number[]): number {
    const r = new Float64Array(this.m);
    try {
      this.residuals(Float64Array.from(x), r);
    } catch (e) {
      if (!isNumericError(e)) throw e;
      return Infinity;
    }
    let cost = 0;
    for (let i = 0; i < r.length; i++) cost += r[i]! * r[i]!;
    return Number.isFinite(cost) ? cost : Infinity;
  }

  unweightedRss(x: number[]): number {
    this.evaluate(Float64Array.from(x), false);
    const { zRe, zIm } = this.evaluator;
    let rss = 0;
    for (let i = 0; i < zRe.length; i++) rss += (zRe[i]! - this.spectrum.zRe[i]!) ** 2 + (zIm[i]! - this.spectrum.zIm[i]!) ** 2;
    return rss;
  }

  private fillJacobian(x: Float64Array, out: Float64Array): void {
    this.evaluate(x, true);
    const { dRe, dIm } = this.evaluator;
    const n = this.spectrum.frequencyHz.length;
    const k = this.p.length;
    for (let j = 0; j < k; j++) {
      const pj = this.p[j]!;
      const re = dRe[j]!;
      const im = dIm[j]!;
      for (let i = 0; i < n; i++) {
        out[i * k + j] = this.wRe[i]! * re[i]! * pj;
        out[(n + i) * k + j] = this.wIm[i]! * im[i]! * pj;
      }
    }
  }

  private evaluate(x: Float64Array, derivatives: boolean): void {
    for (let j = 0; j < x.length; j++) this.p[j] = Math.exp(x[j]!);
    this.evaluator.evaluate(this.p, derivatives);
  }
}

/** The spectrum's points 0, 2, 4, ... */
function everyOtherPoint(spectrum: ImpedanceSpectrum): ImpedanceSpectrum {
  const pick = (values: Float64Array) => Float64Array.from({ length: Math.ceil(values.length / 2) }, (_, i) => values[2 * i]!);
  return { frequencyHz: pick(spectrum.frequencyHz), zRe: pick(spectrum.zRe), zIm: pick(spectrum.zIm) };
}

/** Small seeded PRNG (mulberry32): fits are reproducible run to run. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal deviate (Box-Muller). */
export function gaussian(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
