import { Type, type Static } from '@sinclair/typebox';

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

export type SampleConfig = Static<typeof SampleSchema>;
