import { Type, type Static } from '@sinclair/typebox';
import { SampleSchema } from '../../config/sample.js';
import { EisPlanSchema, EisSweepProperties } from '../eis/eis-parameters.js';
import { InstrumentId, Quantity } from '../parameter-schemas.js';
import { TemperatureProgramPlanSchema, TemperatureProgramProperties } from '../temperature/temperature-parameters.js';

const ExternalKindSchema = Type.Union([Type.Literal('nmr-t2'), Type.Literal('nmr-exsy')]);

/** A variable-temperature series as the operator writes it: the temperature program, then what to measure at each settled temperature. */
export const VtSeriesParametersSchema = Type.Object(
  {
    ...TemperatureProgramProperties,
    eis: Type.Optional(
      Type.Object(
        {
          potentiostat: InstrumentId('potentiostat id'),
          ...EisSweepProperties,
          sample: Type.Optional(Type.Partial(SampleSchema, { description: 'overrides of the potentiostat’s sample (thicknessCm, areaCm2 of the pellet)' })),
        },
        { additionalProperties: false, description: 'an impedance sweep at each temperature; conductivity and its Arrhenius fit follow' },
      ),
    ),
    external: Type.Optional(
      Type.Object(
        {
          kinds: Type.Array(ExternalKindSchema, {
            minItems: 1,
            uniqueItems: true,
            description: 'external results that end the hold (uploaded or dropped into the watched folder)',
          }),
          maxWait: Type.Optional(Quantity('longest hold per temperature; the step is marked without external data after it (default "4 h")')),
        },
        { additionalProperties: false, description: 'a hold for an external acquisition (NMR) at each temperature' },
      ),
    ),
    nmr: Type.Optional(
      Type.Object(
        {
          jumpDistance: Type.Optional(Quantity('Li jump distance for D from T2 ("0.3 nm")')),
          dimension: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3)], { description: 'dimensionality of the diffusion' })),
          exsyDistance: Type.Optional(Quantity('diffusion distance of the 2D-exchange model ("50 nm")')),
        },
        { additionalProperties: false, description: 'settings of the live NMR fits' },
      ),
    ),
  },
  { additionalProperties: false },
);

export type VtSeriesParametersInput = Static<typeof VtSeriesParametersSchema>;

/**
 * A VT series in SI units, as executed and stored in the run-start document;
 * the live VT fit reads it back through this schema.
 */
export const VtSeriesPlanSchema = Type.Object({
  kind: Type.Literal('vt-series'),
  program: TemperatureProgramPlanSchema,
  /** The sweep at each temperature (sweep index = temperature step). */
  eis: Type.Union([EisPlanSchema, Type.Null()]),
  external: Type.Union([Type.Object({ kinds: Type.Array(ExternalKindSchema), maxWaitS: Type.Number() }), Type.Null()]),
  nmr: Type.Object({
    jumpDistanceCm: Type.Union([Type.Number(), Type.Null()]),
    dimension: Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3), Type.Null()]),
    exsyDistanceCm: Type.Union([Type.Number(), Type.Null()]),
  }),
});
export type VtSeriesPlan = Static<typeof VtSeriesPlanSchema>;

/** The `vt-step` fit document's result: one settled temperature and what was measured there. */
export interface VtStepResult {
  readonly setpointK: number;
  /** Measured over the settling hold and the measurement. */
  readonly temperatureK: { readonly meanK: number; readonly sdK: number; readonly minK: number; readonly maxK: number; readonly samples: number };
  /** The step counts as a settled point (not marked, measured, external data received when waited for). */
  readonly ok: boolean;
  readonly warnings: readonly string[];
  readonly [key: string]: unknown;
}
