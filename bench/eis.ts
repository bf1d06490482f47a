/**
 * EIS analysis speed: equivalent-circuit fits per second on a 60-point
 * spectrum, DRT (with its GCV search for lambda) on 100 points, and fits of
 * impedance.py's exampleData.csv (inductive points dropped, as its docs do)
 * against the times impedance.py publishes for the same circuits (0.25 s for
 * R0-p(R1,C1)-p(R2-Wo1,C2), 45 s for the 8-parameter circuit with its global
 * optimiser, both unit-weighted); the goal is an equal or lower rss at least
 * 20 times faster.
 * The baseline, measured in the same run, is the plainest fit: the guesses
 * read from the spectrum only, no random starts, no basin hops,
 * finite-difference Jacobian. The exhaustive search (every start and hop, no
 * early stop) shows what the early stop of the default search leaves out.
 * Times of the exampleData fits are medians of repeated calls after a first
 * one that lets the JIT compile that circuit's elements; the first call is
 * shown too.
 *
 * The shared spectra (the fixtures and circuits of fit-external.test.ts),
 * each weighted by unit (impedance.py's default) and by modulus (operando's
 * default, impedance.py's weight_by_modulus): the default search against one
 * fit of the same circuit from the same guess (the search's first start) by
 * impedance.py's method RE-IMPLEMENTED ON SCIPY, not impedance.py itself
 * (which PyPI would have to supply): bench/impedancepy_baseline.py runs
 * scipy.optimize.curve_fit as impedance.py's circuit_fit calls it (bounds
 * 0..inf, CPE exponents 0..1, so 'trf' with its 2-point finite-difference
 * Jacobian; ftol 1e-13, maxfev 1e5) on impedance.py's element formulas in
 * numpy, timed in its own python3 process with time.perf_counter; both sides
 * are medians of repeated in-process calls after a first one, the search's
 * and scipy's alternating call by call so that both see the machine in the
 * same state (other work on it moves both). Printed: both
 * times, their ratio (the goal: at most 1), the search's local fits, one local
 * fit of ours for scale, and the cost each reached (the weighted sum of
 * squares both minimise; for unit weighting the rss in ohm^2).
 * scripts/ensure-scipy.sh installs Debian's python3-scipy when missing.
 *
 *   npm run bench eis   (or, after npm run build: node dist/bench/eis.js)
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { Circuit } from '../src/analysis/eis/circuit.js';
import { drt } from '../src/analysis/eis/drt.js';
import { fitCircuit, gaussian, mulberry32, type CircuitFitOptions, type Weighting } from '../src/analysis/eis/fit.js';
import { initialGuess } from '../src/analysis/eis/initial-guess.js';
import type { ImpedanceSpectrum } from '../src/analysis/eis/spectrum.js';
import { PACKAGE_ROOT } from '../src/core/package-root.js';
import { parseImpedanceFile } from '../src/io/impedance-file.js';
import type { ImpedanceReadOptions } from '../src/io/impedance-file.js';
import { median } from './median.js';

const EIGHT = 'R0-p(R1,CPE1)-p(R2,CPE2)-W1';
const SEVEN = 'R0-p(R1,C1)-p(R2-Wo1,C2)';
const BASELINE: CircuitFitOptions = { randomStarts: 0, hops: 0, exhaustive: true, analyticJacobian: false };
const EXHAUSTIVE: CircuitFitOptions = { exhaustive: true };
const UNIT: CircuitFitOptions = { weighting: 'unit' };
const REFERENCE_S: Record<string, number> = { [SEVEN]: 0.25, [EIGHT]: 45 };
const SPEEDUP_GOAL = 20;
const FITS = 10;
const DRT_ROUNDS = 5;
const FIT_ROUNDS = 15;
/** A baseline fit slower than this (s) is timed SLOW_ROUNDS times only. */
const SLOW_BASELINE_S = 1;
const SLOW_ROUNDS = 3;

