import { Type, type Static } from '@sinclair/typebox';
import { SampleSchema } from '../../config/sample.js';
import { InstrumentId, Quantity } from '../parameter-schemas.js';

/** GITT as the operator writes it: values with units (`"10 min"`, `"C/20"`, `"-50 uA"`). */
export const GittParametersSchema = Type.Object(
  {
    instrument: InstrumentId('potentiostat id'),
    current: Quantity('pulse current: A, a value with a unit ("-50 uA"), or a C-rate ("-C/20", needs the sample capacity); negative discharges'),
    pulse: Quantity('pulse duration ("10 min"; a JSON number is seconds)'),
    rest: Type.Union(
      [
        Type.Object({ duration: Quantity('fixed rest ("30 min")') }, { additionalProperties: false }),
        Type.Object(
          {
            maxDvdt: Quantity('rest ends when |dV/dt| (fitted over the window) is below this with 95% confidence ("1 mV/h"; a number is V/s)'),
            window: Type.Optional(Quantity('window over which dV/dt is estimated (default "5 min")')),
            minDuration: Type.Optional(Quantity('shortest rest (default: one window)')),
            maxDuration: Quantity('longest rest ("4 h")'),
          },
          { additionalProperties: false },
        ),
      ],
      { description: 'rest after each pulse: fixed duration or a relaxation criterion' },
    ),
    pulses: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, description: 'number of pulses (at most)' })),
    cutoff: Type.Optional(
      Type.Object(
        { minV: Type.Optional(Quantity('stop when the voltage falls below')), maxV: Type.Optional(Quantity('stop when the voltage rises above')) },
        { additionalProperties: false },
      ),
    ),
    sampleInterval: Type.Optional(Quantity('sampling interval during pulses (default "1 s")')),
    restSampleInterval: Type.Optional(Quantity('sampling interval during rests (default "10 s")')),
    initialRest: Type.Optional(Quantity('open-circuit rest before the first pulse (default "10 min")')),
    sample: Type.Optional(Type.Partial(SampleSchema, { description: 'overrides of the instrument’s sample description' })),
  },
  { additionalProperties: false },
);

export type GittParametersInput = Static<typeof GittParametersSchema>;

const GittRestSchema = Type.Union([
  Type.Object({ kind: Type.Literal('fixed'), durationS: Type.Number() }),
  Type.Object({ kind: Type.Literal('relaxation'), maxDvdtVPerS: Type.Number(), windowS: Type.Number(), minDurationS: Type.Number(), maxDurationS: Type.Number() }),
]);
export type GittRest = Static<typeof GittRestSchema>;

/**
 * GITT in SI units, as executed and stored in the run-start document. The
 * live fit reads it back through this schema (a checked read, not a cast).
 */
export const GittPlanSchema = Type.Object({
  instrument: Type.String(),
  currentA: Type.Number(),
  pulseS: Type.Number(),
  rest: GittRestSchema,
  pulses: Type.Union([Type.Integer(), Type.Null()]),
  cutoff: Type.Object({ minV: Type.Union([Type.Number(), Type.Null()]), maxV: Type.Union([Type.Number(), Type.Null()]) }),
  sampleIntervalS: Type.Number(),
  restSampleIntervalS: Type.Number(),
  initialRestS: Type.Number(),
  sample: Type.Union([Type.Partial(SampleSchema), Type.Null()]),
  /** Where `sample.initialX` came from when the previous run on the sample left it (absent: the parameters or the lab file). */
  initialXFrom: Type.Optional(Type.Object({ runId: Type.String(), pulse: Type.Integer() })),
});
export type GittPlan = Static<typeof GittPlanSchema>;
