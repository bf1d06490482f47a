import { Type, type Static } from '@sinclair/typebox';
import { SampleSchema } from '../../config/sample.js';
import { cellPresetNames } from '../../../simulators/potentiostat/cell/types.js';
import { IdSchema, ReconnectSchema, SimulatorListenProperties } from '../common-config.js';

/** Hard limits of a potentiostat channel, enforced by the service and inside the instrument. */
export const PotentiostatLimitsSchema = Type.Object(
  {
    minV: Type.Number({ description: 'lowest allowed cell voltage (V)' }),
    maxV: Type.Number({ description: 'highest allowed cell voltage (V)' }),
    maxAbsCurrentA: Type.Number({ exclusiveMinimum: 0, description: 'largest allowed |current| (A)' }),
  },
  { additionalProperties: false },
);

/** A potentiostat in the lab file. */
export const PotentiostatInstrumentSchema = Type.Object(
  {
    id: IdSchema,
    kind: Type.Literal('potentiostat'),
    driver: Type.Literal('methodscript'),
    transport: Type.String({ description: 'serial://PATH?baud=N, tcp://HOST:PORT, or sim://SIMULATOR-ID in a simulated lab' }),
    limits: PotentiostatLimitsSchema,
    reconnect: ReconnectSchema,
    sample: Type.Optional(SampleSchema),
  },
  { additionalProperties: false },
);

/** A simulated potentiostat with its cell, started by the lab. */
export const PotentiostatSimulatorSchema = Type.Object(
  {
    id: IdSchema,
    kind: Type.Literal('potentiostat'),
    cell: Type.Union(cellPresetNames.map((name) => Type.Literal(name))),
    ...SimulatorListenProperties('pty'),
    noise: Type.Optional(Type.Object({ potentialV: Type.Number({ minimum: 0 }), currentA: Type.Number({ minimum: 0 }) }, { additionalProperties: false })),
    /** A temperature simulator whose plant sets the cell's temperature (a pellet in a furnace or NMR probe). */
    inside: Type.Optional(Type.String({ description: 'id of the temperature simulator the cell sits in' })),
    /** Overrides of the cell preset's parameters by name, e.g. `{ initialX: 0.3, diffusionCm2PerS: 5e-11 }`. */
    cellParameters: Type.Optional(Type.Record(Type.String(), Type.Number(), { description: 'overrides of the cell preset (names as in simulators/potentiostat/cell/types.ts)' })),
    seed: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
);

export type PotentiostatLimits = Static<typeof PotentiostatLimitsSchema>;
export type PotentiostatInstrumentConfig = Static<typeof PotentiostatInstrumentSchema>;
export type PotentiostatSimulatorConfig = Static<typeof PotentiostatSimulatorSchema>;
