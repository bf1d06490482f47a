import { BOLTZMANN_EV_PER_K, FARADAY_C_PER_MOL } from '../../../src/core/physical-constants.js';
import { thermalVoltageV } from './ocv.js';
import type { InsertionCellParameters, InsertionPresetName, LiPlatingCellParameters, LiPlatingPresetName, PelletCellParameters, PelletPresetName } from './types.js';

/** Fields of the parameters that are computed from the others, never given. */
export const insertionDerivedKeys = [
  'areaCm2',
  'hostAmountMol',
  'theoreticalCapacityMAh',
  'capacityPerUnitXMAh',
  'chargeTransferResistanceOhm',
  'doubleLayerCapacitanceF',
] as const;
export const pelletDerivedKeys = ['bulkConductivityPrefactorSKPerCm'] as const;

export type InsertionInputs = Omit<InsertionCellParameters, (typeof insertionDerivedKeys)[number]>;
export type PelletInputs = Omit<PelletCellParameters, (typeof pelletDerivedKeys)[number]>;

const ROOM_TEMPERATURE_K = 298.15;

/**
 * Defaults resemble the published systems (SCIENCE.md): D of LixV2O5 near
 * 2e-11 cm2/s, of coated NMC532 1e-11..1.4e-10 cm2/s; interface resistances of
 * a hundred ohm or so; sulfide-like electrolyte resistances.
 *
 * GITT regime with the defaults (pulses at C/10 of the theoretical capacity,
 * tau = 10 min = 600 s):
 * - LixV2O5: r = 10 um, D = 2e-11 cm2/s: r^2/D = 5.0e4 s, so tau D/r^2 = 0.012
 *   (tau << r^2/D, Weppner-Huggins). A pulse moves the mean x by 0.033 and the
 *   surface x by about 0.13 (about 2 r/(3 sqrt(pi D tau)) times the mean),
 *   over which the OCV slope on the sloping plateaus (-0.17..-0.25 V/x at
 *   x = 0.3..0.6 and 1.3..1.8) stays nearly constant; across the steps
 *   between plateaus (x near 0.12, 0.8, 1.1) it does not, as in the real oxide.
 * - NMC532: r = 7.5 um, D = 1e-11 cm2/s: r^2/D = 5.6e4 s, tau D/r^2 = 0.011;
 *   a pulse moves the mean x by 0.017, the surface by about 0.07.
 * The sphere's curvature still makes the transient dEt larger than the planar
 * solution the Weppner-Huggins formula assumes, by about
 * (sqrt(pi)/2) sqrt(D tau)/r = 10% at 10 min, so the formula gives D low: on
 * simulated pulses (IR step removed exactly, fully relaxed Es) by 15-23% at
 * 10 min, 10-16% at 5 min, 4-7% at 1 min. The sqrt(t) slope over the first
 * tens of seconds gives D within a few %. Rests relax as 1/sqrt(t) long before
 * r^2/D: 30 min after a 10 min pulse the voltage is still 35-40% of dEs away
 * from the OCV of the new composition.
 */
export const insertionPresets: Record<InsertionPresetName, InsertionInputs> = {
  LixV2O5: {
    kind: 'insertion-electrode',
    preset: 'LixV2O5',
    hostFormula: 'V2O5',
    massG: 5e-3,
    molarMassGPerMol: 181.88,
    // 181.88 g/mol over a density of 3.357 g/cm3.
    molarVolumeCm3PerMol: 54.18,
    particleRadiusCm: 10e-4,
    xMin: 0,
    xMax: 2,
    initialX: 0.02,
    // 3.66 V at x = 0.02; plateaus near 3.43 V (epsilon), 3.19 V (delta), 2.55 V (gamma); 2.41 V at x = 1.98.
    ocv: {
      offsetV: 3.55,
      slopeVPerX: -0.1,
      steps: [
        { centerX: 0.12, heightV: 0.1, widthX: 0.05 },
        { centerX: 0.8, heightV: 0.17, widthX: 0.07 },
        { centerX: 1.1, heightV: 0.55, widthX: 0.08 },
      ],
    },
    diffusionCm2PerS: 2e-11,
    diffusionActivationEnergyEv: 0.38,
    exchangeCurrentDensityACm2: 4e-5,
    chargeTransferActivationEnergyEv: 0.45,
    transferCoefficient: 0.5,
    doubleLayerCapacitanceFPerCm2: 10e-6,
    seriesResistanceOhm: 20,
    seriesActivationEnergyEv: 0.3,
    grainBoundaryResistanceOhm: 40,
    grainBoundaryActivationEnergyEv: 0.4,
    // Effective capacitance Q^(1/alpha) R^((1-alpha)/alpha) = 5 nF at 298 K: the arc near 800 kHz.
    grainBoundaryCpeQ: 2.34e-8,
    grainBoundaryCpeAlpha: 0.9,
    referenceTemperatureK: ROOM_TEMPERATURE_K,
    initialTemperatureK: ROOM_TEMPERATURE_K,
  },
  NMC532: {
    kind: 'insertion-electrode',
    preset: 'NMC532',
    // x counts Li per formula unit; mass and molar mass are those of the pristine lithiated oxide.
    hostFormula: 'LiNi0.5Mn0.3Co0.2O2',
    massG: 5e-3,
    molarMassGPerMol: 96.56,
    // 96.56 g/mol over a density of 4.77 g/cm3.
    molarVolumeCm3PerMol: 20.24,
    particleRadiusCm: 7.5e-4,
    xMin: 0,
    xMax: 1,
    initialX: 0.97,
    // 3.60 V at x = 0.95, 3.96 V at x = 0.5, 4.31 V at x = 0.28.
    ocv: {
      offsetV: 4.5,
      slopeVPerX: -0.6,
      steps: [{ centerX: 0.35, heightV: 0.25, widthX: 0.1 }],
    },
    diffusionCm2PerS: 1e-11,
    diffusionActivationEnergyEv: 0.4,
    exchangeCurrentDensityACm2: 5e-5,
    chargeTransferActivationEnergyEv: 0.5,
    transferCoefficient: 0.5,
    doubleLayerCapacitanceFPerCm2: 10e-6,
    seriesResistanceOhm: 20,
    seriesActivationEnergyEv: 0.3,
    grainBoundaryResistanceOhm: 40,
    grainBoundaryActivationEnergyEv: 0.4,
    grainBoundaryCpeQ: 2.34e-8,
    grainBoundaryCpeAlpha: 0.9,
    referenceTemperatureK: ROOM_TEMPERATURE_K,
    initialTemperatureK: ROOM_TEMPERATURE_K,
  },
};

