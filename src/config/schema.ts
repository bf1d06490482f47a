import { Type, type Static } from '@sinclair/typebox';

/**
 * The lab file: instruments (driver, transport URL, hard limits), simulators
 * the lab starts, the store, the API. Validated at start-up; see load.ts.
 */

const Id = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$', description: 'identifier: a letter, then letters, digits, _ or -' });

export const PotentiostatLimitsSchema = Type.Object(
  {
    minV: Type.Number({ description: 'lowest allowed cell voltage (V)' }),
    maxV: Type.Number({ description: 'highest allowed cell voltage (V)' }),
    maxAbsCurrentA: Type.Number({ exclusiveMinimum: 0, description: 'largest allowed |current| (A)' }),
  },
  { additionalProperties: false },
);

export const TemperatureLimitsSchema = Type.Object(
  {
    minK: Type.Number({ exclusiveMinimum: 0, description: 'lowest allowed setpoint (K)' }),
    maxK: Type.Number({ exclusiveMinimum: 0, description: 'highest allowed setpoint (K), e.g. the NMR probe limit' }),
    maxRampKPerMin: Type.Number({ exclusiveMinimum: 0, description: 'largest allowed ramp rate (K/min)' }),
    safeK: Type.Number({ exclusiveMinimum: 0, description: 'setpoint sent on abort, error or shutdown (K)' }),
  },
  { additionalProperties: false },
);

/** What the sample is; GITT needs it for D and composition. */
export const SampleSchema = Type.Object(
  {
    name: Type.String(),
    massG: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    molarMassGPerMol: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    molarVolumeCm3PerMol: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    areaCm2: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'electrode-electrolyte contact area (cm2)' })),
    particleRadiusCm: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    theoreticalCapacityMah: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'full capacity (mAh); C-rates refer to it' })),
    capacityPerUnitXMah: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'charge that changes the composition x by one (mAh)' })),
    initialX: Type.Optional(Type.Number()),
    electronsPerIon: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    thicknessCm: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    cathode: Type.Optional(Type.String()),
    electrolyte: Type.Optional(Type.String()),
    socPercent: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
  },
  { additionalProperties: false },
);

const PotentiostatInstrumentSchema = Type.Object(
  {
    id: Id,
    kind: Type.Literal('potentiostat'),
    driver: Type.Literal('methodscript'),
    transport: Type.String({ description: 'serial://PATH?baud=N, tcp://HOST:PORT, or sim://SIMULATOR-ID in a simulated lab' }),
    limits: PotentiostatLimitsSchema,
    sample: Type.Optional(SampleSchema),
  },
  { additionalProperties: false },
);

const TemperatureInstrumentSchema = Type.Object(
  {
    id: Id,
    kind: Type.Literal('temperature'),
    driver: Type.Union([Type.Literal('eurotherm'), Type.Literal('lakeshore336')]),
    transport: Type.String({ description: 'modbus-tcp://HOST:502?unit=1, modbus-rtu://PATH?baud=9600&unit=1, tcp://HOST:7777, serial://PATH, or sim://SIMULATOR-ID' }),
    limits: TemperatureLimitsSchema,
    options: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'driver options, e.g. decimal places' })),
  },
  { additionalProperties: false },
);

export const InstrumentSchema = Type.Union([PotentiostatInstrumentSchema, TemperatureInstrumentSchema]);

const PotentiostatSimulatorSchema = Type.Object(
  {
    id: Id,
    kind: Type.Literal('potentiostat'),
    cell: Type.Union([Type.Literal('LixV2O5'), Type.Literal('NMC532'), Type.Literal('LAGP-pellet')]),
    /** `pty` serves the simulator on a socat pseudo-terminal; `tcp` on a loopback port. */
    link: Type.Union([Type.Literal('pty'), Type.Literal('tcp')], { default: 'pty' }),
    noise: Type.Optional(
      Type.Object({ potentialV: Type.Number({ minimum: 0 }), currentA: Type.Number({ minimum: 0 }) }, { additionalProperties: false }),
    ),
    /** A temperature simulator whose plant sets the cell's temperature (a pellet in a furnace or NMR probe). */
    inside: Type.Optional(Type.String({ description: 'id of the temperature simulator the cell sits in' })),
    /** Overrides of the cell preset's parameters by name, e.g. `{ initialX: 0.3, diffusionCm2PerS: 5e-11 }`. */
    cellParameters: Type.Optional(Type.Record(Type.String(), Type.Number(), { description: 'overrides of the cell preset (names as in simulators/potentiostat/cell/types.ts)' })),
    seed: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
);

const TemperatureSimulatorSchema = Type.Object(
  {
    id: Id,
    kind: Type.Literal('temperature'),
    model: Type.Union([Type.Literal('eurotherm'), Type.Literal('lakeshore336')]),
    preset: Type.Union([Type.Literal('nmr-vt'), Type.Literal('furnace')]),
    link: Type.Union([Type.Literal('pty'), Type.Literal('tcp')], { default: 'tcp' }),
    seed: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
);

export const SimulatorSchema = Type.Union([PotentiostatSimulatorSchema, TemperatureSimulatorSchema]);

export const TokenSchema = Type.Object(
  {
    name: Type.String({ description: 'who holds the token (shown in logs, never the token)' }),
    role: Type.Union([Type.Literal('viewer'), Type.Literal('operator')]),
    token: Type.Optional(Type.String({ minLength: 16 })),
    tokenEnv: Type.Optional(Type.String({ description: 'name of an environment variable holding the token' })),
  },
  { additionalProperties: false },
);

export const LabConfigSchema = Type.Object(
  {
    lab: Type.Object(
      {
        name: Type.String(),
        /** Lab seconds per real second; > 1 only makes sense with simulators. */
        timeScale: Type.Number({ exclusiveMinimum: 0, default: 1 }),
      },
      { additionalProperties: false },
    ),
    store: Type.Object(
      {
        kind: Type.Literal('sqlite'),
        path: Type.String({ description: 'database file, relative to the lab file' }),
        batchWindowMs: Type.Number({ exclusiveMinimum: 0, maximum: 250, default: 250 }),
      },
      { additionalProperties: false },
    ),
    api: Type.Object(
      {
        host: Type.String({ default: '127.0.0.1' }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
        tokens: Type.Array(TokenSchema, { minItems: 1 }),
      },
      { additionalProperties: false },
    ),
    ingest: Type.Optional(
      Type.Object(
        { folder: Type.String({ description: 'folder the spectrometer software exports CSV results into, relative to the lab file' }) },
        { additionalProperties: false },
      ),
    ),
    simulators: Type.Array(SimulatorSchema, { default: [] }),
    instruments: Type.Array(InstrumentSchema, { minItems: 1 }),
  },
  { additionalProperties: false },
);

export type LabConfig = Static<typeof LabConfigSchema>;
export type InstrumentConfig = Static<typeof InstrumentSchema>;
export type PotentiostatInstrumentConfig = Static<typeof PotentiostatInstrumentSchema>;
export type TemperatureInstrumentConfig = Static<typeof TemperatureInstrumentSchema>;
export type SimulatorConfig = Static<typeof SimulatorSchema>;
export type PotentiostatSimulatorConfig = Static<typeof PotentiostatSimulatorSchema>;
export type TemperatureSimulatorConfig = Static<typeof TemperatureSimulatorSchema>;
export type SampleConfig = Static<typeof SampleSchema>;
export type PotentiostatLimits = Static<typeof PotentiostatLimitsSchema>;
export type TemperatureLimits = Static<typeof TemperatureLimitsSchema>;
export type TokenConfig = Static<typeof TokenSchema>;
