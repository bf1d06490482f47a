import type { DocumentBus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import { datasetTemperatureK, SAME_TEMPERATURE_K, type ExternalDataset, type ExternalKind } from './external-dataset.js';
import type { ExternalHold, ExternalHolds } from './external-holds.js';
import { IngestError } from './errors.js';

export interface IngestDeps {
  readonly bus: DocumentBus;
  readonly clock: Clock;
  /** The runs the service knows (the run engine): a run's progress says how many steps it has (`of`) once it has announced them. */
  readonly runs: { get(runId: string): RunSteps | undefined };
  readonly holds: ExternalHolds;
}

/** What ingestion needs of a run: its latest progress (`of`: its number of steps, null while unknown). */
export interface RunSteps {
  readonly progress: { readonly of: number | null } | null;
}

export interface ExternalSubmission {
  /** The run the data belong to; without it, the one run waiting at the data's temperature. */
  readonly runId?: string;
  /** The run's temperature step; without it, the step the run waits at. */
  readonly step?: number;
  readonly dataset: ExternalDataset;
  /** Where the data came from (`upload by alice`, `folder t2_310K.csv`), kept with them. */
  readonly source: string;
}

export interface IngestOutcome {
  readonly runId: string;
  readonly step: number;
  readonly kind: ExternalKind;
  readonly temperatureK: number;
  readonly points: number;
  /** How the step was found: given, or the open hold of the run, or the only hold at the data's temperature. */
  readonly link: 'explicit' | 'hold' | 'temperature';
  /** A run was waiting for these data at that step and goes on now. */
  readonly endedHold: boolean;
}

/** The fit-document method under which ingested data are published, e.g. `external-nmr-t2`. */
export function externalMethod(kind: ExternalKind): string {
  return `external-${kind}`;
}

/**
 * Links external data to a run and temperature step, publishes them on the
 * bus (method `external-<kind>`, index = step: the store keeps them and the
 * live VT fit uses them) and ends the hold of a run waiting for them. The
 * spectrometer's results are themselves fitted values (T2 from its echo
 * decay fit, fractions from integrated cross-peaks), hence fit documents.
 */
export function ingestExternal(deps: IngestDeps, submission: ExternalSubmission): IngestOutcome {
  const { dataset } = submission;
  const temperatureK = datasetTemperatureK(dataset);
  const { runId, step, link } = resolveLink(deps, submission, temperatureK);
  deps.bus.publish({
    kind: 'fit',
    runId,
    timestampNs: deps.clock.nowNs(),
    method: externalMethod(dataset.kind),
    index: step,
    result: { kind: dataset.kind, source: submission.source, link, temperatureK, points: dataset.rows },
  });
  const endedHold = deps.holds.deliver({ runId, step, kind: dataset.kind, temperatureK, points: dataset.rows.length, source: submission.source });
  return { runId, step, kind: dataset.kind, temperatureK, points: dataset.rows.length, link, endedHold };
}

function resolveLink(deps: IngestDeps, submission: ExternalSubmission, temperatureK: number): { runId: string; step: number; link: IngestOutcome['link'] } {
  const kind = submission.dataset.kind;
  const fits = (h: ExternalHold) => h.kinds.includes(kind) && Math.abs(h.setpointK - temperatureK) <= SAME_TEMPERATURE_K;
  const describe = (h: ExternalHold) => `run ${h.runId} step ${h.step} at ${h.setpointK} K`;
  if (submission.runId === undefined) {
    const candidates = deps.holds.list().filter(fits);
    if (candidates.length === 1) return { runId: candidates[0]!.runId, step: candidates[0]!.step, link: 'temperature' };
    if (candidates.length === 0) {
      throw new IngestError(`no run waits for ${kind} data at ${temperatureK.toFixed(1)} K: name the run and step`, 'INGEST_NO_LINK', { temperatureK });
    }
    throw new IngestError(`several runs wait for ${kind} data at ${temperatureK.toFixed(1)} K (${candidates.map(describe).join('; ')}): name the run`, 'INGEST_AMBIGUOUS_LINK', {
      temperatureK,
    });
  }
  const { runId } = submission;
  if (submission.step !== undefined && !(Number.isInteger(submission.step) && submission.step >= 1)) {
    throw new IngestError(`step ${submission.step} is not a step number (1, 2, ...)`, 'INGEST_VALUE', { step: submission.step });
  }
  const run = deps.runs.get(runId);
  if (!run) throw new IngestError(`no run ${runId} is known to this service`, 'INGEST_UNKNOWN_RUN', { runId });
  const steps = run.progress?.of ?? null;
  if (submission.step !== undefined && steps !== null && submission.step > steps) {
    throw new IngestError(`run ${runId} has ${steps} steps: there is no step ${submission.step}`, 'INGEST_UNKNOWN_STEP', { runId, step: submission.step, steps });
  }
  const hold = deps.holds.list().find((h) => h.runId === runId);
  if (submission.step !== undefined) {
    // Data at another temperature than the step they are sent to are a mix-up, caught while the run waits there.
    if (hold?.step === submission.step && !fits(hold)) {
      throw new IngestError(`${kind} data at ${temperatureK.toFixed(1)} K do not belong to ${describe(hold)}`, 'INGEST_NO_LINK', { runId, step: submission.step });
    }
    return { runId, step: submission.step, link: 'explicit' };
  }
  if (hold && fits(hold)) return { runId, step: hold.step, link: 'hold' };
  throw new IngestError(
    `run ${runId} waits for no ${kind} data at ${temperatureK.toFixed(1)} K${hold ? ` (it waits at step ${hold.step}, ${hold.setpointK} K)` : ''}: name the step`,
    'INGEST_NO_LINK',
    { runId },
  );
}
