import { Type, type Static } from '@sinclair/typebox';
import { DEFAULT_EIS_WEIGHTING } from '../../analysis/eis/weighting.js';
import { SampleSchema } from '../../config/sample.js';
import { CircuitString, InstrumentId, Quantity } from '../parameter-schemas.js';

/** The circuit fitted after each sweep unless the parameters name another. */
export const DEFAULT_EIS_CIRCUIT = 'R0-p(R1,CPE1)-p(R2,CPE2)';

/**
 * The fit weighting unless the parameters (or `analyze eis --weighting`) name
 * another: the live fit of each sweep, the offline `analyze eis` and
 * `fitCircuit` itself all take it from the analysis layer (why modulus: there).
 */
export { DEFAULT_EIS_WEIGHTING };

/**
 * One impedance sweep and its analysis, as the operator writes it. These
 * properties are shared by the EIS protocol and by protocols that run sweeps
 * as a step (VT series).
 */
export const EisSweepProperties = {
  mode: Type.Optional(
    Type.Union([Type.Literal('potentiostatic'), Type.Literal('galvanostatic')], { description: 'PEIS (default) or GEIS where the instrument supports it' }),
  ),
  startFrequency: Quantity('first frequency ("1 MHz"; a number is Hz)'),
  endFrequency: Quantity('last frequency ("0.1 Hz")'),
  pointsPerDecade: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100, description: 'frequencies per decade (default 10 unless `points` is given)' })),
  points: Type.Optional(Type.Integer({ minimum: 3, maximum: 1000, description: 'number of frequencies (instead of pointsPerDecade)' })),
  amplitude: Quantity('sine amplitude: a potential ("10 mV"), a current ("10 uA") for a galvanostatic sweep'),
  dcCurrent: Type.Optional(Quantity('DC current of a galvanostatic sweep (default "0 A")')),
  bias: Type.Optional(
    Type.Object(
      {
        dc: Quantity('DC potential ("0 V")'),
        vs: Type.Union([Type.Literal('ocp'), Type.Literal('absolute')], { description: 'ocp: the open-circuit potential is measured first and the bias added to it' }),
      },
      { additionalProperties: false, description: 'DC bias of a potentiostatic sweep (default 0 V vs OCP)' },
    ),
  ),
  ocpDuration: Type.Optional(Quantity('open-circuit measurement before a sweep biased vs OCP (default "10 s")')),
  waitBefore: Type.Optional(Quantity('open-circuit wait before each sweep (default "0 s"); the OCP is taken at its end')),
  circuit: Type.Optional(CircuitString(`equivalent circuit fitted after each sweep (default ${DEFAULT_EIS_CIRCUIT})`)),
  weighting: Type.Optional(Type.Union([Type.Literal('unit'), Type.Literal('modulus'), Type.Literal('proportional')], { description: `fit weighting (default ${DEFAULT_EIS_WEIGHTING})` })),
  excludeInductive: Type.Optional(Type.Boolean({ description: 'leave points with Z\'\' > 0 out of the fit (default false)' })),
};

export const EisParametersSchema = Type.Object(
  {
    instrument: InstrumentId('potentiostat id'),
    ...EisSweepProperties,
    repeats: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, description: 'sweeps in a row (default 1)' })),
    sample: Type.Optional(Type.Partial(SampleSchema, { description: 'overrides of the instrument’s sample description (thicknessCm and areaCm2 give a conductivity)' })),
  },
  { additionalProperties: false },
);

const EisSweepSchema = Type.Object(EisSweepProperties);
export type EisSweepInput = Static<typeof EisSweepSchema>;
export type EisParametersInput = Static<typeof EisParametersSchema>;

/** PEIS: a sine potential around a DC bias; GEIS: a sine current around a DC current. */
const EisExcitationSchema = Type.Union([
  Type.Object({
    mode: Type.Literal('potentiostatic'),
    amplitudeV: Type.Number(),
    bias: Type.Object({ dcV: Type.Number(), vs: Type.Union([Type.Literal('ocp'), Type.Literal('absolute')]) }),
  }),
  Type.Object({ mode: Type.Literal('galvanostatic'), amplitudeA: Type.Number(), dcA: Type.Number() }),
]);
export type EisExcitation = Static<typeof EisExcitationSchema>;

const EisPlanCommonSchema = Type.Object({
  kind: Type.Literal('eis-sweep'),
  instrument: Type.String(),
  startHz: Type.Number(),
  endHz: Type.Number(),
  points: Type.Integer(),
  /** Open circuit before the sweep: the wait, or long enough to measure the OCP. */
  restS: Type.Number(),
  /** The OCP is the mean over the last `ocpS` of the rest. */
  ocpS: Type.Number(),
  restIntervalS: Type.Number(),
  analysis: Type.Object({
    circuit: Type.String(),
    weighting: Type.Union([Type.Literal('unit'), Type.Literal('modulus'), Type.Literal('proportional')]),
    excludeInductive: Type.Boolean(),
  }),
  sample: Type.Union([Type.Partial(SampleSchema), Type.Null()]),
});

/**
 * One sweep and its analysis in SI units, as executed and stored in the
 * run-start document: the EIS protocol's parameters, and the `eis` entry of
 * the parameters of a protocol that runs sweeps as a step. The live EIS fit
 * reads it back through this schema.
 */
export const EisPlanSchema = Type.Intersect([EisPlanCommonSchema, EisExcitationSchema]);
export type EisPlan = Static<typeof EisPlanSchema>;
