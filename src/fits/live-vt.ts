import { fitArrhenius, type ArrheniusQuantity } from '../analysis/arrhenius/arrhenius.js';
import { fitExsy } from '../analysis/nmr/exsy.js';
import { analyzeT2 } from '../analysis/nmr/t2-temperature.js';
import type { DocumentBus } from '../core/bus.js';
import type { Document, FitResult } from '../core/documents.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { ExsyRow, T2Row } from '../ingest/external-dataset.js';
import { externalMethod } from '../ingest/ingest.js';
import { VtSeriesPlanSchema, type VtSeriesPlan, type VtStepResult } from '../protocols/vt-series/vt-parameters.js';
import { planOf } from './plan-of.js';

/** What a temperature step contributes to a fit across temperatures, and whether it may count. */
interface StepPoint {
  readonly step: number;
  readonly temperatureK: number;
  readonly value: number;
  readonly included: boolean;
  readonly warnings: readonly string[];
}

interface StepData {
  settled?: VtStepResult;
  eis?: { conductivitySPerCm: number | null; ok: boolean; kkPass: boolean; warnings: readonly string[] };
  /**
   * This step's sweep in the fit of the whole series (`eis-series`): the values the Arrhenius fits use when there;
   * `flag` says why they are not to be trusted (the sweep's fit an outlier of the series), null when nothing does.
   */
  series?: { bulk: number | null; grainBoundary: number | null; ok: boolean; flag: string | null; notes: readonly string[] };
  t2?: readonly T2Row[];
  exsy?: readonly ExsyRow[];
  exsyDiffusion?: { valueCm2PerS: number; included: boolean; warnings: readonly string[] };
}

interface LiveVt {
  readonly plan: VtSeriesPlan;
  readonly steps: Map<number, StepData>;
  /** The points behind the last published fit of each kind, so an unchanged fit is not published again. */
  readonly published: Map<string, string>;
}

/** The `arrhenius` fits of a VT series need this many settled temperatures (fitArrhenius refuses fewer). */
const MIN_ARRHENIUS_POINTS = 3;
/** analyzeT2 needs three motional and two rigid-lattice points. */
const MIN_T2_POINTS = 5;

/**
 * The live VT fit: a consumer of the document stream that joins each VT
 * series' settled temperatures (`vt-step` fits) with what was measured there
 * (the live EIS fit's conductivity; ingested NMR data) and publishes:
 * - `vt-conductivity` per step: sigma at the measured temperature;
 * - `exsy` per step: D_eff from the exchange build-up (needs nmr.exsyDistance);
 * - `arrhenius` of sigma*T (quantity conductivity) and of D_eff (diffusion)
 *   once 3 temperatures count, refitted as more come, and a final one at the
 *   end of the run (`final: true`, with the reason when it cannot be fitted);
 * - `t2-temperature`: the motional-narrowing analysis of T2 against T (needs
 *   nmr.jumpDistance and dimension, and 5 temperatures).
 * Only settled, unmarked steps with an accepted measurement count; the others
 * are listed as excluded with their reasons. The temperature of a point is
 * the controller's mean over the step's hold and measurement.
 */
export function attachLiveVtFit(bus: DocumentBus, logger: Logger): void {
  const runs = new Map<string, LiveVt>();
  const publish = (runId: string, timestampNs: bigint, method: string, index: number, result: Record<string, unknown>) =>
    bus.publish({ kind: 'fit', runId, timestampNs, method, index, result });

  bus.attach('live-vt-fit', (doc: Document) => {
    if (doc.kind === 'run-start') {
      if (!doc.protocol.startsWith('vt-series@')) return;
      const plan = planOf(VtSeriesPlanSchema, doc.parameters);
      if (plan) runs.set(doc.runId, { plan, steps: new Map(), published: new Map() });
      else logger.warn({ runId: doc.runId, protocol: doc.protocol }, 'live VT fit: the run-start does not hold a VT plan it reads; no live fit');
      return;
    }
    const run = runs.get(doc.runId);
    if (!run) return;
    if (doc.kind === 'run-stop') {
      runs.delete(doc.runId);
      publishAcross(run, (method, index, result) => publish(doc.runId, doc.timestampNs, method, index, result), true);
      return;
    }
    if (doc.kind !== 'fit' || !absorb(run, doc)) return;
    try {
      // The series fit may move every step's values: each is looked at again.
      const steps = doc.method === 'eis-series' ? [...run.steps.keys()] : [doc.index];
      for (const step of steps) updateStep(run, step, (method, index, result) => publish(doc.runId, doc.timestampNs, method, index, result));
      publishAcross(run, (method, index, result) => publish(doc.runId, doc.timestampNs, method, index, result), false);
    } catch (e) {
      logger.error({ runId: doc.runId, err: errorMessage(e) }, 'live VT fit failed on a step');
    }
  });
}

