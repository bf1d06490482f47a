import { Type, type Static } from '@sinclair/typebox';
import { InstrumentSchema, SimulatorSchema, type InstrumentConfig, type SimulatorConfig } from '../kinds/registry.js';
import { JOURNAL_DEFAULTS } from '../store/defaults.js';

/**
 * The lab file: instruments (driver, transport URL, hard limits), simulators
 * the lab starts, the store, the API. Validated at start-up; see load.ts.
 * Each instrument kind declares its own entries (src/kinds/<kind>/config.ts).
 */
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
        journal: Type.Object(
          {
            maxBytes: Type.Integer({
              minimum: JOURNAL_DEFAULTS.minMaxBytes,
              default: JOURNAL_DEFAULTS.maxBytes,
              description: 'bound of the write-ahead journal (bytes): a warning at 80%, runs aborted at the bound (src/store/defaults.ts)',
            }),
          },
          { additionalProperties: false, default: {} },
        ),
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

type LabConfigShape = Static<typeof LabConfigSchema>;
/** A validated lab file, with each instrument and simulator typed by its kind. */
export type LabConfig = Omit<LabConfigShape, 'instruments' | 'simulators'> & {
  readonly instruments: InstrumentConfig[];
  readonly simulators: SimulatorConfig[];
};
export type TokenConfig = Static<typeof TokenSchema>;
export type { InstrumentConfig, SimulatorConfig };
