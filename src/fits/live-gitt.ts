import type { DocumentBus } from '../core/bus.js';
import type { Descriptor, Document, StreamEvent } from '../core/documents.js';
import type { Logger } from '../core/logger.js';
import { GittAnalyser } from '../analysis/gitt/analyser.js';
import type { GittPulseResult, GittSample } from '../analysis/gitt/types.js';
import { dcStreamName } from '../kinds/potentiostat/streams.js';
import { GittPlanSchema, type GittPlan } from '../protocols/gitt/gitt-parameters.js';
import { GITT_PHASES } from '../protocols/gitt/gitt-protocol.js';
import { FlagTally } from './flag-tally.js';
import { planOf } from './plan-of.js';

interface LiveRun {
  readonly analyser: GittAnalyser;
  /** The potentiostat's DC stream: potential and current of one instant in one event. */
  readonly stream: string;
  readonly startNs: bigint;
  descriptor: Descriptor | null;
  phase: string;
  /** The pulse the protocol is at (its pulse and the rest after it). */
  step: number;
  /** Seconds from the run's start at which the protocol began pulse k (index k - 1). */
  readonly pulseStartsS: number[];
  /** Pulses the protocol reported interrupted (a lost link): no pulse of length tau, their D is not valid. */
  readonly interrupted: Set<number>;
  /** Flags and left-out events of each pulse and its rest (the initial rest counts for pulse 1). */
  readonly flags: Map<number, FlagTally>;
}

/**
 * The live GITT fit: a consumer of the document stream that feeds each GITT
 * run's DC events (potential and current, read by key) into a GittAnalyser
 * and publishes every pulse's result (E0, Es, IR drop, D, ...) as a `fit`
 * document as soon as its rest has ended. A pulse whose samples the
 * instrument flagged (overload, underload, timing error) says so in its
 * warnings. Times in the results are seconds from the start of the run.
 * Results are numbered by the protocol's pulse (found by start time), so a
 * pulse interrupted before its first sample does not shift the numbers; an
 * interrupted pulse's result keeps its measured values but no D.
 */
export function attachLiveGittFit(bus: DocumentBus, logger: Logger): void {
  const runs = new Map<string, LiveRun>();
  const publish = (runId: string, run: LiveRun, results: GittPulseResult[], timestampNs: bigint) => {
    for (const measured of results) {
      const pulse = protocolPulse(run, measured.startS) ?? measured.index;
      const r = run.interrupted.has(pulse) ? invalidated(measured) : measured;
      const warnings = [...r.warnings, ...(run.flags.get(pulse)?.warnings('sample') ?? [])];
      run.flags.delete(pulse);
      bus.publish({ kind: 'fit', runId, timestampNs, method: 'gitt', index: pulse, result: { ...r, index: pulse, warnings, model: 'Weppner-Huggins' } });
    }
  };
  bus.attach('live-gitt-fit', (doc: Document) => {
    switch (doc.kind) {
      case 'run-start': {
        if (!doc.protocol.startsWith('gitt@')) return;
        const plan = planOf(GittPlanSchema, doc.parameters);
        if (!plan) {
          logger.warn({ runId: doc.runId, protocol: doc.protocol }, 'live GITT fit: the run-start does not hold a GITT plan it reads; no live fit');
          return;
        }
        runs.set(doc.runId, {
          analyser: new GittAnalyser(gittSample(plan), { pulseCurrentA: plan.currentA }),
          stream: dcStreamName(plan.instrument),
          startNs: doc.timestampNs,
          descriptor: null,
          phase: GITT_PHASES.initialRest,
          step: 0,
          pulseStartsS: [],
          interrupted: new Set(),
          flags: new Map(),
        });
        logger.debug({ runId: doc.runId }, 'live GITT fit follows the run');
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
        if (run.phase === GITT_PHASES.rest && doc.phase !== GITT_PHASES.rest) publish(doc.runId, run, run.analyser.endRest(), doc.timestampNs);
        run.phase = doc.phase;
        if (doc.phase === GITT_PHASES.pulse) {
          run.step = doc.step;
          run.pulseStartsS[doc.step - 1] = secondsSince(run.startNs, doc.timestampNs);
        }
        if (doc.phase === GITT_PHASES.pulseInterrupted) run.interrupted.add(doc.step);
        return;
      }
      case 'event': {
        const run = runs.get(doc.runId);
        if (run && doc.stream === run.stream) publish(doc.runId, run, push(run, doc), doc.timestampNs);
        return;
      }
      case 'run-stop': {
        const run = runs.get(doc.runId);
        if (!run) return;
        runs.delete(doc.runId);
        publish(doc.runId, run, run.analyser.finish(), doc.timestampNs);
        return;
      }
      default:
    }
  });
}

function push(run: LiveRun, event: StreamEvent): GittPulseResult[] {
  const pulse = Math.max(1, run.step);
  const tally = run.flags.get(pulse) ?? new FlagTally();
  run.flags.set(pulse, tally);
  tally.add(run.descriptor, event.flags);
  const { potential, current } = event.data;
  if (typeof potential !== 'number' || typeof current !== 'number' || !Number.isFinite(potential) || !Number.isFinite(current)) {
    tally.skip();
    return [];
  }
  return run.analyser.push(secondsSince(run.startNs, event.timestampNs), potential, current);
}

/** The protocol's pulse that began last at or before `startS`; null before any pulse progress. */
function protocolPulse(run: LiveRun, startS: number): number | null {
  for (let k = run.pulseStartsS.length; k >= 1; k--) {
    const began = run.pulseStartsS[k - 1];
    if (began !== undefined && began <= startS) return k;
  }
  return null;
}

/** An interrupted pulse: its charge and voltages are as measured; tau is not the planned one, so no D. */
function invalidated(r: GittPulseResult): GittPulseResult {
  return {
    ...r,
    diffusionCm2PerS: null,
    diffusionSqrtTCm2PerS: null,
    sqrtTR2: null,
    warnings: [...r.warnings, 'the pulse was interrupted (a lost link, see run.interruptions): no diffusion coefficient'],
  };
}

/**
 * Seconds from the run's start, from the exact nanosecond difference: the
 * same double an export's `time_s` column parses to, so an offline analysis
 * of the exported CSV reproduces the live fit exactly.
 */
function secondsSince(startNs: bigint, timestampNs: bigint): number {
  return Number(timestampNs - startNs) / 1e9;
}

function gittSample(plan: GittPlan): GittSample {
  const s = plan.sample ?? {};
  // The mass form needs all four; otherwise the particle-radius form is used.
  const massForm = s.massG !== undefined && s.molarVolumeCm3PerMol !== undefined && s.molarMassGPerMol !== undefined && s.areaCm2 !== undefined;
  return {
    ...(massForm
      ? { massG: s.massG, molarVolumeCm3PerMol: s.molarVolumeCm3PerMol, molarMassGPerMol: s.molarMassGPerMol, areaCm2: s.areaCm2 }
      : { particleRadiusCm: s.particleRadiusCm }),
    // The analysis calls the charge per unit of x its theoreticalCapacity.
    theoreticalCapacityMah: s.capacityPerUnitXMah,
    initialX: s.initialX,
    electronsPerIon: s.electronsPerIon,
  };
}