/** A spectrum of `circuit` from 1 MHz down to 10 mHz with 0.2 % seeded noise on each component (also used by startup.ts). */
export function synthetic(text: string, values: number[], points: number, seed: number): ImpedanceSpectrum {
  const frequencyHz = Float64Array.from({ length: points }, (_, i) => 1e6 * 1e-8 ** (i / (points - 1)));
  const { zRe, zIm } = Circuit.parse(text).impedance(values, frequencyHz);
  const random = mulberry32(seed);
  for (let i = 0; i < points; i++) {
    const mod = Math.hypot(zRe[i]!, zIm[i]!);
    zRe[i] = zRe[i]! + 0.002 * mod * gaussian(random);
    zIm[i] = zIm[i]! + 0.002 * mod * gaussian(random);
  }
  return { frequencyHz, zRe, zIm };
}

function seconds<T>(work: () => T): { s: number; result: T } {
  const start = performance.now();
  const result = work();
  return { s: (performance.now() - start) / 1000, result };
}

/** The first call's time, then the median of `rounds` more, with the last result. */
function timed<T>(rounds: number, work: () => T): { first: number; s: number; result: T } {
  const first = seconds(work).s;
  const runs = Array.from({ length: rounds }, () => seconds(work));
  return { first, s: median(runs.map((r) => r.s)), result: runs[runs.length - 1]!.result };
}

const ms = (s: number) => `${(1000 * s).toFixed(1)} ms`;

/** The spectra and circuits fit-external.test.ts pins. */
const SHARED: [string, string, ImpedanceReadOptions][] = [
  ['impedancepy_exampleData.csv', EIGHT, { excludeInductive: true }],
  ['impedancepy_exampleData.csv', SEVEN, { excludeInductive: true }],
  ['impedancepy_exampleData.csv', 'L0-R0-p(R1,CPE1)-p(R2,CPE2)-W1', {}],
  ['impedancepy_exampleDataBioLogic.mpt', 'R0-p(R1,CPE1)', {}],
  ['impedancepy_exampleDataGamry.DTA', 'R0-p(R1,CPE1)-p(R2,CPE2)', {}],
  ['pydrttools_LIB_data.txt', 'L0-R0-p(R1,CPE1)-p(R2,CPE2)-W1', {}],
];

interface ScipyCase {
  readonly circuit: string;
  readonly weighting: Weighting;
  readonly frequencyHz: number[];
  readonly zRe: number[];
  readonly zIm: number[];
  readonly guess: number[];
}

interface ScipyFit {
  readonly rss: number;
  readonly cost: number;
  readonly nfev: number;
  /** why least_squares stopped */
  readonly message: string;
}

/**
 * impedance.py's fit re-implemented on scipy: bench/impedancepy_baseline.py in
 * one python3 process, asked for one timed fit at a time so that its timings
 * and the search's alternate round by round.
 */
class ScipyBaseline {
  readonly versions: Promise<string>;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly replies: Array<(line: Record<string, unknown>) => void> = [];

  constructor(python: string) {
    this.child = spawn(python, [join(PACKAGE_ROOT, 'bench', 'impedancepy_baseline.py')]);
    createInterface({ input: this.child.stdout }).on('line', (line) => this.replies.shift()?.(JSON.parse(line) as Record<string, unknown>));
    // A python3 that dies answers every pending request with the reason, so the bench does not wait forever.
    let stderr = '';
    this.child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    this.child.on('close', (code) => {
      for (const reply of this.replies.splice(0)) reply({ error: `python3 exited with ${code}: ${stderr.trim()}`, maxRssMiB: 0 });
    });
    this.versions = this.next().then((v) => `python ${v.python}, numpy ${v.numpy}, scipy ${v.scipy}`);
  }

  /** Sets the case up: the time of its first fit (the warm-up), or why the baseline cannot fit it. */
  async setUp(scipyCase: ScipyCase): Promise<{ firstS: number } | { error: string }> {
    const reply = await this.ask({ case: scipyCase });
    return typeof reply.firstS === 'number' ? { firstS: reply.firstS } : { error: String(reply.error) };
  }

  /** One fit of the case, its time in seconds (time.perf_counter around curve_fit). */
  async time(): Promise<number> {
    const reply = await this.ask({ time: true });
    if (typeof reply.s !== 'number') throw new Error(`scipy baseline: ${String(reply.error)}`);
    return reply.s;
  }

  async lastFit(): Promise<ScipyFit> {
    return (await this.ask({ result: true })) as unknown as ScipyFit;
  }

