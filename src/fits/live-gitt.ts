import { nsToS } from '../core/clock.js';
import type { DocumentBus } from '../core/bus.js';
import type { Document, RunStart } from '../core/documents.js';
import type { Logger } from '../core/logger.js';
import { GittAnalyser } from '../analysis/gitt/analyser.js';
import type { GittPulseResult, GittSample } from '../analysis/gitt/types.js';
import type { SampleConfig } from '../config/schema.js';
import type { GittPlan } from '../protocols/gitt/gitt-parameters.js';
import { GITT_PHASES } from '../protocols/gitt/gitt-protocol.js';

interface LiveRun {
  readonly analyser: GittAnalyser;
  readonly instrument: string;
  readonly startS: number;
  readonly nominalCurrentA: number;
  phase: string;
  lastCurrent: { timestampNs: bigint; value: number } | null;
}

/**
 * The live GITT fit: a consumer of the document stream that feeds each GITT
 * run's voltage and current into a GittAnalyser and publishes every pulse's
 * result (E0, Es, IR drop, D, ...) as a `fit` document as soon as its rest
 * has ended. Times in the results are seconds from the start of the run.
 */
export function attachLiveGittFit(bus: DocumentBus, logger: Logger): void {
  const runs = new Map<string, LiveRun>();
  const publish = (runId: string, results: GittPulseResult[], timestampNs: bigint) => {
    for (const r of results) bus.publish({ kind: 'fit', runId, timestampNs, method: 'gitt', index: r.index, result: { ...r, model: 'Weppner-Huggins' } });
  };
  bus.attach('live-gitt-fit', (doc: Document) => {
    switch (doc.kind) {
      case 'run-start': {
        if (!doc.protocol.startsWith('gitt@')) return;
        const plan = doc.parameters as unknown as GittPlan;
        runs.set(doc.runId, {
          analyser: new GittAnalyser(gittSample(plan), { pulseCurrentA: plan.currentA }),
          instrument: plan.instrument,
          startS: nsToS(doc.timestampNs),
          nominalCurrentA: plan.currentA,
          phase: GITT_PHASES.initialRest,
          lastCurrent: null,
        });
        logger.debug({ runId: doc.runId }, 'live GITT fit follows the run');
        return;
      }
      case 'progress': {
        const run = runs.get(doc.runId);
        if (!run) return;
        if (run.phase === GITT_PHASES.rest && doc.phase !== GITT_PHASES.rest) publish(doc.runId, run.analyser.endRest(), doc.timestampNs);
        run.phase = doc.phase;
        return;
      }
      case 'reading': {
        const run = runs.get(doc.runId);
        if (!run || doc.instrument !== run.instrument) return;
        if (doc.quantity === 'current') {
          run.lastCurrent = { timestampNs: doc.timestampNs, value: doc.value };
          return;
        }
        if (doc.quantity !== 'potential') return;
        // The protocol emits a sample's current before its potential; a rest has no current reading.
        const currentA =
          run.lastCurrent?.timestampNs === doc.timestampNs ? run.lastCurrent.value : run.phase === GITT_PHASES.pulse ? run.nominalCurrentA : 0;
        publish(doc.runId, run.analyser.push(nsToS(doc.timestampNs) - run.startS, doc.value, currentA), doc.timestampNs);
        return;
      }
      case 'run-stop': {
        const run = runs.get(doc.runId);
        if (!run) return;
        runs.delete(doc.runId);
        publish(doc.runId, run.analyser.finish(), doc.timestampNs);
        return;
      }
      default:
    }
  });
}

function gittSample(plan: GittPlan): GittSample {
  const s: Partial<SampleConfig> = plan.sample ?? {};
  // The mass form needs all four; otherwise the particle-radius form is used.
  const massForm = s.massG !== undefined && s.molarVolumeCm3PerMol !== undefined && s.molarMassGPerMol !== undefined && s.areaCm2 !== undefined;
  return {
    ...(massForm
      ? { massG: s.massG, molarVolumeCm3PerMol: s.molarVolumeCm3PerMol, molarMassGPerMol: s.molarMassGPerMol, areaCm2: s.areaCm2 }
      : { particleRadiusCm: s.particleRadiusCm }),
    // The analysis calls the charge per unit of x its theoretical capacity.
    theoreticalCapacityMah: s.capacityPerUnitXMah,
    initialX: s.initialX,
    electronsPerIon: s.electronsPerIon,
  };
}
