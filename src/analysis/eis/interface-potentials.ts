/**
 * Cathode | solid-electrolyte interface potential steps from a first-principles
 * "potential map" study, as tabulated in SCIENCE.md section 6: volts, positive
 * = a barrier to discharge, negative = a barrier to charge, at SOC 0 % and
 * 100 % (and over-charged for the spinel LMO). Pairs the study did not report
 * are absent. Stability windows of the electrolytes in V vs Li/Li+.
 */

export const CATHODES = ['LCO', 'LNO', 'LNCO', 'LMO', 'LNMO'] as const;
export type Cathode = (typeof CATHODES)[number];
export const ELECTROLYTES = ['LiPON', 'LPO', 'LLZO', 'LPS'] as const;
export type Electrolyte = (typeof ELECTROLYTES)[number];

export type StateOfCharge = 'discharged' | 'charged' | 'overcharged';

export interface InterfacePotentialSteps {
  /** SOC 0 % */
  readonly dischargedV: number;
  /** SOC 100 % */
  readonly chargedV: number;
  /** over-charged, reported for LMO only */
  readonly overchargedV?: number;
}

export const INTERFACE_POTENTIAL_STEPS: Readonly<Record<Cathode, Partial<Record<Electrolyte, InterfacePotentialSteps>>>> = {
  LCO: {
    LiPON: { dischargedV: 0.61, chargedV: -0.35 },
    LPO: { dischargedV: 0.07, chargedV: -0.96 },
    LLZO: { dischargedV: 0.19, chargedV: -0.72 },
    LPS: { dischargedV: -0.1, chargedV: -1.01 },
  },
  LNO: {
    LiPON: { dischargedV: 0.3, chargedV: 0.79 },
    LPO: { dischargedV: -0.32, chargedV: 0.16 },
    LLZO: { dischargedV: -0.09, chargedV: 0.41 },
  },
  LNCO: {
    LiPON: { dischargedV: 1.06, chargedV: 0.69 },
    LPO: { dischargedV: 0.42, chargedV: 0.06 },
    LLZO: { dischargedV: 0.67, chargedV: 0.31 },
    LPS: { dischargedV: 0.36, chargedV: 0.01 },
  },
  LMO: {
    LiPON: { dischargedV: -0.24, chargedV: -0.49, overchargedV: -1.35 },
    LPO: { dischargedV: -0.63, chargedV: -1.0, overchargedV: -1.85 },
    LLZO: { dischargedV: -0.64, chargedV: -0.87, overchargedV: -2.62 },
    LPS: { dischargedV: -0.92, chargedV: -1.17, overchargedV: -2.03 },
  },
  LNMO: {
    LiPON: { dischargedV: 0.07, chargedV: 0.8 },
    LPO: { dischargedV: -0.56, chargedV: 0.17 },
    LLZO: { dischargedV: -0.34, chargedV: 0.41 },
    LPS: { dischargedV: -0.61, chargedV: 0.11 },
  },
};

export const STABILITY_WINDOWS_V: Readonly<Record<Electrolyte, { readonly minV: number; readonly maxV: number }>> = {
  LiPON: { minV: 0.68, maxV: 2.64 },
  LPO: { minV: 0.69, maxV: 4.21 },
  LLZO: { minV: 0.0, maxV: 2.91 },
  LPS: { minV: 1.74, maxV: 2.32 },
};

export interface PredictedBarrier {
  readonly potentialStepV: number;
  /** the direction of current the step opposes; 'none' for a zero step */
  readonly opposes: 'discharge' | 'charge' | 'none';
}

/** The tabulated step for a pair at a state of charge, or null when the study has no value for it. */
export function predictedInterfaceBarrier(cathode: Cathode, electrolyte: Electrolyte, soc: StateOfCharge): PredictedBarrier | null {
  const steps = INTERFACE_POTENTIAL_STEPS[cathode][electrolyte];
  if (!steps) return null;
  const v = soc === 'discharged' ? steps.dischargedV : soc === 'charged' ? steps.chargedV : steps.overchargedV;
  if (v === undefined) return null;
  return { potentialStepV: v, opposes: v > 0 ? 'discharge' : v < 0 ? 'charge' : 'none' };
}

/** SOC 0 % is discharged, 100 % charged; other values were not computed by the study. */
export function stateOfChargeFromPercent(percent: number): StateOfCharge | null {
  if (percent === 0) return 'discharged';
  if (percent === 100) return 'charged';
  return null;
}
