import { EngineError } from '../../engine/errors.js';
import { TemperatureInstrument } from '../../kinds/temperature/instrument.js';
import type { InstrumentLookup } from '../protocol.js';
import { temperatureBounds } from '../instrument-bounds.js';
import { badParameter, checkSamplesPerStep, durationAt, intervalAt, positiveAt, quantityAt, temperatureDifferenceAt } from './parameter-reader.js';
import type { TemperatureProgramInput, TemperatureProgramPlan } from './temperature-parameters.js';

/** A range that would make more setpoints than this is a typo, not a series. */
const MAX_SETPOINTS = 500;
/** The settling regression needs at least this many samples in its hold window. */
const MIN_SAMPLES_PER_HOLD = 3;

/** The controller of a program, or an INVALID_PARAMETERS error when the id names something else. */
export function temperatureInstrument(lab: InstrumentLookup, id: string): TemperatureInstrument {
  const instrument = lab.get(id);
  if (!(instrument instanceof TemperatureInstrument)) {
    throw new EngineError(`instrument ${id} is not a temperature controller`, 'INVALID_PARAMETERS', { instrument: id });
  }
  return instrument;
}

/**
 * Turns the operator's temperature program into SI units and checks every
 * setpoint and the ramp against the controller's hard limits, so a program
 * that would leave them is refused before anything reaches the controller;
 * the polling interval against the driver's shortest, durations and polls
 * per step against the bounds of every protocol.
 */
export function planTemperatureProgram(input: TemperatureProgramInput, lab: InstrumentLookup): TemperatureProgramPlan {
  const controller = temperatureInstrument(lab, input.controller);
  const temperaturesK = setpoints(input);
  const rampKPerMin = positiveAt('ramp', input.ramp, 'temperature-rate') * 60;

  const bandK = temperatureDifferenceAt('settle/band', input.settle?.band ?? '0.5 K');
  const maxRateKPerS = positiveAt('settle/maxRate', input.settle?.maxRate ?? '0.1 K/min', 'temperature-rate');
  const holdS = durationAt('settle/hold', input.settle?.hold ?? '5 min');
  const timeoutS = durationAt('settle/timeout', input.settle?.timeout ?? '2 h');
  const pollS = intervalAt('poll', input.poll ?? '5 s', temperatureBounds(controller).minPollIntervalS, controller.id, 'polling interval');
  checkSamplesPerStep('poll', pollS, timeoutS, 'a settling timeout');
  if (!(bandK > 0)) throw badParameter('settle/band', 'must be positive');
  if (holdS < (MIN_SAMPLES_PER_HOLD - 1) * pollS) throw badParameter('settle/hold', `must cover at least ${MIN_SAMPLES_PER_HOLD} polls (${MIN_SAMPLES_PER_HOLD - 1} x ${pollS} s)`);
  if (timeoutS <= holdS) throw badParameter('settle/timeout', 'must be longer than the hold time');
  const suspendBandK = input.suspend?.band !== undefined ? temperatureDifferenceAt('suspend/band', input.suspend.band) : 2 * bandK;
  if (!(suspendBandK >= bandK)) throw badParameter('suspend/band', `must be at least the settling band (${bandK} K)`);

  for (const t of temperaturesK) controller.checkSetpoint(t);
  controller.checkRamp(rampKPerMin);
  return {
    controller: controller.id,
    temperaturesK,
    rampKPerMin,
    settle: { bandK, maxRateKPerS, holdS, timeoutS },
    pollS,
    suspend: { bandK: suspendBandK, policy: input.suspend?.policy ?? 'repeat', maxRepeats: input.suspend?.maxRepeats ?? 3 },
  };
}

function setpoints(input: TemperatureProgramInput): number[] {
  if ((input.temperatures === undefined) === (input.range === undefined)) throw badParameter('temperatures', 'give either temperatures or range');
  if (input.temperatures) {
    return input.temperatures.map((t, k) => {
      const v = quantityAt(`temperatures/${k}`, t, 'temperature');
      if (!(v > 0)) throw badParameter(`temperatures/${k}`, `${v} K is not a temperature`);
      return v;
    });
  }
  const range = input.range!;
  const fromK = quantityAt('range/from', range.from, 'temperature');
  const toK = quantityAt('range/to', range.to, 'temperature');
  const stepK = temperatureDifferenceAt('range/step', range.step);
  if (!(fromK > 0) || !(toK > 0)) throw badParameter('range', 'from and to must be temperatures above 0 K');
  if (!(stepK > 0)) throw badParameter('range/step', 'must be positive (the direction follows from and to)');
  const count = Math.floor(Math.abs(toK - fromK) / stepK + 1e-9) + 1;
  if (count > MAX_SETPOINTS) throw badParameter('range', `makes ${count} setpoints, more than ${MAX_SETPOINTS}`);
  const direction = toK >= fromK ? 1 : -1;
  // Rounded to 1 mK so 300 + 3 x 0.1 does not become 300.30000000000001.
  return Array.from({ length: count }, (_, k) => Math.round((fromK + direction * k * stepK) * 1000) / 1000);
}
