import type { OcvCurveParameters } from './ocv.js';

export type InsertionPresetName = 'LixV2O5' | 'NMC532';
export type PelletPresetName = 'LAGP-pellet';
export type LiPlatingPresetName = 'Li-on-Cu';
export type CellPresetName = InsertionPresetName | PelletPresetName | LiPlatingPresetName;

export const cellPresetNames: readonly CellPresetName[] = ['LixV2O5', 'NMC532', 'LAGP-pellet', 'Li-on-Cu'];

/** A simulated cell: pure computation, advanced in time by the potentiostat simulator. */
export interface CellModel {
  /** True values, for tests and the lab's simulator info. Rates are given at `referenceTemperatureK`. */
  readonly parameters: CellParameters;
  /**
   * Advance by dtS at constant applied current (A). Sign: positive = anodic (oxidation at the working
   * electrode) = charging a cathode = Li leaves the host (x decreases), voltage rises.
   */
  advanceGalvanostatic(dtS: number, currentA: number): void;
  /** Advance by dtS holding the terminal potential (V); returns the current (A) at the end. */
  advancePotentiostatic(dtS: number, potentialV: number): number;
  /** Advance at open circuit (I = 0). */
  rest(dtS: number): void;
  /** Terminal voltage now (V) at the present current (includes Rs*I and the double-layer state). */
  voltage(): number;
  current(): number;
  /** Mean composition x of the host (e.g. Li_x V2O5). */
  composition(): number;
  /** The equilibrium OCV (V) at the mean composition. */
  openCircuitVoltage(): number;
  /** Small-signal impedance (ohm) at the present state, same physics as the time domain. */
  impedance(frequencyHz: number): { re: number; im: number };
  /** Temperature (K): rates (D, conductivities, exchange current) follow Arrhenius with the preset's Ea. */
  setTemperatureK(temperatureK: number): void;
  temperatureK(): number;
}

/**
 * A composite insertion electrode vs Li/Li+: spherical particles of one radius
 * with solid-state diffusion, charge transfer (Butler-Volmer) in parallel with
 * the double layer at their surface, and the solid electrolyte in series
 * (bulk as Rs, grain boundaries as R||CPE).
 */
export interface InsertionCellParameters {
  readonly kind: 'insertion-electrode';
  readonly preset: InsertionPresetName;
  /** Formula unit to which x, the molar mass and the molar volume refer. */
  readonly hostFormula: string;
  /** Active mass m_B (g). */
  readonly massG: number;
  /** M_B (g/mol) of the formula unit. */
  readonly molarMassGPerMol: number;
  /** V_M (cm3/mol) of the formula unit. */
  readonly molarVolumeCm3PerMol: number;
  readonly particleRadiusCm: number;
  /** Derived: electrochemically active area S = 3 V/r with V = m_B V_M/M_B (cm2). */
  readonly areaCm2: number;
  /** Derived: m_B/M_B (mol). */
  readonly hostAmountMol: number;
  /** Derived: F (xMax - xMin) m_B/M_B, in mAh. */
  readonly theoreticalCapacityMAh: number;
  /** Derived: the charge that changes x by one, F m_B/M_B, in mAh. */
  readonly capacityPerUnitXMAh: number;
  /** Composition range of the host; the OCV curve is steep at both ends. */
  readonly xMin: number;
  readonly xMax: number;
  readonly initialX: number;
  readonly ocv: OcvCurveParameters;
  /** Chemical diffusion coefficient of Li in the host at the reference temperature (cm2/s). */
  readonly diffusionCm2PerS: number;
  readonly diffusionActivationEnergyEv: number;
  /** Butler-Volmer exchange current density at the reference temperature (A/cm2 of S). */
  readonly exchangeCurrentDensityACm2: number;
  readonly chargeTransferActivationEnergyEv: number;
  /** Anodic transfer coefficient alpha_a (the cathodic one is 1 - alpha_a). */
  readonly transferCoefficient: number;
  /** Derived: RT/(F i0 S) at the reference temperature and zero current (ohm). */
  readonly chargeTransferResistanceOhm: number;
  readonly doubleLayerCapacitanceFPerCm2: number;
  /** Derived: double-layer capacitance over S (F). */
  readonly doubleLayerCapacitanceF: number;
  /** Electrolyte bulk and contacts at the reference temperature (ohm); scales as a conductivity (sigma T Arrhenius). */
  readonly seriesResistanceOhm: number;
  readonly seriesActivationEnergyEv: number;
  /** Grain-boundary arc of the electrolyte, R||CPE; R at the reference temperature (ohm). */
  readonly grainBoundaryResistanceOhm: number;
  readonly grainBoundaryActivationEnergyEv: number;
  /** CPE coefficient Q (F s^(alpha - 1)), independent of temperature. */
  readonly grainBoundaryCpeQ: number;
  readonly grainBoundaryCpeAlpha: number;
  readonly referenceTemperatureK: number;
  readonly initialTemperatureK: number;
}

