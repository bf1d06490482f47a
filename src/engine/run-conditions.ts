import { map } from 'rxjs';
import type { StreamSpec } from '../core/stream-spec.js';
import type { Instrument } from '../instruments/instrument.js';
import { SUSPENSION_DEFAULTS } from './defaults.js';
import type { Suspender } from './suspensions.js';

/**
 * The condition the engine installs for each instrument of a run: tripped
 * while its link is not `connected` (lost, reconnecting, given up). It clears
 * once the instrument is back, identified and in its safe state.
 */
export function linkSuspender(instrument: Instrument): Suspender {
  return {
    name: `${instrument.id} link`,
    instrument: instrument.id,
    state$: instrument.connection$.pipe(map((c) => ({ tripped: c.state !== 'connected', reason: `${instrument.id} ${c.state}: ${c.reason}` }))),
    interrupts: true,
    settleS: SUSPENSION_DEFAULTS.linkSettleS,
    maxSuspensionS: SUSPENSION_DEFAULTS.linkMaxSuspensionS,
  };
}

/** The source of the engine's own streams (`run.interruptions`): no instrument may take this id. */
export const RUN_STREAM_SOURCE = 'run';

const text = (description: string) => ({ dtype: 'string', shape: [], unit: '', source: RUN_STREAM_SOURCE, nativeQuantity: 'run engine', description }) as const;

/**
 * The run's record of its suspensions and gaps: one event per condition
 * tripped or cleared, per suspension and resumption, per interrupted step,
 * per failure (a stream of the run like any other, shown by the API).
 */
export const interruptionStreamSpec: StreamSpec = {
  name: `${RUN_STREAM_SOURCE}.interruptions`,
  dataKeys: {
    state: text('tripped, cleared, suspended, resumed, interrupted (a step) or failed (suspended too long)'),
    condition: text('the condition (e.g. `pstat1 link`, `furnace1 temperature band`)'),
    reason: text('why, as the condition says it'),
    step: text('the step running then'),
  },
  flags: {},
  configuration: {},
  hints: {},
};
