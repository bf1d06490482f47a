import { Type, type Static } from '@sinclair/typebox';
import { IdSchema, ReconnectSchema, SimulatorListenProperties } from '../common-config.js';

/** Hard limits of a temperature controller, enforced by the service and written into the controller. */
export const TemperatureLimitsSchema = Type.Object(
  {
    minK: Type.Number({ exclusiveMinimum: 0, description: 'lowest allowed setpoint (K)' }),
    maxK: Type.Number({ exclusiveMinimum: 0, description: 'highest allowed setpoint (K), e.g. the NMR probe limit' }),
    maxRampKPerMin: Type.Number({ exclusiveMinimum: 0, description: 'largest allowed ramp rate (K/min)' }),
    safeK: Type.Number({ exclusiveMinimum: 0, description: 'setpoint sent on abort, error or shutdown (K)' }),
  },
  { additionalProperties: false },
);

const TemperatureModelSchema = Type.Union([Type.Literal('eurotherm'), Type.Literal('lakeshore336')]);

/** A temperature controller (furnace, NMR VT unit) in the lab file. */
export const TemperatureInstrumentSchema = Type.Object(
  {
    id: IdSchema,
    kind: Type.Literal('temperature'),
    driver: TemperatureModelSchema,
    transport: Type.String({ description: 'modbus-tcp://HOST:502?unit=1, modbus-rtu://PATH?baud=9600&unit=1, tcp://HOST:7777, serial://PATH, or sim://SIMULATOR-ID' }),
    limits: TemperatureLimitsSchema,
    reconnect: ReconnectSchema,
    options: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'driver options, e.g. decimal places' })),
  },
  { additionalProperties: false },
);

/** A simulated controller with its thermal plant, started by the lab. */
export const TemperatureSimulatorSchema = Type.Object(
  {
    id: IdSchema,
    kind: Type.Literal('temperature'),
    model: TemperatureModelSchema,
    preset: Type.Union([Type.Literal('nmr-vt'), Type.Literal('furnace')]),
    ...SimulatorListenProperties('tcp'),
    seed: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
);

export type TemperatureInstrumentConfig = Static<typeof TemperatureInstrumentSchema>;
export type TemperatureSimulatorConfig = Static<typeof TemperatureSimulatorSchema>;
