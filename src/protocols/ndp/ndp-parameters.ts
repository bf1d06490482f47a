import { Type, type Static } from '@sinclair/typebox';
import { NdpStackFileSchema } from '../../analysis/ndp/stack-file.js';
import { InstrumentId, Quantity } from '../parameter-schemas.js';

/**
 * Operando NDP during Li plating and stripping: galvanostatic cycles on the
 * potentiostat while the MCA takes spectra back to back (SCIENCE.md 5).
 */
export const NdpPlatingParametersSchema = Type.Object(
  {
    potentiostat: InstrumentId('potentiostat id'),
    mca: InstrumentId('MCA id (the NDP detector)'),
    currentDensity: Quantity('plating and stripping current density ("0.5 mA/cm2"; its sign does not matter)'),
    area: Type.Optional(Quantity("electrode area (\"1 cm2\"; default: the potentiostat's sample areaCm2)")),
    plating: Type.Union(
      [
        Type.Object({ duration: Quantity('plating time ("2 h")') }, { additionalProperties: false }),
        Type.Object({ capacity: Quantity('plated charge per area ("1 mAh/cm2")') }, { additionalProperties: false }),
      ],
      { description: 'how long each plating lasts: a time or a charge per area' },
    ),
    stripping: Type.Object(
      {
        cutoff: Quantity('stripping ends when the voltage rises to this ("1 V": the active Li is gone)'),
        maxDuration: Quantity('longest stripping ("4 h")'),
      },
      { additionalProperties: false },
    ),
    platingMinVoltage: Type.Optional(Quantity('plating stops below this voltage (default "-1 V")')),
    cycles: Type.Integer({ minimum: 1, maximum: 1000, description: 'plating/stripping cycles' }),
    rest: Type.Optional(Quantity('open-circuit rest before the first plating and after each plating and stripping (default "20 min"; at least two spectra)')),
    sampleInterval: Type.Optional(Quantity('potentiostat sampling interval (default "10 s")')),
    spectrum: Type.Object(
      { realTime: Quantity('real time of each spectrum ("5 min"); spectra are taken back to back') },
      { additionalProperties: false },
    ),
    monitor: Type.Object(
      {
        nominalRate: Quantity('neutron monitor rate at nominal flux ("1000 /s"), the flux K refers to'),
        minFraction: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'counting pauses while the monitor is below this fraction of nominal (default 0.8)' })),
        settle: Type.Optional(Quantity('the monitor must be back this long before counting resumes (default "2 min")')),
        probe: Type.Optional(Quantity('length of the short spectra that watch the monitor while counting is paused (default "1 min")')),
        poll: Type.Optional(Quantity('how often the monitor is read during a spectrum (default "30 s")')),
        maxOutage: Type.Optional(Quantity('the run fails when the monitor stays low longer (default "12 h")')),
      },
      { additionalProperties: false },
    ),
    ndp: Type.Object(
      {
        stack: NdpStackFileSchema,
        calibration: Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'K: counts/s of live time in one branch per Li atom/cm2 of natural Li at nominal flux' }),
        branch: Type.Optional(Type.Union([Type.Literal('triton'), Type.Literal('alpha')], { description: 'branch the live profiles come from (default triton)' })),
        depthBinNm: Type.Optional(Type.Number({ minimum: 10, maximum: 10_000, description: 'depth bins of the live profiles (nm; default 250)' })),
        resolutionFwhmKeV: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 500, description: 'detector resolution, FWHM (keV; default 20)' })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type NdpPlatingParametersInput = Static<typeof NdpPlatingParametersSchema>;

/** The protocol in SI units, as run-start records it and the live fits read it back. */
export const NdpPlatingPlanSchema = Type.Object({
  kind: Type.Literal('ndp-plating'),
  potentiostat: Type.String(),
  mca: Type.String(),
  /** Magnitude of the plating and stripping current (A). */
  currentA: Type.Number(),
  areaCm2: Type.Number(),
  plating: Type.Union([Type.Object({ durationS: Type.Number() }), Type.Object({ chargeC: Type.Number() })]),
  stripping: Type.Object({ cutoffV: Type.Number(), maxDurationS: Type.Number() }),
  platingMinV: Type.Number(),
  cycles: Type.Integer(),
  restS: Type.Number(),
  sampleIntervalS: Type.Number(),
  spectrumRealTimeS: Type.Number(),
  monitor: Type.Object({
    nominalRatePerS: Type.Number(),
    minFraction: Type.Number(),
    settleS: Type.Number(),
    probeS: Type.Number(),
    pollS: Type.Number(),
    maxOutageS: Type.Number(),
  }),
  ndp: Type.Object({
    stack: NdpStackFileSchema,
    calibrationCountsPerSPerLiPerCm2: Type.Number(),
    branch: Type.Union([Type.Literal('triton'), Type.Literal('alpha')]),
    depthBinNm: Type.Number(),
    resolutionFwhmKeV: Type.Number(),
    energyCalibrationKeV: Type.Union([Type.Tuple([Type.Number(), Type.Number(), Type.Number()]), Type.Null()]),
    /** Channels above every triton, whose mean count per channel is the background subtracted; null when the range ends below them. */
    backgroundChannels: Type.Union([Type.Tuple([Type.Integer(), Type.Integer()]), Type.Null()]),
  }),
});
export type NdpPlatingPlan = Static<typeof NdpPlatingPlanSchema>;
