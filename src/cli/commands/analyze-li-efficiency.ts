import { liEfficiencyByCycle, type CurrentSample, type CycleLi, type PhaseMark, type SpectrumLi } from '../../analysis/ndp/li-efficiency.js';
import { reduceCountedSpectrum } from '../../analysis/ndp/spectrum-li.js';
import { isAnalysisError } from '../../analysis/errors.js';
import { MCA_FLAGS, spectrumStreamName } from '../../kinds/mca/streams.js';
import { dcStreamName } from '../../kinds/potentiostat/streams.js';
import { NdpPlatingPlanSchema } from '../../protocols/ndp/ndp-parameters.js';
import { phaseStreamSpec } from '../../protocols/ndp/phases.js';
import { planOf } from '../../fits/plan-of.js';
import { reducerOf } from '../../fits/live-ndp.js';
import type { DocumentStore } from '../../store/document-store.js';
import { parseCommandArgs, UsageError, type CliRunner } from '../command.js';
import { STORED_RUN_OPTIONS, withStoredRun } from '../stored-run.js';
import { printJson } from './analyze-options.js';

/** Spectra read from the store at a time: a page of 64 spectra of 8192 channels is 2 MB. */
const SPECTRA_PER_PAGE = 64;

/**
 * `operando analyze li-efficiency --run RUN_ID`: the per-cycle Li efficiency
 * of a stored operando NDP run (protocol `ndp-plating`), computed again from
 * what the store holds (its phases, the potentiostat's current, every
 * spectrum reduced with the run's own stack and K) without starting the lab:
 * the same numbers as the live fit.
 */
export const analyzeLiEfficiencyCommand: CliRunner = {
  async run(args, io) {
    const { values } = parseCommandArgs(args, { ...STORED_RUN_OPTIONS, json: { type: 'boolean' } });
    return withStoredRun(io, values, async (store, run) => {
      const record = await store.getRun(run.runId);
      const plan = record ? planOf(NdpPlatingPlanSchema, record.start.parameters) : null;
      if (!plan) throw new UsageError(`run ${run.runId} is a ${run.protocol} run, not an operando NDP run (ndp-plating)`);
      const phases = await phasesOf(store, run.runId);
      const current = await currentOf(store, run.runId, dcStreamName(plan.potentiostat));
      const spectra = await spectraOf(store, run.runId, spectrumStreamName(plan.mca), plan);
      const cycles = liEfficiencyByCycle(phases, spectra.li, current, plan.areaCm2);
      const warnings = spectra.unreduced > 0 ? [`${spectra.unreduced} spectra could not be reduced and were left out`] : [];
      if (values.json) printJson(io, { runId: run.runId, spectra: spectra.li.length, excludedSpectra: spectra.li.filter((s) => s.excluded).length, cycles, warnings });
      else io.stdout(table(run.runId, cycles, warnings));
      return 0;
    });
  },
};

async function phasesOf(store: DocumentStore, runId: string): Promise<PhaseMark[]> {
  const marks: PhaseMark[] = [];
  for await (const page of store.eventPages({ runId, stream: phaseStreamSpec.name, keys: ['cycle', 'phase'] })) {
    page.timestampsNs.forEach((atNs, i) => {
      const cycle = page.data.cycle?.[i];
      const phase = page.data.phase?.[i];
      if (typeof cycle === 'number' && typeof phase === 'string') marks.push({ cycle, phase, atNs });
    });
  }
  return marks;
}

async function currentOf(store: DocumentStore, runId: string, stream: string): Promise<CurrentSample[]> {
  const samples: CurrentSample[] = [];
  for await (const page of store.eventPages({ runId, stream, keys: ['current'] })) {
    page.timestampsNs.forEach((atNs, i) => {
      const currentA = page.data.current?.[i];
      if (typeof currentA === 'number') samples.push({ atNs, currentA });
    });
  }
  return samples;
}

/** Every spectrum reduced as the live fit does, page by page: only the small result of each is kept. */
async function spectraOf(store: DocumentStore, runId: string, stream: string, plan: NonNullable<ReturnType<typeof planOf<typeof NdpPlatingPlanSchema>>>): Promise<{ li: SpectrumLi[]; unreduced: number }> {
  const reducer = reducerOf(plan);
  const li: SpectrumLi[] = [];
  let unreduced = 0;
  const keys = ['counts', 'live_time', 'real_time', 'monitor_counts'];
  for await (const page of store.eventPages({ runId, stream, keys, pageSize: SPECTRA_PER_PAGE })) {
    page.timestampsNs.forEach((startNs, i) => {
      const counts = page.data.counts?.[i];
      const liveTimeS = page.data.live_time?.[i];
      const realTimeS = page.data.real_time?.[i];
      const monitorCounts = page.data.monitor_counts?.[i];
      if (!(counts instanceof Uint32Array) || typeof liveTimeS !== 'number' || typeof realTimeS !== 'number' || typeof monitorCounts !== 'number') return;
      const monitorLow = (page.flags[i]! & MCA_FLAGS.monitor_low) !== 0;
      try {
        li.push(reduceCountedSpectrum(reducer, { startNs, counts, liveTimeS, realTimeS, monitorCounts, monitorLow }, { nominalMonitorRatePerS: plan.monitor.nominalRatePerS, energyCalibrationKeV: plan.ndp.energyCalibrationKeV }).li);
      } catch (e) {
        if (!isAnalysisError(e)) throw e;
        unreduced++;
      }
    });
  }
  return { li, unreduced };
}

function table(runId: string, cycles: readonly CycleLi[], warnings: readonly string[]): string {
  const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(1)} %`);
  const li = (x: number | null) => (x === null ? 'n/a' : `${x.toExponential(3)} Li/cm2`);
  const lines = [`run ${runId}: ${cycles.length} complete cycles`];
  for (const c of cycles) {
    lines.push(
      `  cycle ${c.index}: plated ${li(c.platedLiPerCm2)}, stripped ${li(c.strippedLiPerCm2)}, Li efficiency ${pct(c.liEfficiency)}, CE ${pct(c.coulombicEfficiency)}, inactive ${li(c.inactiveLiPerCm2)}` +
        (c.warnings.length > 0 ? ` (${c.warnings.join('; ')})` : ''),
    );
  }
  for (const w of warnings) lines.push(`  warning: ${w}`);
  return `${lines.join('\n')}\n`;
}
