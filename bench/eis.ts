/**
 * EIS analysis speed: equivalent-circuit fits per second on a 60-point
 * spectrum, DRT (with its GCV search for lambda) on 100 points, and fits of
 * impedance.py's exampleData.csv (inductive points dropped, as its docs do)
 * against the times impedance.py publishes for the same circuits (0.25 s for
 * R0-p(R1,C1)-p(R2-Wo1,C2), 45 s for the 8-parameter circuit with its global
 * optimiser); the goal is an equal or lower rss at least 20 times faster.
 * The baseline, measured in the same run, is the plainest fit: the guesses
 * read from the spectrum only, no random starts, no basin hops,
 * finite-difference Jacobian. The exhaustive search (every start and hop, no
 * early stop) shows what the early stop of the default search leaves out.
 * Times of the exampleData fits are medians of repeated calls after a first
 * one that lets the JIT compile that circuit's elements; the first call is
 * shown too.
 *
 * The shared spectra (the fixtures and circuits of fit-external.test.ts): the
 * default search against ONE local fit of the same circuit from the same
 * guess (`localOnly`, full tolerance), with the analytic Jacobian and with
 * finite differences as impedance.py's curve_fit does; medians of repeated
 * calls, the ratio search/local, the rss of each, and the peak resident set.
 *
 *   npm run bench eis   (or, after npm run build: node dist/bench/eis.js)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Circuit } from '../src/analysis/eis/circuit.js';
import { drt } from '../src/analysis/eis/drt.js';
import { fitCircuit, gaussian, mulberry32, type CircuitFitOptions } from '../src/analysis/eis/fit.js';
import type { ImpedanceSpectrum } from '../src/analysis/eis/spectrum.js';
import { PACKAGE_ROOT } from '../src/core/package-root.js';
import { parseImpedanceFile } from '../src/io/impedance-file.js';
import type { ImpedanceReadOptions } from '../src/io/impedance-file.js';
import { median } from './median.js';

const EIGHT = 'R0-p(R1,CPE1)-p(R2,CPE2)-W1';
const SEVEN = 'R0-p(R1,C1)-p(R2-Wo1,C2)';
const BASELINE: CircuitFitOptions = { randomStarts: 0, hops: 0, exhaustive: true, analyticJacobian: false };
const EXHAUSTIVE: CircuitFitOptions = { exhaustive: true };
const REFERENCE_S: Record<string, number> = { [SEVEN]: 0.25, [EIGHT]: 45 };
const SPEEDUP_GOAL = 20;
const FITS = 10;
const DRT_ROUNDS = 5;
const FIT_ROUNDS = 15;

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

function sharedSpectra(): void {
  console.log(`shared spectra: default search against one local fit from the same guess (median of ${FIT_ROUNDS})`);
  for (const [file, circuit, options] of SHARED) {
    const data = parseImpedanceFile(readFileSync(join(PACKAGE_ROOT, 'tests', 'fixtures', 'external', file)), file, options);
    const search = timed(FIT_ROUNDS, () => fitCircuit(circuit, data));
    const local = timed(FIT_ROUNDS, () => fitCircuit(circuit, data, { localOnly: true }));
    const localFd = timed(FIT_ROUNDS, () => fitCircuit(circuit, data, { localOnly: true, analyticJacobian: false }));
    console.log(`  ${file} ${circuit}`);
    console.log(`    search        ${ms(search.s)}  rss ${search.result.rss.toExponential(4)} ohm^2  (${search.result.localFits} local fits)`);
    console.log(`    one local fit ${ms(local.s)}  rss ${local.result.rss.toExponential(4)} ohm^2  (analytic Jacobian)`);
    console.log(`    one local fit ${ms(localFd.s)}  rss ${localFd.result.rss.toExponential(4)} ohm^2  (finite differences, as curve_fit)`);
    console.log(`    ratio         ${(search.s / local.s).toFixed(2)} x the analytic local fit, ${(search.s / localFd.s).toFixed(2)} x the finite-difference one`);
  }
  console.log(`  peak resident set ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
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
  console.log(`impedance.py exampleData.csv, ${data.frequencyHz.length} points (Z'' > 0 dropped)`);
  for (const circuit of [SEVEN, EIGHT]) {
    const fit = timed(FIT_ROUNDS, () => fitCircuit(circuit, data));
    const base = timed(FIT_ROUNDS, () => fitCircuit(circuit, data, BASELINE));
    const all = seconds(() => fitCircuit(circuit, data, EXHAUSTIVE));
    const reference = REFERENCE_S[circuit]!;
    const speedup = reference / fit.s;
    console.log(`  ${circuit}`);
    console.log(`    operando      ${ms(fit.s)}  rss ${fit.result.rss.toExponential(3)} ohm^2  (${fit.result.localFits} local fits; first call ${ms(fit.first)})`);
    console.log(`    baseline      ${ms(base.s)}  rss ${base.result.rss.toExponential(3)} ohm^2`);
    console.log(`    exhaustive    ${ms(all.s)}  rss ${all.result.rss.toExponential(3)} ohm^2  (${all.result.localFits} local fits, one call)`);
    console.log(`    ratio         ${(fit.s / base.s).toFixed(1)} x baseline time; ${speedup.toFixed(0)} x faster than impedance.py's ${reference} s (goal ${SPEEDUP_GOAL} x)`);
  }
  sharedSpectra();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
