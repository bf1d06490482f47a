import { liEfficiencyByCycle, type CurrentSample, type PhaseMark, type SpectrumLi } from '../analysis/ndp/li-efficiency.js';
import { NdpReducer, type NdpReduction } from '../analysis/ndp/reduce.js';
import { reduceCountedSpectrum, type CountedSpectrum, type ReducedSpectrum } from '../analysis/ndp/spectrum-li.js';
import type { DocumentBus } from '../core/bus.js';
import type { Document, StreamEvent } from '../core/documents.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { MCA_FLAGS, spectrumStreamName } from '../kinds/mca/streams.js';
import { dcStreamName } from '../kinds/potentiostat/streams.js';
import { NdpPlatingPlanSchema, type NdpPlatingPlan } from '../protocols/ndp/ndp-parameters.js';
import { phaseStreamSpec } from '../protocols/ndp/phases.js';
import { planOf } from './plan-of.js';

/** Profiles kept per run for the depth x time matrix: a week of 5-min spectra; beyond, the matrix says it was cut. */
const MAX_PROFILES_PER_RUN = 2016;

interface LiveNdp {
  readonly plan: NdpPlatingPlan;
  readonly reducer: NdpReducer;
  readonly startNs: bigint;
  readonly spectrumStream: string;
  readonly dcStream: string;
  readonly phases: PhaseMark[];
  readonly spectra: SpectrumLi[];
  readonly current: CurrentSample[];
  /** Cycles already published. */
  published: number;
  /** Start of the latest spectrum seen: spectra come one after the other, so none of an earlier rest can follow. */
  lastSpectrumStartNs: bigint;
  readonly matrix: { timeS: number[]; depthNm: number[] | null; liPerCm3: number[][]; cut: boolean };
}

/**
 * The live fit of an operando NDP run (protocol `ndp-plating`): every
 * spectrum of the run's MCA is reduced to a depth profile and an areal
 * density (`ndp-profile`, index = the spectrum's sequence number; spectra
 * flagged `monitor_low` are reduced but excluded), and as each cycle's last
 * rest ends the cycle's plated and stripped Li, Li efficiency and Coulombic
 * efficiency come out (`li-efficiency`, index = cycle). At the end of the run
 * the profiles of all spectra as a depth x time matrix (`ndp-depth-time`)
 * for a heatmap. Times are seconds from the run's start.
 */
export function attachLiveNdpFit(bus: DocumentBus, logger: Logger): void {
  const runs = new Map<string, LiveNdp>();
  bus.attach('live-ndp-fit', (doc: Document) => {
    switch (doc.kind) {
      case 'run-start': {
        if (!doc.protocol.startsWith('ndp-plating@')) return;
        const plan = planOf(NdpPlatingPlanSchema, doc.parameters);
        if (!plan) {
          logger.warn({ runId: doc.runId }, 'live NDP fit: the run-start does not hold an NDP plan it reads; no live fit');
          return;
        }
        runs.set(doc.runId, {
          plan,
          reducer: reducerOf(plan),
          startNs: doc.timestampNs,
          spectrumStream: spectrumStreamName(plan.mca),
          dcStream: dcStreamName(plan.potentiostat),
          phases: [],
          spectra: [],
          current: [],
          published: 0,
          lastSpectrumStartNs: -1n,
          matrix: { timeS: [], depthNm: null, liPerCm3: [], cut: false },
        });
        return;
      }
      case 'event': {
        const run = runs.get(doc.runId);
        if (!run) return;
        if (doc.stream === run.dcStream) {
          const current = doc.data.current;
          if (typeof current === 'number') run.current.push({ atNs: doc.timestampNs, currentA: current });
        } else if (doc.stream === run.spectrumStream) {
          publishProfile(bus, run, doc);
          if (doc.timestampNs > run.lastSpectrumStartNs) run.lastSpectrumStartNs = doc.timestampNs;
          publishCycles(bus, doc.runId, run, doc.timestampNs, false);
        } else if (doc.stream === phaseStreamSpec.name) {
          const { cycle, phase } = doc.data;
          if (typeof cycle === 'number' && typeof phase === 'string') run.phases.push({ cycle, phase, atNs: doc.timestampNs });
        }
        return;
      }
      case 'run-stop': {
        const run = runs.get(doc.runId);
        if (!run) return;
        runs.delete(doc.runId);
        publishCycles(bus, doc.runId, run, doc.timestampNs, true);
        if (run.matrix.depthNm) {
          bus.publish({
            kind: 'fit',
            runId: doc.runId,
            timestampNs: doc.timestampNs,
            method: 'ndp-depth-time',
            index: 1,
            result: { branch: run.plan.ndp.branch, timeS: run.matrix.timeS, depthNm: run.matrix.depthNm, liPerCm3: run.matrix.liPerCm3, cut: run.matrix.cut, ok: true, warnings: [] },
          });
        }
        return;
      }
      default:
    }
  });
}

/** The reducer of a run's plan: its stack, K, branch, bins, resolution and calibration. */
export function reducerOf(plan: NdpPlatingPlan): NdpReducer {
  const { stack, calibrationCountsPerSPerLiPerCm2, branch, depthBinNm, resolutionFwhmKeV, energyCalibrationKeV, backgroundChannels } = plan.ndp;
  return new NdpReducer({
    stack: { detectorAngleDeg: stack.detectorAngleDeg, layers: stack.layers },
    calibrationCountsPerSPerLiPerCm2,
    branch,
    depthBinNm,
    resolutionFwhmKeV,
    ...(energyCalibrationKeV && { energyCalibrationKeV }),
    ...(backgroundChannels && { background: { kind: 'region' as const, fromChannel: backgroundChannels[0], toChannel: backgroundChannels[1] } }),
  });
}

