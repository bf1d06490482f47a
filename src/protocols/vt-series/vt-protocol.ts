import { nsToS } from '../../core/clock.js';
import type { SampleConfig } from '../../config/sample.js';
import type { ExternalDelivery, ExternalHolds } from '../../ingest/external-holds.js';
import type { PotentiostatInstrument } from '../../kinds/potentiostat/instrument.js';
import { PotentiostatRecorder } from '../../kinds/potentiostat/streams.js';
import type { TemperatureInstrument } from '../../kinds/temperature/instrument.js';
import { eisSweepAttempt, planEisSweep, potentiostat, sweepDurationLowerBoundS, type EisSweepOutcome } from '../eis/eis-protocol.js';
import { PROTOCOL_BOUNDS } from '../defaults.js';
import type { InstrumentLookup, PreparedProtocol, ProtocolDefinition, RunContext } from '../protocol.js';
import { badParameter, checkRunDuration, checkSamplesPerStep, durationAt, lengthAt } from '../temperature/parameter-reader.js';
import { temperatureStats } from '../temperature/settling.js';
import { measureSettled, type SettledMeasurement } from '../temperature/settled-measurement.js';
import { planTemperatureProgram } from '../temperature/temperature-plan.js';
import { settleStep, type StepPosition } from '../temperature/temperature-steps.js';
import { VtSeriesParametersSchema, type VtSeriesParametersInput, type VtSeriesPlan, type VtStepResult } from './vt-parameters.js';

/** Phases of the hold for an external acquisition, published as progress documents. */
export const VT_PHASES = { externalHold: 'external-hold', externalReceived: 'external-received', externalTimeout: 'external-timeout' } as const;

interface StepMeasurement {
  readonly eis: EisSweepOutcome | null;
  readonly external: ExternalDelivery | null;
}

/**
 * The VT series protocol bound to the holds where it waits for external
 * acquisitions (the lab owns one `ExternalHolds` and shares it with the upload route and the watched folder).
 */
export function createVtSeriesProtocol(deps: { holds: ExternalHolds }): ProtocolDefinition {
  return {
    name: 'vt-series',
    version: 1,
    summary: 'Variable-temperature series: at each settled temperature an EIS sweep and/or a hold for an external (NMR) acquisition; conductivity and Arrhenius fits live',
    parametersSchema: VtSeriesParametersSchema,
    prepare(parameters: unknown, lab: InstrumentLookup): PreparedProtocol {
      const plan = planVtSeries(parameters as VtSeriesParametersInput, lab);
      return {
        instruments: [plan.program.controller, ...(plan.eis ? [plan.eis.instrument] : [])],
        parameters: { ...plan },
        run: (ctx) => runVtSeries(ctx, plan, deps.holds),
      };
    },
  };
}


/** The temperature program, the sweep and the hold in SI units, checked against every instrument's limits and the bounds of every protocol. */
export function planVtSeries(input: VtSeriesParametersInput, lab: InstrumentLookup): VtSeriesPlan {
  const program = planTemperatureProgram(input, lab);
  if (!input.eis && !input.external) throw badParameter('eis', 'give eis, external or both: something must be measured at each temperature');
  let eis = null;
  if (input.eis) {
    const { potentiostat: id, sample, ...sweep } = input.eis;
    eis = planEisSweep(sweep, potentiostat(lab, id), sample as Partial<SampleConfig> | undefined, 'eis/');
    if (eis.sample?.thicknessCm === undefined || eis.sample.areaCm2 === undefined) {
      throw badParameter('eis/sample', `the conductivity needs the pellet's thicknessCm and areaCm2 (in the lab file's sample of ${id}, or here)`);
    }
  }
  const length = (path: string, v: number | string | undefined) => (v === undefined ? null : lengthAt(path, v, PROTOCOL_BOUNDS.maxNmrLengthM) * 100);
  const external = input.external ? { kinds: input.external.kinds, maxWaitS: durationAt('external/maxWait', input.external.maxWait ?? '4 h') } : null;
  if (external) checkSamplesPerStep('poll', program.pollS, external.maxWaitS, 'a hold for external data');
  // Each temperature: settling (at most its timeout), then the sweep and the hold.
  const perTemperatureS = program.settle.timeoutS + (eis ? eis.restS + sweepDurationLowerBoundS(eis) : 0) + (external?.maxWaitS ?? 0);
  checkRunDuration(input.temperatures ? 'temperatures' : 'range', program.temperaturesK.length * perTemperatureS, `${program.temperaturesK.length} temperatures`);
  return {
    kind: 'vt-series',
    program,
    eis,
    external,
    nmr: {
      jumpDistanceCm: length('nmr/jumpDistance', input.nmr?.jumpDistance),
      dimension: input.nmr?.dimension ?? null,
      exsyDistanceCm: length('nmr/exsyDistance', input.nmr?.exsyDistance),
    },
  };
}

