import { Type, type Static } from '@sinclair/typebox';
import { InstrumentId, Quantity } from '../parameter-schemas.js';

/**
 * A temperature program as the operator writes it (values with units:
 * `"320 K"`, `"45 °C"`, `"5 K/min"`, `"10 min"`). Its properties are spread into
 * the parameters of the protocols that step through temperatures (VT series).
 */
export const TemperatureProgramProperties = {
  controller: InstrumentId('temperature controller id'),
  temperatures: Type.Optional(
    Type.Array(Quantity('a setpoint ("320 K", "45 °C"; a number is kelvin)'), { minItems: 1, maxItems: 500, description: 'setpoints in order' }),
  ),
  range: Type.Optional(
    Type.Object(
      {
        from: Quantity('first setpoint'),
        to: Quantity('last setpoint (included when the steps reach it)'),
        step: Quantity('temperature step, positive ("10 K")'),
      },
      { additionalProperties: false, description: 'setpoints from..to in steps (instead of `temperatures`)' },
    ),
  ),
  ramp: Quantity('ramp rate toward each setpoint ("5 K/min"; a number is K/s)'),
  settle: Type.Optional(
    Type.Object(
      {
        band: Type.Optional(Quantity('|T - setpoint| below this over the hold time (default "0.5 K")')),
        maxRate: Type.Optional(Quantity('|dT/dt| below this over the hold time (default "0.1 K/min")')),
        hold: Type.Optional(Quantity('how long both must hold (default "5 min")')),
        timeout: Type.Optional(Quantity('a step that has not settled after this fails the run (default "2 h")')),
      },
      { additionalProperties: false },
    ),
  ),
  poll: Type.Optional(Quantity('temperature polling interval (default "5 s")')),
  suspend: Type.Optional(
    Type.Object(
      {
        band: Type.Optional(Quantity('the measurement is suspended while |T - setpoint| exceeds this (default: twice the settling band)')),
        policy: Type.Optional(
          Type.Union([Type.Literal('repeat'), Type.Literal('mark')], {
            description: 'repeat: interrupt the measurement and repeat it once settled again (default); mark: let it finish and mark it',
          }),
        ),
        maxRepeats: Type.Optional(Type.Integer({ minimum: 0, maximum: 20, description: 'repeats per step before the step is marked (default 3)' })),
      },
      { additionalProperties: false },
    ),
  ),
};

const TemperatureProgramSchema = Type.Object(TemperatureProgramProperties);
export type TemperatureProgramInput = Static<typeof TemperatureProgramSchema>;

const SuspendPolicySchema = Type.Union([Type.Literal('repeat'), Type.Literal('mark')]);
export type SuspendPolicy = Static<typeof SuspendPolicySchema>;

/** A temperature program in SI units (K, K/min for ramps as controllers take them, s), checked against the controller's limits. */
export const TemperatureProgramPlanSchema = Type.Object({
  controller: Type.String(),
  temperaturesK: Type.Array(Type.Number()),
  rampKPerMin: Type.Number(),
  settle: Type.Object({ bandK: Type.Number(), maxRateKPerS: Type.Number(), holdS: Type.Number(), timeoutS: Type.Number() }),
  pollS: Type.Number(),
  suspend: Type.Object({ bandK: Type.Number(), policy: SuspendPolicySchema, maxRepeats: Type.Integer() }),
});
export type TemperatureProgramPlan = Static<typeof TemperatureProgramPlanSchema>;
