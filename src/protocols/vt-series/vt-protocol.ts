import { nsToS } from '../../core/clock.js';
import type { SampleConfig } from '../../config/sample.js';
import type { ExternalDelivery, ExternalHolds } from '../../ingest/external-holds.js';
import type { PotentiostatInstrument } from '../../kinds/potentiostat/instrument.js';
import { PotentiostatRecorder } from '../../kinds/potentiostat/streams.js';
import type { TemperatureInstrument } from '../../kinds/temperature/instrument.js';
import { planEisSweep, potentiostat, runEisSweep, type EisSweepOutcome } from '../eis/eis-protocol.js';
import type { InstrumentLookup, PreparedProtocol, ProtocolDefinition, RunContext } from '../protocol.js';
import { badParameter, positiveAt } from '../temperature/parameter-reader.js';
import { temperatureStats } from '../temperature/settling.js';
import { measureUnderSuspender, type SuspendedMeasurement } from '../temperature/suspender.js';
import { planTemperatureProgram } from '../temperature/temperature-plan.js';
import { settleAt, type StepPosition } from '../temperature/temperature-steps.js';
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


/** The temperature program, the sweep and the hold in SI units, checked against every instrument's limits. */
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
  const length = (path: string, v: number | string | undefined) => (v === undefined ? null : positiveAt(path, v, 'length') * 100);
  return {
    kind: 'vt-series',
    program,
    eis,
    external: input.external ? { kinds: input.external.kinds, maxWaitS: positiveAt('external/maxWait', input.external.maxWait ?? '4 h', 'time') } : null,
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
    const settled = await settleAt(ctx, controller, plan.program, setpointK, position);
    const measured = await measureUnderSuspender(ctx, controller, plan.program, settled, position, async (signal): Promise<StepMeasurement> => {
      const eis = recorder ? await runEisSweep(ctx, recorder, plan.eis!, k, temperatures.length, signal) : null;
      const external = plan.external ? await holdForExternal(ctx, holds, plan.external, setpointK, position, signal) : null;
      return { eis, external };
    });
    recordStep(ctx, plan, position, measured);
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
function recordStep(ctx: RunContext, plan: VtSeriesPlan, position: StepPosition, measured: SuspendedMeasurement<StepMeasurement>): void {
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
    suspensions: measured.suspensions.map((s) => ({ trippedAtS: nsToS(s.trippedNs), trippedK: s.trippedK, resumedAtS: nsToS(s.resumedNs) })),
    eis: result?.eis ?? null,
    external: result?.external ?? null,
  };
  ctx.publishFit('vt-step', position.step, step);
}