type Publish = (method: string, index: number, result: Record<string, unknown>) => void;

/** Takes what a fit document tells about a step; false when it is not for this consumer. */
function absorb(run: LiveVt, doc: FitResult): boolean {
  const data = run.steps.get(doc.index) ?? {};
  const r = doc.result as Record<string, unknown>;
  if (doc.method === 'vt-step') data.settled = r as unknown as VtStepResult;
  else if (doc.method === 'eis') {
    const kk = r.kk as { pass?: boolean } | null | undefined;
    data.eis = { conductivitySPerCm: typeof r.conductivitySPerCm === 'number' ? r.conductivitySPerCm : null, ok: r.ok === true, kkPass: kk?.pass === true, warnings: (r.warnings as string[]) ?? [] };
  } else if (doc.method === 'eis-series') {
    if (r.ok !== true) return false;
    for (const s of r.sweeps as Array<{ sweep: number; conductivitySPerCm: number | null; grainBoundaryConductivitySPerCm: number | null; converged: boolean; flag?: string | null; notes: string[] }>) {
      const step = run.steps.get(s.sweep) ?? {};
      step.series = { bulk: s.conductivitySPerCm, grainBoundary: s.grainBoundaryConductivitySPerCm, ok: s.converged, flag: s.flag ?? null, notes: s.notes };
      run.steps.set(s.sweep, step);
    }
    return true;
  } else if (doc.method === externalMethod('nmr-t2')) data.t2 = r.points as T2Row[];
  else if (doc.method === externalMethod('nmr-exsy')) data.exsy = r.points as ExsyRow[];
  else return false;
  run.steps.set(doc.index, data);
  return true;
}

/** Per-step results once a step has both its settled temperature and its measurement. */
function updateStep(run: LiveVt, step: number, publish: Publish): void {
  const data = run.steps.get(step);
  const settled = data?.settled;
  if (!data || !settled) return;
  const temperatureK = settled.temperatureK.meanK;
  if (data.eis && changed(run, `vt-conductivity/${step}`, [data.eis, data.series])) {
    const point = conductivityPoint(step, settled, data, 'bulk');
    publish('vt-conductivity', step, {
      temperatureK,
      temperatureSdK: settled.temperatureK.sdK,
      conductivitySPerCm: point?.value ?? null,
      grainBoundaryConductivitySPerCm: data.series?.grainBoundary ?? null,
      from: data.series ? 'eis-series' : 'eis',
      notes: data.series?.notes ?? [],
      included: point?.included ?? false,
      warnings: point?.warnings ?? ['no conductivity: see the eis fit of this step'],
    });
  }
  const distanceCm = run.plan.nmr.exsyDistanceCm;
  if (data.exsy && distanceCm !== null && changed(run, `exsy/${step}`, data.exsy)) {
    try {
      const fit = fitExsy(data.exsy, distanceCm);
      data.exsyDiffusion = { valueCm2PerS: fit.diffusionCm2PerS.value, included: settled.ok, warnings: settled.warnings };
      publish('exsy', step, { model: 'cubic-particle exchange (SCIENCE.md 4)', temperatureK, distanceCm, ...fit, included: settled.ok, ok: true, warnings: settled.warnings });
    } catch (e) {
      data.exsyDiffusion = undefined;
      publish('exsy', step, { temperatureK, distanceCm, ok: false, warnings: [errorMessage(e)] });
    }
  }
}

/** The bulk or grain-boundary conductivity of a step: the series fit's when there (the sweep's own fit may mistake one arc for the other), else the sweep's bulk. */
function conductivityPoint(step: number, settled: VtStepResult, data: StepData, process: ConductivityProcess): StepPoint | null {
  const eis = data.eis;
  if (!eis) return null;
  const value = data.series ? (process === 'bulk' ? data.series.bulk : data.series.grainBoundary) : process === 'bulk' ? eis.conductivitySPerCm : null;
  if (value === null) return null;
  // With the series fit, the sweep counts when its spectrum passes Lin-KK and
  // the fit with the anchor's CPEs converged and is no outlier of the series:
  // the sweep's own fit may be flagged only for what the series resolves (a
  // series resistance on its bound beside a bulk arc above the window).
  const series = data.series;
  const reasons = series
    ? [...(series.ok && eis.kkPass ? [] : ['the EIS fit of this step is flagged', ...eis.warnings]), ...(series.flag === null ? [] : [series.flag])]
    : eis.ok
      ? []
      : ['the EIS fit of this step is flagged', ...eis.warnings];
  const ok = reasons.length === 0;
  const warnings = [...settled.warnings, ...reasons];
  return { step, temperatureK: settled.temperatureK.meanK, value, included: settled.ok && ok, warnings };
}

type ConductivityProcess = 'bulk' | 'grain-boundary';

