import { bulkResistance, conductivitySPerCm, fittedArcs, interfaceResistanceOhmCm2, predictedBarrierFor, type CellGeometry, type FittedArc } from '../analysis/eis/derived.js';
import { CATHODES, ELECTROLYTES, type Cathode, type Electrolyte } from '../analysis/eis/interface-potentials.js';
import { Circuit } from '../analysis/eis/circuit.js';
import { fitCircuit, type CircuitFitResult } from '../analysis/eis/fit.js';
import { fitSeries, type SeriesSweep } from '../analysis/eis/series.js';
import { linKk, type LinKkResult } from '../analysis/eis/lin-kk.js';
import { withoutInductivePoints, type ImpedanceSpectrum } from '../analysis/eis/spectrum.js';
import type { DocumentBus } from '../core/bus.js';
import type { Descriptor, Document, RunStart, StreamEvent } from '../core/documents.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { eisStreamName } from '../kinds/potentiostat/streams.js';
import { EisPlanSchema, type EisPlan } from '../protocols/eis/eis-parameters.js';
import { EIS_PHASES } from '../protocols/eis/eis-protocol.js';
import { FlagTally } from './flag-tally.js';
import { planOf } from './plan-of.js';
import { extent } from '../core/extent.js';

/**
 * Beyond this root-mean-square misfit relative to |Z| the circuit misses a
 * feature of the spectrum: the noise of a working impedance analyser is well
 * below 1 % of |Z|, and Lin-KK passes spectra within 1 %.
 */
const MAX_RELATIVE_RESIDUAL = 0.05;
/** The smallest spectrum worth fitting (and the least Lin-KK accepts). */
const MIN_POINTS = 5;

interface Sweep {
  readonly index: number;
  /** The attempt at the sweep its points say (a lost link repeats a sweep); null until a point says it. */
  attempt: number | null;
  readonly frequencyHz: number[];
  readonly zRe: number[];
  readonly zIm: number[];
  readonly flags: FlagTally;
}

interface LiveRun {
  readonly plan: EisPlan;
  /** The potentiostat's impedance stream: frequency, Z', Z'' and sweep of each point in one event. */
  readonly stream: string;
  descriptor: Descriptor | null;
  sweep: Sweep | null;
  /** The sweeps of a VT series so far, fitted together after each (`eis-series`); null for other runs. */
  readonly series: { readonly sweeps: SeriesSweep[]; readonly cache: Map<string, CircuitFitResult> } | null;
}

/**
 * The live EIS fit: a consumer of the document stream that collects each
 * sweep's points (the events of the potentiostat's impedance stream whose
 * `sweep` key is the sweep announced by its `eis-sweep` progress document)
 * and, at `eis-sweep-done`, fits the run's circuit, runs the Lin-KK check and
 * derives the bulk conductivity when the sample has a thickness and an area.
 * The result is published as a `fit` document, method `eis`, index = sweep;
 * a fit that fails or is poor is published with `ok: false` and the reasons,
 * and points the instrument flagged (overload...) are named in the warnings.
 * Interrupted sweeps are dropped (the protocol repeats or marks them).
 */
