import type { StreamSpec } from '../../core/stream-spec.js';
import { RUN_STREAM_SOURCE } from '../../engine/run-conditions.js';

/**
 * The phases of an operando plating/stripping run, in order: the initial
 * rest (cycle 0), then per cycle plating, rest, stripping, rest; `end` when
 * the last rest is over. Spectra are assigned to phases by time: a spectrum
 * counted wholly inside a rest measures the Li of that state.
 */
export const NDP_PHASES = {
  initialRest: 'initial-rest',
  plating: 'plating',
  restAfterPlating: 'rest-after-plating',
  stripping: 'stripping',
  restAfterStripping: 'rest-after-stripping',
  end: 'end',
} as const;
export type NdpPhase = (typeof NDP_PHASES)[keyof typeof NDP_PHASES];

/**
 * `run.phases`: one event at the start of each phase (and `end`), so that a
 * stored run says when it plated and stripped, for an offline analysis as
 * for the live one (progress documents are not stored).
 */
export const phaseStreamSpec: StreamSpec = {
  name: `${RUN_STREAM_SOURCE}.phases`,
  dataKeys: {
    cycle: { dtype: 'integer', shape: [], unit: '', source: RUN_STREAM_SOURCE, nativeQuantity: 'protocol', description: 'the cycle (0: the rest before the first plating)' },
    phase: { dtype: 'string', shape: [], unit: '', source: RUN_STREAM_SOURCE, nativeQuantity: 'protocol', description: Object.values(NDP_PHASES).join(', ') },
  },
  flags: {},
  configuration: {},
  hints: {},
};
