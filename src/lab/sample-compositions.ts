import type { DocumentBus } from '../core/bus.js';
import type { Logger } from '../core/logger.js';
import { planOf } from '../fits/plan-of.js';
import { GittPlanSchema, type GittPlan } from '../protocols/gitt/gitt-parameters.js';
import type { SampleComposition } from '../protocols/protocol.js';
import type { DocumentStore } from '../store/document-store.js';

/** One sample on one instrument. */
const keyOf = (instrument: string, sample: string) => `${instrument}\u0000${sample}`;

function keyOfPlan(plan: GittPlan): string {
  return keyOf(plan.instrument, plan.sample?.name ?? plan.instrument);
}

/**
 * Where each sample's composition x was last left, per instrument and sample
 * name: the x of the last GITT pulse on it. Read from the store when the lab
 * starts (the newest GITT run of each sample), then kept current from the
 * live GITT fits; a GITT run starts from it unless its parameters give
 * `sample.initialX` (src/protocols/gitt/gitt-protocol.ts).
 */
export class SampleCompositions {
  private readonly latest = new Map<string, SampleComposition>();
  /** Runs under way (and the last one stopped, whose last pulse is fitted after its run-stop): which sample each changes. */
  private readonly running = new Map<string, string>();
  private lastStopped: string | null = null;

  static async load(store: DocumentStore, logger: Logger): Promise<SampleCompositions> {
    const compositions = new SampleCompositions();
    for (const run of await store.listRuns()) {
      if (!run.protocol.startsWith('gitt@')) continue;
      const plan = planOf(GittPlanSchema, (await store.getRun(run.runId))?.start.parameters);
      if (!plan || compositions.latest.has(keyOfPlan(plan))) continue;
      // Newest runs first: the first fit with an x found for a sample is where it was left.
      const fits = await store.listFits(run.runId, 'gitt');
      for (let i = fits.length - 1; i >= 0; i--) {
        const x = fits[i]!.result.x;
        if (typeof x !== 'number' || !Number.isFinite(x)) continue;
        compositions.latest.set(keyOfPlan(plan), { x, runId: run.runId, pulse: fits[i]!.index });
        logger.debug({ instrument: plan.instrument, sample: plan.sample?.name, x, runId: run.runId }, 'sample composition carried over');
        break;
      }
    }
    return compositions;
  }

  get(instrument: string, sample: string): SampleComposition | undefined {
    return this.latest.get(keyOf(instrument, sample));
  }

  /** Follows the GITT runs' pulses as they are fitted. */
  attach(bus: DocumentBus): void {
    bus.attach('sample-compositions', (doc) => {
      if (doc.kind === 'run-start' && doc.protocol.startsWith('gitt@')) {
        const plan = planOf(GittPlanSchema, doc.parameters);
        if (plan) this.running.set(doc.runId, keyOfPlan(plan));
      } else if (doc.kind === 'fit' && doc.method === 'gitt') {
        const key = this.running.get(doc.runId);
        const x = doc.result.x;
        if (key !== undefined && typeof x === 'number' && Number.isFinite(x)) this.latest.set(key, { x, runId: doc.runId, pulse: doc.index });
      } else if (doc.kind === 'run-stop' && this.running.has(doc.runId)) {
        // The last pulse's fit comes after the run-stop: a run is forgotten at the next run-stop only.
        if (this.lastStopped !== null) this.running.delete(this.lastStopped);
        this.lastStopped = doc.runId;
      }
    });
  }
}
