import { filter, firstValueFrom } from 'rxjs';
import { TRITON_BIRTH_ENERGY_KEV } from '../../analysis/ndp/constants.js';
import { resolveStack } from '../../analysis/ndp/stack.js';
import { channelEnergyKeV } from '../../core/spectrum.js';
import { formatQuantity } from '../../core/units.js';
import { EngineError } from '../../engine/errors.js';
import { isInstrumentError } from '../../instruments/instrument-error.js';
import type { PotentiostatStep } from '../../kinds/potentiostat/device.js';
import type { PotentiostatInstrument } from '../../kinds/potentiostat/instrument.js';
import { PotentiostatRecorder } from '../../kinds/potentiostat/streams.js';
import { McaInstrument } from '../../kinds/mca/instrument.js';
import { McaRecorder } from '../../kinds/mca/streams.js';
import { isAnalysisError } from '../../analysis/errors.js';
import { ExclusiveQueue } from '../../transport/exclusive-queue.js';
import { potentiostat } from '../eis/eis-protocol.js';
import { potentiostatBounds } from '../instrument-bounds.js';
import type { InstrumentLookup, PreparedProtocol, ProtocolDefinition, RunContext } from '../protocol.js';
import { badParameter, checkRunDuration, checkSamplesPerStep, durationAt, intervalAt, positiveAt, quantityAt } from '../temperature/parameter-reader.js';
import { COUNTING_SCOPE, NeutronMonitorCondition } from './monitor-condition.js';
import { NdpPlatingParametersSchema, type NdpPlatingParametersInput, type NdpPlatingPlan } from './ndp-parameters.js';
import { NDP_PHASES, phaseStreamSpec, type NdpPhase } from './phases.js';

/** Defaults of the parameters an operator may leave out, each with why. */
const NDP_PLATING_DEFAULTS = {
  /** Four spectra of 5 min: the Li of each state is the mean of at least two spectra wholly inside its rest. */
  restS: 20 * 60,
  sampleIntervalS: 10,
  /** Below -1 V vs Li something other than plating happens (or a contact failed). */
  platingMinV: -1,
  /** 80 % of nominal: a reactor at reduced power; the K of the reduction is scaled by the monitor anyway. */
  monitorMinFraction: 0.8,
  monitorSettleS: 120,
  monitorProbeS: 60,
  monitorPollS: 30,
  /** A reactor outage beyond half a day ends the experiment. */
  monitorMaxOutageS: 12 * 3600,
  depthBinNm: 250,
  resolutionFwhmKeV: 20,
  /** A background estimate from fewer channels would add more noise than it removes. */
  minBackgroundChannels: 32,
} as const;

/**
 * Operando NDP during Li plating and stripping (SCIENCE.md 5): galvanostatic
 * cycles on the potentiostat (an initial rest, then per cycle plating,
 * rest, stripping to a voltage cut-off, rest) while the MCA takes spectra
 * back to back, each an event of its spectrum stream stamped with its start
 * (its end follows from `elapsed`). The phases are events of `run.phases`,
 * so spectra and electrochemistry align by time; the live NDP fit reduces
 * every spectrum and gives per cycle the plated and stripped Li, the Li
 * efficiency and the Coulombic efficiency. A neutron monitor below its
 * threshold pauses the counting (see NeutronMonitorCondition), never the
 * electrochemistry.
 */
export const ndpPlatingProtocol: ProtocolDefinition = {
  name: 'ndp-plating',
  version: 1,
  summary: 'Operando NDP: Li plating/stripping cycles with back-to-back MCA spectra; live depth profiles and per-cycle Li efficiency against Coulombic efficiency',
  parametersSchema: NdpPlatingParametersSchema,
  prepare(parameters: unknown, lab: InstrumentLookup): PreparedProtocol {
    const plan = planNdpPlating(parameters as NdpPlatingParametersInput, lab);
    return { instruments: [plan.potentiostat, plan.mca], parameters: { ...plan }, run: (ctx) => runNdpPlating(ctx, plan) };
  },
};