/** Reduces one spectrum event; publishes its profile; keeps what the cycles and the matrix need. */
function publishProfile(bus: DocumentBus, run: LiveNdp, event: StreamEvent): void {
  const counted = countedSpectrumOf(event);
  if (!counted) return;
  const secondsOf = (ns: bigint) => Number(ns - run.startNs) / 1e9;
  const startS = secondsOf(counted.startNs);
  let reduced: ReducedSpectrum;
  try {
    reduced = reduceCountedSpectrum(run.reducer, counted, { nominalMonitorRatePerS: run.plan.monitor.nominalRatePerS, energyCalibrationKeV: run.plan.ndp.energyCalibrationKeV });
  } catch (e) {
    // A spectrum that cannot be reduced (no live time...) is reported and left out, never a crash of the fit.
    const endNs = counted.startNs + BigInt(Math.round(counted.realTimeS * 1e9));
    run.spectra.push({ startNs: counted.startNs, endNs, arealDensityLiPerCm2: { value: Number.NaN, stderr: Number.NaN }, thicknessNm: null, excluded: true });
    bus.publish({ kind: 'fit', runId: event.runId, timestampNs: endNs, method: 'ndp-profile', index: event.seq, result: { ok: false, excluded: true, startS, endS: secondsOf(endNs), warnings: [errorMessage(e)] } });
    return;
  }
  const { reduction, monitorFactor, li } = reduced;
  run.spectra.push(li);
  const warnings = [...reduction.warnings, ...(counted.monitorLow ? ['counted under a low neutron monitor: left out of the cycles'] : [])];
  bus.publish({
    kind: 'fit',
    runId: event.runId,
    timestampNs: li.endNs,
    method: 'ndp-profile',
    index: event.seq,
    result: {
      ok: !li.excluded,
      excluded: li.excluded,
      branch: reduction.branch,
      startS,
      endS: secondsOf(li.endNs),
      monitorFactor,
      arealDensityLiPerCm2: reduction.arealDensityLiPerCm2,
      equivalentMahPerCm2: reduction.equivalentMahPerCm2,
      depositThicknessNm: li.thicknessNm,
      profile: {
        depthNm: reduction.profile.map((p) => p.depthNm),
        liPerCm3: reduction.profile.map((p) => p.liPerCm3),
        uncertaintyLiPerCm3: reduction.profile.map((p) => p.uncertaintyLiPerCm3),
      },
      warnings,
    },
  });
  if (!li.excluded) keepForMatrix(run, (startS + secondsOf(li.endNs)) / 2, reduction);
}

/** A spectrum event's data, read by key; null for an event without them. */
export function countedSpectrumOf(event: StreamEvent): CountedSpectrum | null {
  const { counts, live_time: liveTimeS, real_time: realTimeS, monitor_counts: monitorCounts } = event.data;
  if (!(counts instanceof Uint32Array) || typeof realTimeS !== 'number' || typeof liveTimeS !== 'number') return null;
  return {
    startNs: event.timestampNs,
    counts,
    liveTimeS,
    realTimeS,
    monitorCounts: typeof monitorCounts === 'number' ? monitorCounts : Number.NaN,
    monitorLow: (event.flags & MCA_FLAGS.monitor_low) !== 0,
  };
}

function keepForMatrix(run: LiveNdp, timeS: number, reduction: NdpReduction): void {
  const { matrix } = run;
  if (matrix.timeS.length >= MAX_PROFILES_PER_RUN) {
    matrix.cut = true;
    return;
  }
  matrix.depthNm ??= reduction.profile.map((p) => p.depthNm);
  matrix.timeS.push(timeS);
  matrix.liPerCm3.push(reduction.profile.map((p) => p.liPerCm3));
}

/**
 * Publishes the cycles whose last rest has ended and whose spectra are all
 * in: a spectrum begun after the rest's end proves it (`final`: the run has
 * stopped, every spectrum is in).
 */
function publishCycles(bus: DocumentBus, runId: string, run: LiveNdp, timestampNs: bigint, final: boolean): void {
  const cycles = liEfficiencyByCycle(run.phases, run.spectra, run.current, run.plan.areaCm2);
  for (const cycle of cycles.slice(run.published)) {
    if (!final) {
      const restEndNs = endOfCycle(run.phases, cycle.index);
      if (restEndNs === null || run.lastSpectrumStartNs < restEndNs) return;
    }
    bus.publish({ kind: 'fit', runId, timestampNs, method: 'li-efficiency', index: cycle.index, result: { ...cycle, ok: cycle.warnings.length === 0 } });
    run.published++;
  }
}

/** When the rest after cycle k's stripping ended: the start of the phase after it. */
function endOfCycle(phases: readonly PhaseMark[], k: number): bigint | null {
  const rest = phases.find((p) => p.cycle === k && p.phase === 'rest-after-stripping');
  if (!rest) return null;
  let next: bigint | null = null;
  for (const p of phases) if (p.atNs > rest.atNs && (next === null || p.atNs < next)) next = p.atNs;
  return next;
}
