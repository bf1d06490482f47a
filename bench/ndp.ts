/**
 * NDP reduction speed: 4096-channel spectra reduced per second (goal
 * > 1,000/s, a spectrum every few lab seconds leaves room for many runs),
 * against a baseline measured in the same run: one plain pass summing the
 * counts of each spectrum, the least any reduction must do. Three ways of
 * reducing: one reducer kept for a run (its energy-depth map of a calibration
 * computed once, as the live analysis of a run holds it), a new reducer per
 * spectrum (stack resolved and map computed every time), and depth bins of
 * 100 nm. Also the forward model (expectedSpectrum) an NDP simulator calls
 * per spectrum. Each figure is the median of ROUNDS rounds over SPECTRA
 * Poisson spectra of 5 um of dense Li behind 1 um of Cu.
 *
 *   npm run bench ndp   (or, after npm run build: node dist/bench/ndp.js)
 */
import { pathToFileURL } from 'node:url';
import { Random } from '../simulators/common/random.js';
import { DENSE_LITHIUM_ATOMS_PER_CM3 } from '../src/analysis/ndp/constants.js';
import { expectedSpectrum, type ExpectedSpectrumOptions } from '../src/analysis/ndp/forward-model.js';
import { NdpReducer, type NdpReductionOptions } from '../src/analysis/ndp/reduce.js';
import type { McaSpectrum } from '../src/core/spectrum.js';
import { median } from './median.js';

const CHANNELS = 4096;
const SPECTRA = 64;
const ROUNDS = 15;
const GOAL_PER_S = 1000;
const CALIBRATION = [0, 0.75, 0] as const;
const STACK = { detectorAngleDeg: 0, layers: [{ material: 'Cu', thicknessNm: 1000 }, { material: 'Li', thicknessNm: null }] };
const K = 1e-17;

const FORWARD: ExpectedSpectrumOptions = {
  profile: { depthStepNm: 10, maxDepthNm: 5000, liPerCm3: () => DENSE_LITHIUM_ATOMS_PER_CM3 },
  stack: STACK,
  calibrationCountsPerSPerLiPerCm2: K,
  liveTimeS: 600,
  resolutionFwhmKeV: 15,
  energyCalibrationKeV: CALIBRATION,
  channels: CHANNELS,
};
const REDUCTION: NdpReductionOptions = { stack: STACK, calibrationCountsPerSPerLiPerCm2: K, resolutionFwhmKeV: 15 };

/** Runs `work` over every spectrum ROUNDS times; the median rate in spectra per second. */
function rate(spectra: readonly McaSpectrum[], work: (s: McaSpectrum) => number): number {
  let sink = 0;
  for (const s of spectra) sink += work(s); // warm-up: let the JIT compile first
  const rates = Array.from({ length: ROUNDS }, () => {
    const start = performance.now();
    for (const s of spectra) sink += work(s);
    return spectra.length / ((performance.now() - start) / 1000);
  });
  if (Number.isNaN(sink)) console.log('(sink)');
  return median(rates);
}

export async function main(): Promise<void> {
  const expected = expectedSpectrum(FORWARD);
  const spectra = Array.from({ length: SPECTRA }, (_, k): McaSpectrum => {
    const random = new Random(k + 1);
    return { counts: Uint32Array.from(expected, (m) => random.poisson(m)), liveTimeS: 600, realTimeS: 630, startNs: null, energyCalibrationKeV: CALIBRATION };
  });

  const baseline = rate(spectra, (s) => {
    let total = 0;
    for (let i = 0; i < s.counts.length; i++) total += s.counts[i]!;
    return total;
  });
  const kept = new NdpReducer(REDUCTION);
  const warm = rate(spectra, (s) => kept.reduce(s).arealDensityLiPerCm2.value);
  const binned = new NdpReducer({ ...REDUCTION, depthBinNm: 100 });
  const warmBinned = rate(spectra, (s) => binned.reduce(s).arealDensityLiPerCm2.value);
  const cold = rate(spectra, (s) => new NdpReducer(REDUCTION).reduce(s).arealDensityLiPerCm2.value);
  const forward = rate(spectra.slice(0, 8), () => expectedSpectrum(FORWARD)[0]!);

  const line = (label: string, perS: number) => console.log(`  ${label.padEnd(44)} ${perS.toFixed(0).padStart(9)} /s  (${(baseline / perS).toFixed(0)} x the baseline's time)`);
  console.log(`ndp: ${CHANNELS}-channel spectra of 5 um of dense Li behind 1 um Cu, triton branch, median of ${ROUNDS} rounds of ${SPECTRA} spectra`);
  console.log(`  ${'baseline: one pass summing the counts'.padEnd(44)} ${baseline.toFixed(0).padStart(9)} /s`);
  line('reduction, one reducer per run', warm);
  line('reduction, one reducer per run, 100 nm bins', warmBinned);
  line('reduction, a new reducer per spectrum', cold);
  line('forward model (expectedSpectrum, 2 branches)', forward);
  console.log(`  goal: > ${GOAL_PER_S} reductions/s: ${warm > GOAL_PER_S ? 'met' : 'NOT met'} with a reducer per run, ${cold > GOAL_PER_S ? 'met' : 'NOT met'} with a new one per spectrum`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