function mcaInstrument(lab: InstrumentLookup, id: string): McaInstrument {
  const instrument = lab.get(id);
  if (!(instrument instanceof McaInstrument)) throw new EngineError(`instrument ${id} is not an MCA`, 'INVALID_PARAMETERS', { instrument: id });
  return instrument;
}

/** The protocol in SI units, checked against the instruments' limits and ranges and the bounds of every protocol. */
export function planNdpPlating(input: NdpPlatingParametersInput, lab: InstrumentLookup): NdpPlatingPlan {
  const pstat = potentiostat(lab, input.potentiostat);
  const mca = mcaInstrument(lab, input.mca);
  const areaCm2 =
    input.area !== undefined
      ? positiveAt('area', input.area, 'area')
      : (pstat.sample?.areaCm2 ?? failArea(pstat.id));
  const currentA = Math.abs(quantityAt('currentDensity', input.currentDensity, 'current-density')) * areaCm2;
  if (!(currentA > 0)) throw badParameter('currentDensity', 'must not be zero');
  const platingDurationS =
    'duration' in input.plating ? durationAt('plating/duration', input.plating.duration) : (positiveAt('plating/capacity', input.plating.capacity, 'areal-capacity') * areaCm2) / currentA;
  const plating = 'duration' in input.plating ? { durationS: platingDurationS } : { chargeC: platingDurationS * currentA };
  const cutoffV = quantityAt('stripping/cutoff', input.stripping.cutoff, 'potential');
  const strippingMaxS = durationAt('stripping/maxDuration', input.stripping.maxDuration);
  const platingMinV = input.platingMinVoltage !== undefined ? quantityAt('platingMinVoltage', input.platingMinVoltage, 'potential') : NDP_PLATING_DEFAULTS.platingMinV;
  const { minV, maxV } = pstat.limits;
  if (!(cutoffV > 0 && cutoffV <= maxV)) throw badParameter('stripping/cutoff', `must be above 0 V (Li/Li+) and at most the hard limit maxV ${maxV} V`);
  if (!(platingMinV < 0 && platingMinV >= minV)) throw badParameter('platingMinVoltage', `must be below 0 V and at least the hard limit minV ${minV} V`);
  const sampleIntervalS = intervalAt('sampleInterval', input.sampleInterval ?? NDP_PLATING_DEFAULTS.sampleIntervalS, potentiostatBounds(pstat).minSampleIntervalS, pstat.id);
  const spectrumRealTimeS = durationAt('spectrum/realTime', input.spectrum.realTime);
  mca.checkAcquisition({ realTimeS: spectrumRealTimeS });
  const restS = durationAt('rest', input.rest ?? NDP_PLATING_DEFAULTS.restS);
  if (restS < 2 * spectrumRealTimeS) throw badParameter('rest', `must hold at least two spectra (2 x ${formatQuantity(spectrumRealTimeS, 's')}): the Li of each state is measured in the rests`);
  for (const [path, durationS] of [['plating', platingDurationS], ['stripping/maxDuration', strippingMaxS], ['rest', restS]] as const) checkSamplesPerStep(path, sampleIntervalS, durationS, path);
  // The steps as they will go out, refused here when a current is beyond the hard limits.
  pstat.checkStep({ kind: 'constant-current', currentA: -currentA, durationS: platingDurationS, intervalS: sampleIntervalS, limits: { minV: platingMinV } });
  pstat.checkStep({ kind: 'constant-current', currentA, durationS: strippingMaxS, intervalS: sampleIntervalS, limits: { maxV: cutoffV } });
  const monitorInput = input.monitor;
  const monitor = {
    nominalRatePerS: positiveAt('monitor/nominalRate', monitorInput.nominalRate, 'count-rate'),
    minFraction: monitorInput.minFraction ?? NDP_PLATING_DEFAULTS.monitorMinFraction,
    settleS: durationAt('monitor/settle', monitorInput.settle ?? NDP_PLATING_DEFAULTS.monitorSettleS, { allowZero: true }),
    probeS: durationAt('monitor/probe', monitorInput.probe ?? NDP_PLATING_DEFAULTS.monitorProbeS),
    pollS: durationAt('monitor/poll', monitorInput.poll ?? NDP_PLATING_DEFAULTS.monitorPollS),
    maxOutageS: durationAt('monitor/maxOutage', monitorInput.maxOutage ?? NDP_PLATING_DEFAULTS.monitorMaxOutageS),
  };
  mca.checkAcquisition({ realTimeS: monitor.probeS });
  const ndp = planReduction(input, mca);
  const cycleS = platingDurationS + strippingMaxS + 2 * restS;
  checkRunDuration('cycles', restS + input.cycles * cycleS, `${input.cycles} cycles`);
  return {
    kind: 'ndp-plating',
    potentiostat: pstat.id,
    mca: mca.id,
    currentA,
    areaCm2,
    plating,
    stripping: { cutoffV, maxDurationS: strippingMaxS },
    platingMinV,
    cycles: input.cycles,
    restS,
    sampleIntervalS,
    spectrumRealTimeS,
    monitor,
    ndp,
  };
}