async function runVtSeries(ctx: RunContext, plan: VtSeriesPlan, holds: ExternalHolds): Promise<{ reason: string }> {
  const controller = ctx.instrument<TemperatureInstrument>(plan.program.controller);
  const recorder = plan.eis ? new PotentiostatRecorder(ctx, ctx.instrument<PotentiostatInstrument>(plan.eis.instrument)) : null;
  const temperatures = plan.program.temperaturesK;
  for (let k = 1; k <= temperatures.length; k++) {
    const position: StepPosition = { step: k, of: temperatures.length };
    const setpointK = temperatures[k - 1]!;
    // The only pause point: a pause puts the controller to its safe setpoint, so a step starts over with its ramp.
    await ctx.checkpoint();
    // A controller that comes back from a lost link is at its safe setpoint: the step's own goes out again first.
    const restoreSetpoint = ctx.onReconnect(controller.id, () => controller.goTo(setpointK, plan.program.rampKPerMin));
    try {
      const settled = await settleStep(ctx, controller, plan.program, setpointK, position);
      const measured = await measureSettled(ctx, controller, plan.program, settled, async (signal, attempt): Promise<StepMeasurement> => {
        const eis = recorder ? await eisSweepAttempt(ctx, recorder, plan.eis!, { sweepIndex: k, of: temperatures.length, attempt }, signal) : null;
        const external = plan.external ? await holdForExternal(ctx, holds, plan.external, setpointK, position, signal) : null;
        return { eis, external };
      });
      recordStep(ctx, plan, position, measured);
    } finally {
      restoreSetpoint();
    }
  }
  ctx.progress('done', temperatures.length, temperatures.length, 0, `${temperatures.length} temperatures done`);
  return { reason: 'completed' };
}

/** Waits until external data for this step arrive (they end the hold), or `maxWaitS` passes (null). */
async function holdForExternal(
  ctx: RunContext,
  holds: ExternalHolds,
  external: NonNullable<VtSeriesPlan['external']>,
  setpointK: number,
  position: StepPosition,
  signal: AbortSignal,
): Promise<ExternalDelivery | null> {
  const local = new AbortController();
  const forward = () => local.abort(signal.reason);
  signal.addEventListener('abort', forward, { once: true });
  const timedOut = Symbol('timed out');
  void ctx.clock.sleep(external.maxWaitS * 1000, local.signal).then(
    () => local.abort(timedOut),
    () => undefined,
  );
  // The hold is open before it is announced: data sent on the announcement find it.
  const waiting = holds.wait({ runId: ctx.runId, step: position.step, setpointK, kinds: external.kinds }, local.signal);
  ctx.progress(
    VT_PHASES.externalHold,
    position.step,
    position.of,
    null,
    `step ${position.step}: waiting for ${external.kinds.join(' or ')} at ${setpointK} K (run ${ctx.runId}, step ${position.step})`,
  );
  try {
    const delivery = await waiting;
    ctx.progress(VT_PHASES.externalReceived, position.step, position.of, null, `step ${position.step}: ${delivery.kind} received (${delivery.points} points, ${delivery.source})`);
    return delivery;
  } catch (e) {
    if (local.signal.reason !== timedOut) throw e;
    ctx.progress(VT_PHASES.externalTimeout, position.step, position.of, null, `step ${position.step}: no external data within ${external.maxWaitS} s; the step is marked`);
    return null;
  } finally {
    signal.removeEventListener('abort', forward);
    local.abort();
  }
}

/** The settled temperature with its spread (a `vt-step` fit document), and what was measured. */
function recordStep(ctx: RunContext, plan: VtSeriesPlan, position: StepPosition, measured: SettledMeasurement<StepMeasurement>): void {
  const { settled, result } = measured;
  const stats = temperatureStats([...settled.holdSamplesK, ...measured.duringK]);
  const warnings: string[] = [];
  if (measured.marked) warnings.push(result ? 'the temperature left its band during the measurement' : `the measurement was interrupted ${measured.attempts} times; no result`);
  if (plan.external && result && !result.external) warnings.push('no external data arrived during the hold');
  const step: VtStepResult = {
    setpointK: settled.setpointK,
    temperatureK: stats,
    ok: warnings.length === 0,
    warnings,
    settling: { triggerK: settled.triggerK, atS: nsToS(settled.triggeredNs), rateKPerS: settled.rateKPerS, waitedS: settled.waitedS, hold: settled.hold },
    attempts: measured.attempts,
    suspensions: measured.trips.map((t) => ({ trippedAtS: nsToS(t.trippedNs), trippedK: t.trippedK, reason: t.reason, resumedAtS: t.resumedNs === null ? null : nsToS(t.resumedNs) })),
    eis: result?.eis ?? null,
    external: result?.external ?? null,
  };
  ctx.publishFit('vt-step', position.step, step);
}