/**
 * LAGP (Li1.5Al0.5Ge1.5(PO4)3) pellet, 1 mm thick, 10 mm diameter, gold on both
 * faces. Bulk 0.15 mS/cm and total 0.12 mS/cm at 298 K (the published value);
 * bulk arc (20 pF) near 9 MHz at 298 K, so inside a 1 MHz sweep only below
 * about 250 K; grain-boundary arc (5 nF) near 150 kHz.
 */
export const pelletPresets: Record<PelletPresetName, PelletInputs> = {
  'LAGP-pellet': {
    kind: 'blocking-pellet',
    preset: 'LAGP-pellet',
    material: 'Li1.5Al0.5Ge1.5(PO4)3',
    thicknessCm: 0.1,
    areaCm2: Math.PI * 0.5 ** 2,
    bulkConductivitySPerCm: 1.5e-4,
    bulkActivationEnergyEv: 0.35,
    bulkCpeQ: 5e-11,
    bulkCpeAlpha: 0.95,
    grainBoundaryResistanceOhm: 212,
    grainBoundaryActivationEnergyEv: 0.45,
    grainBoundaryCpeQ: 4e-8,
    grainBoundaryCpeAlpha: 0.85,
    electrodeCpeQ: 3e-6,
    electrodeCpeAlpha: 0.85,
    seriesResistanceOhm: 2,
    referenceTemperatureK: ROOM_TEMPERATURE_K,
    initialTemperatureK: ROOM_TEMPERATURE_K,
  },
};

export function deriveInsertionParameters(inputs: InsertionInputs): InsertionCellParameters {
  const hostAmountMol = inputs.massG / inputs.molarMassGPerMol;
  const particleVolumeCm3 = hostAmountMol * inputs.molarVolumeCm3PerMol;
  const areaCm2 = (3 * particleVolumeCm3) / inputs.particleRadiusCm;
  // 1 mAh = 3.6 C.
  const capacityPerUnitXMAh = (FARADAY_C_PER_MOL * hostAmountMol) / 3.6;
  return {
    ...inputs,
    areaCm2,
    hostAmountMol,
    theoreticalCapacityMAh: capacityPerUnitXMAh * (inputs.xMax - inputs.xMin),
    capacityPerUnitXMAh,
    chargeTransferResistanceOhm: thermalVoltageV(inputs.referenceTemperatureK) / (inputs.exchangeCurrentDensityACm2 * areaCm2),
    doubleLayerCapacitanceF: inputs.doubleLayerCapacitanceFPerCm2 * areaCm2,
  };
}

export function derivePelletParameters(inputs: PelletInputs): PelletCellParameters {
  // sigma T = A exp(-Ea/(kB T)) through the reference point.
  const reference = inputs.referenceTemperatureK;
  const boltzmannFactor = Math.exp(-inputs.bulkActivationEnergyEv / (BOLTZMANN_EV_PER_K * reference));
  return { ...inputs, bulkConductivityPrefactorSKPerCm: (inputs.bulkConductivitySPerCm * reference) / boltzmannFactor };
}

/**
 * Li on Cu in a carbonate electrolyte (1 M LiPF6), as in the operando NDP
 * studies of SCIENCE.md 5: i0 about 1 mA/cm2, a 20-30 mV nucleation dip on
 * bare Cu, a porous deposit, and per cycle a fifth of the plated Li left
 * inactive (Li efficiency 80 %, as on ZnO-coated Cu) with 5 % of the plating
 * charge lost to electrolyte reduction (CE 76 %).
 */
export const liPlatingPresets: Record<LiPlatingPresetName, LiPlatingCellParameters> = {
  'Li-on-Cu': {
    kind: 'li-plating',
    preset: 'Li-on-Cu',
    areaCm2: 1,
    exchangeCurrentDensityACm2: 1e-3,
    seriesResistanceOhm: 20,
    doubleLayerCapacitanceFPerCm2: 20e-6,
    nucleationOverpotentialV: 0.03,
    nucleationChargeMahPerCm2: 0.005,
    bareCollectorRestV: 2.9,
    collectorOxidationV: 3.6,
    leakResistanceOhm: 1e6,
    sideReactionFraction: 0.05,
    inactiveFractionPerCycle: 0.2,
    depositRelativeDensity: 0.6,
    initialLiMahPerCm2: 0,
    electrolyteLiPerCm3: 6.0e20,
    referenceTemperatureK: ROOM_TEMPERATURE_K,
    initialTemperatureK: ROOM_TEMPERATURE_K,
  },
};