function failArea(id: string): never {
  throw badParameter('area', `give the electrode area ("1 cm2"): the lab file's sample of ${id} has no areaCm2`);
}

/** The stack checked (materials, densities, one profiled layer) and the energy calibration settled: the live reduction must not fail on either. */
function planReduction(input: NdpPlatingParametersInput, mca: McaInstrument): NdpPlatingPlan['ndp'] {
  const { stack, calibration, branch, depthBinNm, resolutionFwhmKeV } = input.ndp;
  try {
    resolveStack(stack);
  } catch (e) {
    if (isAnalysisError(e)) throw badParameter('ndp/stack', e.message);
    throw e;
  }
  const energyCalibrationKeV = stack.calibration?.energyKeV ?? mca.energyCalibrationKeV;
  if (!energyCalibrationKeV) throw badParameter('ndp/stack/calibration', `${mca.id} has no energyCalibrationKeV in the lab file: give the calibration here`);
  const fwhmKeV = resolutionFwhmKeV ?? NDP_PLATING_DEFAULTS.resolutionFwhmKeV;
  const calibrationKeV: [number, number, number] = [energyCalibrationKeV[0], energyCalibrationKeV[1], energyCalibrationKeV[2]];
  return {
    stack,
    calibrationCountsPerSPerLiPerCm2: calibration,
    branch: branch ?? 'triton',
    depthBinNm: depthBinNm ?? NDP_PLATING_DEFAULTS.depthBinNm,
    resolutionFwhmKeV: fwhmKeV,
    energyCalibrationKeV: calibrationKeV,
    backgroundChannels: backgroundChannels(calibrationKeV, mca.channels, fwhmKeV),
  };
}

/**
 * The channels above every triton (birth energy plus three FWHM): what
 * counts there is background (beam-induced gammas, fast neutrons), and its
 * mean per channel is subtracted from the window. Null when fewer than
 * NDP_PLATING_DEFAULTS.minBackgroundChannels lie there.
 */
function backgroundChannels(calibrationKeV: readonly [number, number, number], channels: number, fwhmKeV: number): [number, number] | null {
  const aboveKeV = TRITON_BIRTH_ENERGY_KEV + 3 * fwhmKeV;
  let from = channels;
  for (let ch = 0; ch < channels; ch++) {
    if (channelEnergyKeV(calibrationKeV, ch) > aboveKeV) {
      from = ch;
      break;
    }
  }
  return channels - from >= NDP_PLATING_DEFAULTS.minBackgroundChannels ? [from, channels - 1] : null;
}

