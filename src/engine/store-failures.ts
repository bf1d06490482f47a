import type { Observable, Subscription } from 'rxjs';
import type { Logger } from '../core/logger.js';
import type { StoreError } from '../store/errors.js';
import type { RunEngine } from './run-engine.js';

/**
 * A batch the store did not keep aborts the runs whose documents it held
 * (`runIds` in the failure's context), with the reason: their record has a
 * gap now. Other runs go on; a store that fails for them too will report
 * their batches as well.
 */
export function abortRunsOfFailedBatches(failures$: Observable<StoreError>, engine: Pick<RunEngine, 'get' | 'abort'>, logger: Logger): Subscription {
  return failures$.subscribe((failure) => {
    const runIds = Array.isArray(failure.context.runIds) ? failure.context.runIds.filter((id): id is string => typeof id === 'string') : [];
    for (const runId of runIds) {
      const state = engine.get(runId)?.state;
      // A run that has stopped (its run-stop was in the batch) or that this service does not run cannot be aborted.
      if (state === undefined || state === 'finished') continue;
      logger.error({ runId, code: failure.code, err: failure.message }, 'documents of the run not stored; aborting it');
      engine.abort(runId, `store write failed: ${failure.message}`);
    }
  });
}