/**
 * A solid-electrolyte pellet between two ion-blocking electrodes:
 * Rs - p(R_bulk, CPE_bulk) - p(R_gb, CPE_gb) - CPE_electrodes.
 */
export interface PelletCellParameters {
  readonly kind: 'blocking-pellet';
  readonly preset: PelletPresetName;
  readonly material: string;
  readonly thicknessCm: number;
  readonly areaCm2: number;
  /** Bulk ionic conductivity at the reference temperature (S/cm). */
  readonly bulkConductivitySPerCm: number;
  readonly bulkActivationEnergyEv: number;
  /** Derived: A of sigma T = A exp(-Ea/(kB T)) for the bulk (S K/cm). */
  readonly bulkConductivityPrefactorSKPerCm: number;
  readonly bulkCpeQ: number;
  readonly bulkCpeAlpha: number;
  /** Grain-boundary resistance at the reference temperature (ohm); scales as a conductivity. */
  readonly grainBoundaryResistanceOhm: number;
  readonly grainBoundaryActivationEnergyEv: number;
  readonly grainBoundaryCpeQ: number;
  readonly grainBoundaryCpeAlpha: number;
  /** Both blocking electrodes in series as one CPE. */
  readonly electrodeCpeQ: number;
  readonly electrodeCpeAlpha: number;
  /** Leads and current collectors (ohm, > 0), independent of temperature. */
  readonly seriesResistanceOhm: number;
  readonly referenceTemperatureK: number;
  readonly initialTemperatureK: number;
}

/**
 * Li plated on and stripped from a bare current collector (Cu) against a Li
 * counter electrode, in a liquid electrolyte: the cell of operando NDP.
 */
export interface LiPlatingCellParameters {
  readonly kind: 'li-plating';
  readonly preset: LiPlatingPresetName;
  /** Electrode area, also the area NDP sees (cm2). */
  readonly areaCm2: number;
  /** Butler-Volmer exchange current density of Li/Li+ on the deposit (A/cm2). */
  readonly exchangeCurrentDensityACm2: number;
  /** Electrolyte and separator (ohm). */
  readonly seriesResistanceOhm: number;
  readonly doubleLayerCapacitanceFPerCm2: number;
  /** Extra overpotential of the first Li nuclei on bare Cu (V, positive). */
  readonly nucleationOverpotentialV: number;
  /** Plated charge over which the nucleation overpotential fades (e-fold, mAh/cm2). */
  readonly nucleationChargeMahPerCm2: number;
  /** Open-circuit potential of bare Cu vs Li (V). */
  readonly bareCollectorRestV: number;
  /** Where the bare Cu itself oxidises (V vs Li): an anodic current without Li goes no higher. */
  readonly collectorOxidationV: number;
  /** Leak across the bare interface (ohm): how it drifts back to its rest potential. */
  readonly leakResistanceOhm: number;
  /** Share of the plating charge going into electrolyte reduction instead of Li (0..1). */
  readonly sideReactionFraction: number;
  /** Share of the Li plated in a cycle that is isolated ("dead") when stripping begins (0..1). */
  readonly inactiveFractionPerCycle: number;
  /** Density of the deposit relative to dense Li metal (porous below 1). */
  readonly depositRelativeDensity: number;
  /** Li on the collector before the first plating (mAh/cm2; 0: anode-free). */
  readonly initialLiMahPerCm2: number;
  /** Li in the electrolyte beyond the deposit (atoms/cm3; 1 M LiPF6 is 6.0e20). */
  readonly electrolyteLiPerCm3: number;
  readonly referenceTemperatureK: number;
  readonly initialTemperatureK: number;
}

export type CellParameters = InsertionCellParameters | PelletCellParameters | LiPlatingCellParameters;