async function runNdpPlating(ctx: RunContext, plan: NdpPlatingPlan): Promise<{ reason: string }> {
  const pstat = ctx.instrument<PotentiostatInstrument>(plan.potentiostat);
  const mca = ctx.instrument<McaInstrument>(plan.mca);
  const cell = new PotentiostatRecorder(ctx, pstat);
  const spectra = new McaRecorder(ctx, mca);
  const queue = new ExclusiveQueue(4);
  const monitor = new NeutronMonitorCondition({ ctx, mca, recorder: spectra, queue, plan: plan.monitor });
  const uninstall = ctx.installSuspender(monitor.suspender);
  const stopCounting = new AbortController();
  const boundaries = new PhaseBoundaries();
  const counting = countSpectra(ctx, plan, mca, spectra, monitor, queue, stopCounting.signal, boundaries);
  // A counting that fails (the monitor out too long, a fault of the MCA) fails the run at once.
  const countingFailed = counting.then(() => new Promise<never>(() => undefined));
  try {
    return await Promise.race([cycleTheCell(ctx, plan, pstat, cell, boundaries), countingFailed]);
  } finally {
    stopCounting.abort();
    await counting.catch(() => undefined);
    uninstall();
    await monitor.stop();
  }
}

/** Spectra back to back until `stop`: each a step of scope `counting`, held by the neutron monitor (and by every condition of the run). */
async function countSpectra(
  ctx: RunContext,
  plan: NdpPlatingPlan,
  mca: McaInstrument,
  spectra: McaRecorder,
  monitor: NeutronMonitorCondition,
  queue: ExclusiveQueue,
  stop: AbortSignal,
  boundaries: PhaseBoundaries,
): Promise<void> {
  for (let k = 1; !stop.aborted; k++) {
    if (monitor.tripped) {
      // Counting is paused: wait for the monitor (its probes run meanwhile) or the end of the run.
      await Promise.race([firstValueFrom(monitor.suspender.state$.pipe(filter((s) => !s.tripped))).catch(() => undefined), aborted(stop)]);
      continue;
    }
    const step = await ctx.step(
      `spectrum ${k}`,
      async (signal) => {
        const cut = AbortSignal.any([signal, stop, boundaries.next()]);
        if (cut.aborted) return null;
        return queue.run(() => mca.acquire({ realTimeS: plan.spectrumRealTimeS, statusEveryS: plan.monitor.pollS, onStatus: (s) => monitor.observe(s) }, cut), { signal: cut }).catch((e: unknown) => {
          // Cut before the MCA was enabled (or while waiting for it): nothing was counted.
          if (cut.aborted && !isInstrumentError(e)) return null;
          throw e;
        });
      },
      { scope: COUNTING_SCOPE },
    );
    const acquisition = step.completed ? step.value : (step.partial ?? null);
    if (!acquisition) continue;
    const cutByMonitor = !step.completed && step.interruptions.some((i) => i.condition === monitor.suspender.name);
    const low = monitor.judgeSpectrum(acquisition) || cutByMonitor;
    spectra.record(acquisition, { monitorLow: low });
  }
}

/**
 * Spectra end where the phases do: at each phase change the spectrum being
 * counted is cut (stored, flagged `preset_not_reached`: a valid spectrum of
 * the phase it counted in) and the next one starts with the new phase, so a
 * rest is covered by whole spectra of its own rather than by spectra that
 * straddle its edges and count for no state.
 */
class PhaseBoundaries {
  private current = new AbortController();

  /** The signal of the spectrum about to start: aborted at the next phase change. */
  next(): AbortSignal {
    if (this.current.signal.aborted) this.current = new AbortController();
    return this.current.signal;
  }