export function attachLiveEisFit(bus: DocumentBus, logger: Logger): void {
  const runs = new Map<string, LiveRun>();
  bus.attach('live-eis-fit', (doc: Document) => {
    switch (doc.kind) {
      case 'run-start': {
        const plan = eisPlanOf(doc);
        const series = doc.protocol.startsWith('vt-series@') ? { sweeps: [], cache: new Map<string, CircuitFitResult>() } : null;
        if (plan) runs.set(doc.runId, { plan, stream: eisStreamName(plan.instrument), descriptor: null, sweep: null, series });
        return;
      }
      case 'descriptor': {
        const run = runs.get(doc.runId);
        if (run && doc.stream === run.stream) run.descriptor = doc;
        return;
      }
      case 'progress': {
        const run = runs.get(doc.runId);
        if (!run) return;
        if (doc.phase === EIS_PHASES.sweep) run.sweep = { index: doc.step, attempt: null, frequencyHz: [], zRe: [], zIm: [], flags: new FlagTally() };
        if (doc.phase === EIS_PHASES.sweepAborted) run.sweep = null;
        if (doc.phase === EIS_PHASES.sweepDone && run.sweep?.index === doc.step) {
          const sweep = run.sweep;
          run.sweep = null;
          const spectrum = { frequencyHz: Float64Array.from(sweep.frequencyHz), zRe: Float64Array.from(sweep.zRe), zIm: Float64Array.from(sweep.zIm) };
          const analysed = analyzeSweep(run.plan, spectrum, { runId: doc.runId, sweep: sweep.index, ...(sweep.attempt !== null && { attempt: sweep.attempt }) });
          const flagged = sweep.flags.warnings('point');
          const result = flagged.length > 0 ? { ...analysed, warnings: [...analysed.warnings, ...flagged] } : analysed;
          if (!result.ok) logger.warn({ runId: doc.runId, sweep: sweep.index, warnings: result.warnings }, 'EIS fit flagged');
          // The series first: the VT fit then takes this sweep's conductivity from it at once.
          if (run.series) {
            const across = analyzeSeries(run.plan, run.series, sweep.index, spectrum);
            if (across) bus.publish({ kind: 'fit', runId: doc.runId, timestampNs: doc.timestampNs, method: 'eis-series', index: sweep.index, result: across });
          }
          bus.publish({ kind: 'fit', runId: doc.runId, timestampNs: doc.timestampNs, method: 'eis', index: sweep.index, result });
        }
        return;
      }
      case 'event': {
        const run = runs.get(doc.runId);
        if (run?.sweep && doc.stream === run.stream) collect(run.sweep, run.descriptor, doc);
        return;
      }
      case 'run-stop':
        runs.delete(doc.runId);
        return;
      default:
    }
  });
}

/** The sweep a run executes: the EIS protocol's parameters, or the `eis` entry of a protocol that runs sweeps as a step. */
export function eisPlanOf(start: RunStart): EisPlan | null {
  return planOf(EisPlanSchema, start.parameters) ?? planOf(EisPlanSchema, start.parameters.eis);
}

/** A point of the sweep being collected, when its values are finite; the others are counted. */
function collect(sweep: Sweep, descriptor: Descriptor | null, event: StreamEvent): void {
  const { frequency, z_re: zRe, z_im: zIm, sweep: index, attempt } = event.data;
  if (index !== sweep.index) return;
  if (typeof attempt === 'number') sweep.attempt = attempt;
  sweep.flags.add(descriptor, event.flags);
  if (typeof frequency !== 'number' || typeof zRe !== 'number' || typeof zIm !== 'number' || ![frequency, zRe, zIm].every(Number.isFinite)) {
    sweep.flags.skip();
    return;
  }
  sweep.frequencyHz.push(frequency);
  sweep.zRe.push(zRe);
  sweep.zIm.push(zIm);
}

export interface EisSweepResult extends Record<string, unknown> {
  readonly ok: boolean;
  readonly warnings: string[];
}

/**
 * Fit, Lin-KK and conductivity of one sweep. Never throws: what cannot be
 * computed is reported in `warnings` with `ok: false`.
 */
