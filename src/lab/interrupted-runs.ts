import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { DocumentStore } from '../store/document-store.js';

/**
 * Runs the store holds without a run-stop were running when the service died
 * (crash, kill -9, power cut). At start-up they get a run-stop saying so, with
 * the events that reached the store, so no run stays "running" forever.
 */
export async function closeInterruptedRuns(store: DocumentStore, clock: Clock, logger: Logger): Promise<string[]> {
  const open = (await store.listRuns()).filter((r) => r.stopNs === null);
  if (open.length === 0) return [];
  const stops = await Promise.all(
    open.map(async (r) => ({
      kind: 'run-stop' as const,
      runId: r.runId,
      timestampNs: clock.nowNs(),
      exitStatus: 'fail' as const,
      reason: 'the service stopped while the run was going on (crash or kill); the events stored before it are kept',
      events: Object.fromEntries((await store.listStreams(r.runId)).map((s) => [s.stream, s.count])),
    })),
  );
  await store.append(stops);
  for (const r of open) logger.warn({ runId: r.runId, events: r.events }, 'closed a run interrupted by a service stop');
  return open.map((r) => r.runId);
}