/** The fits across temperatures: live when the counted points changed, and all of them at the end of the run. */
function publishAcross(run: LiveVt, publish: Publish, final: boolean): void {
  const conductivity: StepPoint[] = [];
  const grainBoundary: StepPoint[] = [];
  const diffusion: StepPoint[] = [];
  const t2: StepPoint[] = [];
  for (const [step, data] of [...run.steps].sort(([a], [b]) => a - b)) {
    const settled = data.settled;
    if (!settled) continue;
    const bulk = conductivityPoint(step, settled, data, 'bulk');
    if (bulk) conductivity.push(bulk);
    const boundary = conductivityPoint(step, settled, data, 'grain-boundary');
    if (boundary) grainBoundary.push(boundary);
    if (data.exsyDiffusion) diffusion.push({ step, temperatureK: settled.temperatureK.meanK, value: data.exsyDiffusion.valueCm2PerS, included: data.exsyDiffusion.included, warnings: data.exsyDiffusion.warnings });
    if (data.t2) {
      const meanT2S = data.t2.reduce((s, r) => s + r.t2S, 0) / data.t2.length;
      t2.push({ step, temperatureK: settled.temperatureK.meanK, value: meanT2S, included: settled.ok, warnings: settled.warnings });
    }
  }
  if (run.plan.eis) {
    publishArrhenius(run, conductivity, 'conductivity', publish, final, 'bulk');
    // Only where the series fit has told the grain-boundary arc apart.
    if (grainBoundary.length > 0) publishArrhenius(run, grainBoundary, 'conductivity', publish, final, 'grain-boundary');
  }
  if (run.plan.external?.kinds.includes('nmr-exsy') && run.plan.nmr.exsyDistanceCm !== null) publishArrhenius(run, diffusion, 'diffusion', publish, final);
  if (run.plan.external?.kinds.includes('nmr-t2')) publishT2(run, t2, publish, final);
}

/** `process`: which arc's conductivity (bulk or grain boundary), for `conductivity`. */
function publishArrhenius(run: LiveVt, points: StepPoint[], quantity: ArrheniusQuantity, publish: Publish, final: boolean, process?: ConductivityProcess): void {
  const included = points.filter((p) => p.included);
  if (!final && (included.length < MIN_ARRHENIUS_POINTS || !changed(run, `arrhenius/${quantity}/${process ?? ''}`, included))) return;
  const index = points.reduce((last, p) => Math.max(last, p.step), 0);
  const base = { quantity, ...(process && { process }), final, steps: included.map((p) => p.step), excluded: excludedOf(points) };
  // The grain boundary's own method: a fit document is one per run, method, index and time.
  const method = process === 'grain-boundary' ? 'arrhenius-grain-boundary' : 'arrhenius';
  try {
    const fit = fitArrhenius(included, quantity);
    publish(method, index, { ...base, ...fit, inputs: included.map(({ step, temperatureK, value }) => ({ step, temperatureK, value })), ok: true, warnings: [] });
  } catch (e) {
    publish(method, index, { ...base, ok: false, warnings: [errorMessage(e)] });
  }
}

function publishT2(run: LiveVt, points: StepPoint[], publish: Publish, final: boolean): void {
  const { jumpDistanceCm, dimension } = run.plan.nmr;
  const included = points.filter((p) => p.included);
  if (!final && (included.length < MIN_T2_POINTS || !changed(run, 't2-temperature', included))) return;
  const index = points.reduce((last, p) => Math.max(last, p.step), 0);
  const base = { final, steps: included.map((p) => p.step), excluded: excludedOf(points) };
  if (jumpDistanceCm === null || dimension === null) {
    if (final) publish('t2-temperature', index, { ...base, ok: false, warnings: ['nmr.jumpDistance and nmr.dimension are needed for the T2 analysis'] });
    return;
  }
  try {
    const analysis = analyzeT2(
      included.map((p) => ({ temperatureK: p.temperatureK, t2S: p.value })),
      { jumpDistanceCm, dimension },
    );
    publish('t2-temperature', index, { ...base, ...analysis, ok: analysis.warnings.length === 0 });
  } catch (e) {
    publish('t2-temperature', index, { ...base, ok: false, warnings: [errorMessage(e)] });
  }
}

function excludedOf(points: StepPoint[]): Array<{ step: number; temperatureK: number; reasons: readonly string[] }> {
  return points.filter((p) => !p.included).map((p) => ({ step: p.step, temperatureK: p.temperatureK, reasons: p.warnings }));
}

/** Remembers what a fit was last computed from; true when it differs. */
function changed(run: LiveVt, key: string, inputs: unknown): boolean {
  const signature = JSON.stringify(inputs);
  if (run.published.get(key) === signature) return false;
  run.published.set(key, signature);
  return true;
}