export function analyzeSweep(plan: EisPlan, measured: ImpedanceSpectrum, provenance: { runId: string; sweep: number; attempt?: number }): EisSweepResult {
  const { circuit: circuitText, weighting, excludeInductive } = plan.analysis;
  const spectrum = excludeInductive ? withoutInductivePoints(measured) : measured;
  const base = {
    method: 'eis',
    model: circuitText,
    provenance: { ...provenance, instrument: plan.instrument, pointsMeasured: measured.frequencyHz.length, excludeInductive },
    points: spectrum.frequencyHz.length,
    frequencyRangeHz: frequencyRange(spectrum.frequencyHz),
  };
  if (spectrum.frequencyHz.length < MIN_POINTS) {
    return { ...base, ok: false, warnings: [`${spectrum.frequencyHz.length} usable points: at least ${MIN_POINTS} are needed for a fit`] };
  }
  const warnings: string[] = [];
  let kk: LinKkResult | null = null;
  try {
    kk = linKk(spectrum);
    if (!kk.pass) warnings.push(`Kramers-Kronig check failed: largest residual ${(100 * kk.maxResidual).toFixed(2)}% of |Z|`);
  } catch (e) {
    warnings.push(`Kramers-Kronig check not possible: ${errorMessage(e)}`);
  }
  const kkSummary = kk && { M: kk.M, mu: kk.mu, pass: kk.pass, maxResidual: kk.maxResidual };

  const circuit = Circuit.parse(circuitText);
  let fit: CircuitFitResult;
  try {
    fit = fitCircuit(circuit, spectrum, { weighting });
  } catch (e) {
    return { ...base, kk: kkSummary, ok: false, warnings: [...warnings, `fit failed: ${errorMessage(e)}`] };
  }
  for (const w of fit.warnings) warnings.push(w);
  let squaredModulus = 0;
  for (let i = 0; i < spectrum.zRe.length; i++) squaredModulus += spectrum.zRe[i]! ** 2 + spectrum.zIm[i]! ** 2;
  const relativeResidual = Math.sqrt(fit.rss / squaredModulus);
  if (relativeResidual > MAX_RELATIVE_RESIDUAL) {
    warnings.push(`poor fit: the circuit misses the spectrum by ${(100 * relativeResidual).toFixed(1)}% of |Z| (rms)`);
  }

  const geometry = pelletGeometry(plan);
  const derived = deriveConductivity(circuit, fit, geometry, warnings);
  const interfaceSummary = interfaceComparison(plan, derived.arcs);
  // A CPE exponent at its bound 1 is an ideal capacitor, a physical answer; any other bound means the fit is cornered.
  const cornered = fit.parameters.some((p) => p.atBound && !(/^CPE\d+_1$/.test(p.name) && p.value >= 1 - 1e-9));
  const ok = fit.converged && !cornered && (kk?.pass ?? false) && relativeResidual <= MAX_RELATIVE_RESIDUAL;
  return {
    ...base,
    circuit: fit.circuit,
    weighting: fit.weighting,
    parameters: Object.fromEntries(fit.parameters.map((p) => [p.name, { value: p.value, stderr: p.stderr, unit: p.unit, ...(p.fixed && { fixed: true }), ...(p.atBound && { atBound: true }) }])),
    rss: fit.rss,
    chiSquare: fit.chiSquare,
    relativeResidual,
    converged: fit.converged,
    kk: kkSummary,
    ...derived,
    ...(interfaceSummary && { interface: interfaceSummary }),
    ok,
    warnings,
  };
}

/**
 * The sweeps of a VT series so far fitted together (src/analysis/eis/series.ts):
 * each arc the same process at every temperature, its relaxation frequency
 * placed against the window, and the bulk and grain-boundary conductivity of
 * every sweep, which may change as colder sweeps come. Null when the sweep
 * has too few points to count; never throws (a failure is a warning).
 */
function analyzeSeries(plan: EisPlan, series: NonNullable<LiveRun['series']>, index: number, measured: ImpedanceSpectrum): Record<string, unknown> | null {
  const spectrum = plan.analysis.excludeInductive ? withoutInductivePoints(measured) : measured;
  if (spectrum.frequencyHz.length < MIN_POINTS) return null;
  // A repeated sweep replaces the earlier attempt.
  const earlier = series.sweeps.findIndex((s) => s.key === index);
  if (earlier >= 0) {
    series.sweeps[earlier] = { key: index, spectrum };
    for (const key of [...series.cache.keys()]) if (key.split('/')[1] === String(index)) series.cache.delete(key);
  } else series.sweeps.push({ key: index, spectrum });
  const geometry = pelletGeometry(plan);
  try {
    const fit = fitSeries(Circuit.parse(plan.analysis.circuit), series.sweeps, { weighting: plan.analysis.weighting, cache: series.cache, ...(geometry && { geometry }) });
    if (!fit) return null;
    const sigma = (r: number | undefined) => (r !== undefined && geometry ? conductivitySPerCm(r, geometry) : null);
    return {
      method: 'eis-series',
      model: plan.analysis.circuit,
      anchorSweep: fit.anchor,
      heldParameters: fit.held,
      sweeps: fit.sweeps.map((s) => ({
        sweep: s.key,
        frequencyRangeHz: s.frequencyRangeHz,
        resistanceOhm: s.resistanceOhm,
        conductivitySPerCm: sigma(s.resistanceOhm.bulk),
        grainBoundaryConductivitySPerCm: sigma(s.resistanceOhm['grain-boundary']),
        arcs: s.arcs,
        converged: s.fit.converged,
        notes: s.notes,
        rmsRelativeMisfit: s.rmsRelativeMisfit,
        flag: s.flag,
        warnings: s.fit.warnings,
      })),
      ok: true,
      warnings: [],
    };
  } catch (e) {
    return { method: 'eis-series', model: plan.analysis.circuit, ok: false, warnings: [`series fit failed: ${errorMessage(e)}`] };
  }
}