  /** Ends the process; its peak resident set in MiB. */
  async close(): Promise<number> {
    const last = this.next();
    this.child.stdin.end();
    return (await last).maxRssMiB as number;
  }

  private ask(request: object): Promise<Record<string, unknown>> {
    const reply = this.next();
    this.child.stdin.write(`${JSON.stringify(request)}\n`);
    return reply;
  }

  private next(): Promise<Record<string, unknown>> {
    return new Promise((resolve) => this.replies.push(resolve));
  }
}

/** A python3 with numpy and scipy, or null (scripts/ensure-scipy.sh installs Debian's python3-scipy when missing). */
function pythonWithScipy(): string | null {
  const found = spawnSync('bash', [join(PACKAGE_ROOT, 'scripts', 'ensure-scipy.sh')], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : null;
}

async function sharedSpectra(): Promise<void> {
  console.log(`shared spectra: the default search against ONE fit from the same guess by impedance.py's method re-implemented on scipy`);
  console.log(`  (curve_fit 'trf', 2-point Jacobian, bounds 0..inf and CPE alpha 0..1, ftol 1e-13: NOT impedance.py itself;`);
  console.log(`  each a median of ${FIT_ROUNDS} in-process calls after a first one, the two alternating call by call)`);
  const python = pythonWithScipy();
  const baseline = python === null ? null : new ScipyBaseline(python);
  if (baseline === null) console.log('  scipy baseline not measured: python3 with numpy and scipy is not available (scripts/ensure-scipy.sh failed)');
  let slower = 0;
  for (const [file, circuit, options] of SHARED) {
    const data = parseImpedanceFile(readFileSync(join(PACKAGE_ROOT, 'tests', 'fixtures', 'external', file)), file, options);
    // The search's first start: what a plain local fit (`localOnly`) starts from.
    const guess = initialGuess(Circuit.parse(circuit), data);
    for (const weighting of ['unit', 'modulus'] as const) {
      const scipyCase = { circuit, weighting, frequencyHz: Array.from(data.frequencyHz), zRe: Array.from(data.zRe), zIm: Array.from(data.zIm), guess };
      const setUp = baseline && (await baseline.setUp(scipyCase));
      const error = setUp && 'error' in setUp ? setUp.error : null;
      const withScipy = baseline !== null && error === null;
      // scipy's fit of exampleData with L0 takes seconds (thousands of evaluations): fewer rounds there.
      const rounds = setUp && 'firstS' in setUp && setUp.firstS > SLOW_BASELINE_S ? SLOW_ROUNDS : FIT_ROUNDS;
      const search = () => fitCircuit(circuit, data, { weighting });
      const local = () => fitCircuit(circuit, data, { weighting, localOnly: true });
      const result = search();
      local();
      const times = { search: [] as number[], local: [] as number[], scipy: [] as number[] };
      for (let round = 0; round < rounds; round++) {
        times.search.push(seconds(search).s);
        times.local.push(seconds(local).s);
        if (withScipy) times.scipy.push(await baseline.time());
      }
      const s = median(times.search);
      let comparison = error !== null ? `scipy: failed (${error})` : 'scipy: not measured';
      let theirs: ScipyFit | null = null;
      if (withScipy) {
        theirs = await baseline.lastFit();
        const scipyS = median(times.scipy);
        if (s > scipyS) slower++;
        comparison = `scipy ${ms(scipyS)} (${theirs.nfev} evaluations, ${theirs.message}) | search/scipy ${(s / scipyS).toFixed(2)}`;
      }
      const both = (ours: number, other: number | undefined) => `${ours.toExponential(4)}` + (other === undefined ? '' : ` vs ${other.toExponential(4)}`);
      // Unit weighting minimises the rss itself; modulus a weighted cost (dimensionless), shown with the rss.
      const quality =
        weighting === 'unit'
          ? `rss ${both(result.rss, theirs?.rss)} ohm^2`
          : `cost ${both(result.chiSquare, theirs?.cost)}, rss ${both(result.rss, theirs?.rss)} ohm^2`;
      console.log(`  ${file} ${circuit} ${weighting}`);
      const of = rounds === FIT_ROUNDS ? '' : ` [median of ${rounds}]`;
      console.log(`    search ${ms(s)} (${result.localFits} local fits) | one local fit of ours ${ms(median(times.local))} | ${comparison}${of}`);
      console.log(`    ${quality} (search vs scipy)`);
    }
  }
  const operandoMiB = process.resourceUsage().maxRSS / 1024;
  if (baseline) {
    const versions = await baseline.versions;
    const pythonMiB = await baseline.close();
    console.log(`  baseline: ${versions}; the search slower than it on ${slower} of ${2 * SHARED.length}`);
    console.log(`  peak resident set: operando ${operandoMiB.toFixed(0)} MiB, the baseline's python3 ${pythonMiB.toFixed(0)} MiB`);
  } else console.log(`  peak resident set: operando ${operandoMiB.toFixed(0)} MiB`);
}

export async function main(): Promise<void> {
  const spectra = Array.from({ length: FITS }, (_, k) => synthetic(EIGHT, [10, 100, 1e-6, 0.9, 200, 1e-3, 0.8, 20], 60, k + 1));
  fitCircuit(EIGHT, spectra[0]!); // warm-up: let the JIT compile the hot loops first
  const rate = (options: CircuitFitOptions) => FITS / seconds(() => spectra.forEach((s) => fitCircuit(EIGHT, s, options))).s;
  const full = rate({});
  const exhaustive = rate(EXHAUSTIVE);
  const plain = rate(BASELINE);
  console.log(`eis: ${EIGHT} on 60 points (0.2 % noise), ${FITS} spectra`);
  console.log(`  multi-start + hops, stops early         ${full.toFixed(1)} fits/s`);
  console.log(`  exhaustive (every start and hop)        ${exhaustive.toFixed(1)} fits/s`);
  console.log(`  baseline (guesses only, FD Jacobian)    ${plain.toFixed(1)} fits/s`);

  const drtData = synthetic('R0-p(R1,C1)-p(R2,C2)', [5, 10, 1e-5, 20, 5e-3], 100, 99);
  const drtTimes = Array.from({ length: DRT_ROUNDS }, () => seconds(() => drt(drtData)).s);
  console.log(`  DRT, 100 points, lambda by GCV         ${(1000 * median(drtTimes)).toFixed(0)} ms (median of ${DRT_ROUNDS})`);

  // From the package root: this module runs compiled from dist/bench/ (tests/fixtures/PROVENANCE.md says where the file comes from).
  const csv = readFileSync(join(PACKAGE_ROOT, 'tests', 'fixtures', 'external', 'impedancepy_exampleData.csv'), 'utf8');
  const data = parseImpedanceFile(csv, 'impedancepy_exampleData.csv', { excludeInductive: true });
  console.log(`impedance.py exampleData.csv, ${data.frequencyHz.length} points (Z'' > 0 dropped), unit weighting as impedance.py's published fits`);
  for (const circuit of [SEVEN, EIGHT]) {
    const fit = timed(FIT_ROUNDS, () => fitCircuit(circuit, data, UNIT));
    const base = timed(FIT_ROUNDS, () => fitCircuit(circuit, data, { ...BASELINE, ...UNIT }));
    const all = seconds(() => fitCircuit(circuit, data, { ...EXHAUSTIVE, ...UNIT }));
    const reference = REFERENCE_S[circuit]!;
    const speedup = reference / fit.s;
    console.log(`  ${circuit}`);
    console.log(`    operando      ${ms(fit.s)}  rss ${fit.result.rss.toExponential(3)} ohm^2  (${fit.result.localFits} local fits; first call ${ms(fit.first)})`);
    console.log(`    baseline      ${ms(base.s)}  rss ${base.result.rss.toExponential(3)} ohm^2`);
    console.log(`    exhaustive    ${ms(all.s)}  rss ${all.result.rss.toExponential(3)} ohm^2  (${all.result.localFits} local fits, one call)`);
    console.log(`    ratio         ${(fit.s / base.s).toFixed(1)} x baseline time; ${speedup.toFixed(0)} x faster than impedance.py's ${reference} s (goal ${SPEEDUP_GOAL} x)`);
  }
  await sharedSpectra();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