  cross(): void {
    this.current.abort(new Error('a new phase began'));
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
}

/** The electrochemistry: initial rest, then per cycle plating, rest, stripping, rest; each phase an event of `run.phases`. */
async function cycleTheCell(ctx: RunContext, plan: NdpPlatingPlan, pstat: PotentiostatInstrument, cell: PotentiostatRecorder, boundaries: PhaseBoundaries): Promise<{ reason: string }> {
  const phases = ctx.stream(phaseStreamSpec);
  const enter = (cycle: number, phase: NdpPhase, message: string) => {
    phases.emit({ cycle, phase }, ctx.clock.nowNs());
    boundaries.cross();
    ctx.progress(phase, cycle, plan.cycles, null, message);
  };
  const platingS = 'durationS' in plan.plating ? plan.plating.durationS : plan.plating.chargeC / plan.currentA;
  const rest = (label: string) => stepFor(ctx, plan, pstat, cell, { label, durationS: plan.restS, step: (leftS) => ({ kind: 'ocp', durationS: leftS, intervalS: plan.sampleIntervalS }) });
  enter(0, NDP_PHASES.initialRest, `open-circuit rest ${formatQuantity(plan.restS, 's')} before the first plating`);
  await rest('initial rest');
  for (let k = 1; k <= plan.cycles; k++) {
    await ctx.checkpoint();
    enter(k, NDP_PHASES.plating, `cycle ${k} of ${plan.cycles}: plating at ${formatQuantity(plan.currentA, 'A')} for ${formatQuantity(platingS, 's')}`);
    const plated = await stepFor(ctx, plan, pstat, cell, {
      label: `plating ${k}`,
      durationS: platingS,
      step: (leftS) => ({ kind: 'constant-current', currentA: -plan.currentA, durationS: leftS, intervalS: plan.sampleIntervalS, limits: { minV: plan.platingMinV } }),
    });
    if (plated === 'cut-off') ctx.logger.warn({ runId: ctx.runId, cycle: k, minV: plan.platingMinV }, 'plating reached its voltage floor before its charge');
    enter(k, NDP_PHASES.restAfterPlating, `cycle ${k}: rest after plating`);
    await rest(`rest after plating ${k}`);
    enter(k, NDP_PHASES.stripping, `cycle ${k}: stripping at ${formatQuantity(plan.currentA, 'A')} to ${plan.stripping.cutoffV} V`);
    await stepFor(ctx, plan, pstat, cell, {
      label: `stripping ${k}`,
      durationS: plan.stripping.maxDurationS,
      step: (leftS) => ({ kind: 'constant-current', currentA: plan.currentA, durationS: leftS, intervalS: plan.sampleIntervalS, limits: { maxV: plan.stripping.cutoffV } }),
    });
    enter(k, NDP_PHASES.restAfterStripping, `cycle ${k}: rest after stripping`);
    await rest(`rest after stripping ${k}`);
  }
  enter(plan.cycles, NDP_PHASES.end, `${plan.cycles} cycles done`);
  return { reason: 'completed' };
}

/**
 * A potentiostat step for `durationS` (a constant current, until its voltage
 * limit ends it: `cut-off`; or open circuit), its samples recorded. A lost
 * link interrupts it: once the run has resumed it goes on for the time it
 * has left (the charge passed so far is in the recorded samples).
 */
async function stepFor(
  ctx: RunContext,
  plan: NdpPlatingPlan,
  pstat: PotentiostatInstrument,
  cell: PotentiostatRecorder,
  what: { label: string; durationS: number; step: (leftS: number) => PotentiostatStep },
): Promise<'completed' | 'cut-off'> {
  let leftS = what.durationS;
  while (leftS >= plan.sampleIntervalS) {
    const step = what.step(leftS);
    let elapsedS = 0;
    const outcome = await ctx.step(what.label, (signal) => {
      const record = cell.dcSamples(step, ctx.clock.nowNs());
      return pstat.runStep(
        step,
        (s) => {
          record(s);
          elapsedS = s.elapsedS;
        },
        signal,
      );
    });
    if (outcome.completed) return outcome.value.ending === 'cut-off' ? 'cut-off' : 'completed';
    leftS -= elapsedS;
  }
  return 'completed';
}