/**
 * The measured interface resistance (arcs assigned to the interface) next to
 * the intrinsic barrier tabulated for the sample's cathode | electrolyte pair
 * at its state of charge (SCIENCE.md section 6), when the sample names them.
 */
function interfaceComparison(plan: EisPlan, arcs: readonly FittedArc[] | undefined) {
  const s = plan.sample;
  const interfaceArcs = (arcs ?? []).filter((a) => a.assignment === 'interface');
  if (interfaceArcs.length === 0 && s?.cathode === undefined) return null;
  const resistanceOhm = interfaceArcs.length > 0 ? interfaceArcs.reduce((sum, a) => sum + a.resistanceOhm, 0) : null;
  const known = s?.cathode !== undefined && s.electrolyte !== undefined && s.socPercent !== undefined;
  const barrier =
    known && (CATHODES as readonly string[]).includes(s.cathode!) && (ELECTROLYTES as readonly string[]).includes(s.electrolyte!)
      ? predictedBarrierFor({ cathode: s.cathode as Cathode, electrolyte: s.electrolyte as Electrolyte, socPercent: s.socPercent! })
      : null;
  return {
    resistanceOhm,
    resistanceOhmCm2: resistanceOhm !== null && s?.areaCm2 !== undefined ? interfaceResistanceOhmCm2(resistanceOhm, s.areaCm2) : null,
    sample: known ? { cathode: s.cathode, electrolyte: s.electrolyte, socPercent: s.socPercent } : null,
    predictedBarrier: barrier,
  };
}

function pelletGeometry(plan: EisPlan): CellGeometry | null {
  const s = plan.sample;
  return s?.thicknessCm !== undefined && s.areaCm2 !== undefined ? { thicknessCm: s.thicknessCm, areaCm2: s.areaCm2 } : null;
}

/** Arcs, bulk resistance and conductivity with its standard error (from the resistors' errors, in quadrature). */
function deriveConductivity(circuit: Circuit, fit: CircuitFitResult, geometry: CellGeometry | null, warnings: string[]): { arcs?: FittedArc[] } & Record<string, unknown> {
  try {
    const arcs = fittedArcs(circuit, fit, geometry ?? undefined);
    const bulk = bulkResistance(circuit, fit, geometry ?? undefined);
    if (!bulk) return { arcs, bulkResistance: null, conductivitySPerCm: null };
    const stderrs = bulk.from.map((name) => fit.parameters.find((p) => p.name === name)?.stderr ?? null);
    const resistanceStderrOhm = stderrs.every((s): s is number => s !== null) ? Math.sqrt(stderrs.reduce((a, s) => a + s * s, 0)) : null;
    if (!geometry) return { arcs, bulkResistance: { ...bulk, stderrOhm: resistanceStderrOhm }, conductivitySPerCm: null };
    const sigma = conductivitySPerCm(bulk.resistanceOhm, geometry);
    return {
      arcs,
      bulkResistance: { ...bulk, stderrOhm: resistanceStderrOhm },
      geometry,
      conductivitySPerCm: sigma,
      conductivityStderrSPerCm: resistanceStderrOhm === null ? null : (sigma * resistanceStderrOhm) / bulk.resistanceOhm,
    };
  } catch (e) {
    warnings.push(`conductivity not derived: ${errorMessage(e)}`);
    return { conductivitySPerCm: null };
  }
}

/** [lowest, highest] frequency, or null for no points. */
function frequencyRange(frequencyHz: Float64Array): [number, number] | null {
  const range = extent(frequencyHz);
  return range && [range.min, range.max];
}
