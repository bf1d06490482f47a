import { ELEMENTARY_CHARGE_C, FARADAY_C_PER_MOL, GAS_CONSTANT_J_PER_MOL_K } from '../../../src/core/physical-constants.js';
import { requireFinite } from './errors.js';
import { solveIncreasing } from './monotone-root.js';
import type { CellModel, LiPlatingCellParameters } from './types.js';

/** Atoms per cm3 of dense Li metal (0.534 g/cm3, 6.94 g/mol; SCIENCE.md 5). */
export const DENSE_LI_PER_CM3 = 4.63e22;
/** Li atoms per cm2 in 1 mAh/cm2 (3.6 C / e). */
export const LI_PER_CM2_PER_MAH_PER_CM2 = 3.6 / ELEMENTARY_CHARGE_C;

/** One layer of Li on the working electrode, counted from the current collector outward. */
export interface LiLayer {
  /** Depth of its two faces from the collector's surface (nm). */
  readonly fromNm: number;
  readonly toNm: number;
  /** Li atom density in it (atoms/cm3). */
  readonly liPerCm3: number;
}

/**
 * What a neutron depth profile of the working electrode sees: the Li on the
 * collector (inactive Li of earlier cycles against it, the active deposit on
 * top), then the electrolyte's own Li beyond.
 */
export interface LiDepositState {
  readonly activeLiPerCm2: number;
  readonly inactiveLiPerCm2: number;
  readonly layers: readonly LiLayer[];
  readonly electrolyteLiPerCm3: number;
}

type Phase = 'rest' | 'plating' | 'stripping';

/**
 * Li plating and stripping on a bare current collector (Cu) against a Li
 * counter electrode, the cell of operando NDP (SCIENCE.md 5). Working
 * electrode = Cu: plating is cathodic (negative current), stripping anodic.
 *
 * - With active Li on the Cu the interface sits at 0 V vs Li; its Butler-
 *   Volmer overpotential (symmetric, quasi-steady: R_ct C_dl is well under a
 *   millisecond) and the electrolyte's I R_s give the voltage. Plating onto
 *   bare Cu needs a nucleation overpotential that fades over the first
 *   `nucleationChargeMahPerCm2`.
 * - Without active Li nothing but the Cu can be oxidised: an anodic current
 *   charges the double layer (the voltage shoots up to the protocol's
 *   cut-off, at most to the Cu's oxidation potential), and at open circuit
 *   the bare Cu drifts back to its rest potential through a leak.
 * - Of the plating charge, `sideReactionFraction` goes into electrolyte
 *   reduction and deposits no Li. When stripping starts,
 *   `inactiveFractionPerCycle` of the Li plated since the last stripping is
 *   isolated ("dead" Li): it stays in place, no longer strippable. So the Li
 *   efficiency (stripped / plated Li) is 1 - inactive, the Coulombic
 *   efficiency (1 - inactive)(1 - sideReaction).
 * - The deposit has `depositRelativeDensity` of dense Li (porous below 1).
 */
export class LiPlatingCell implements CellModel {
  readonly parameters: LiPlatingCellParameters;
  private temperature: number;
  private terminalCurrentA = 0;
  /** Interface potential vs Li (V): 0 + overpotential with active Li, the double layer's charge without. */
  private interfaceV: number;
  private activeLi: number;
  private inactiveLi = 0;
  /** Li plated since the last stripping began (atoms/cm2): the pool the inactive fraction is taken from. */
  private platedSinceStrip = 0;
  /** Li ever plated on this electrode (atoms/cm2), for the nucleation overpotential. */
  private everPlated: number;
  private phase: Phase = 'rest';

  constructor(parameters: LiPlatingCellParameters) {
    this.parameters = parameters;
    this.temperature = parameters.initialTemperatureK;
    this.activeLi = parameters.initialLiMahPerCm2 * LI_PER_CM2_PER_MAH_PER_CM2;
    this.everPlated = this.activeLi;
    this.interfaceV = this.activeLi > 0 ? 0 : parameters.bareCollectorRestV;
  }

  /** The Li on the working electrode, as NDP sees it. */
  deposit(): LiDepositState {
    const p = this.parameters;
    const densityPerCm3 = p.depositRelativeDensity * DENSE_LI_PER_CM3;
    const inactiveNm = (this.inactiveLi / densityPerCm3) * 1e7;
    const activeNm = (this.activeLi / densityPerCm3) * 1e7;
    const layers: LiLayer[] = [];
    if (inactiveNm > 0) layers.push({ fromNm: 0, toNm: inactiveNm, liPerCm3: densityPerCm3 });
    if (activeNm > 0) layers.push({ fromNm: inactiveNm, toNm: inactiveNm + activeNm, liPerCm3: densityPerCm3 });
    return { activeLiPerCm2: this.activeLi, inactiveLiPerCm2: this.inactiveLi, layers, electrolyteLiPerCm3: p.electrolyteLiPerCm3 };
  }

  advanceGalvanostatic(dtS: number, currentA: number): void {
    requireFinite(dtS, 'dtS', 'non-negative');
    requireFinite(currentA, 'currentA');
    this.terminalCurrentA = currentA;
    this.enterPhase(currentA);
    let leftS = dtS;
    // A step changes regime at most twice (double layer charged, then plating; Li exhausted, then blocking).
    for (let segment = 0; segment < 8 && leftS > 0; segment++) leftS -= this.galvanostaticSegment(leftS, currentA);
  }

  advancePotentiostatic(dtS: number, potentialV: number): number {
    requireFinite(dtS, 'dtS', 'non-negative');
    requireFinite(potentialV, 'potentialV');
    const p = this.parameters;
    if (this.activeLi > 0 || potentialV < this.nucleationV()) {
      // Faradaic: V = E + eta(I) + I R_s, increasing in I.
      const currentA = solveIncreasing(
        (i) => {
          const eta = this.overpotentialV(i);
          const value = (i < 0 ? this.nucleationV() : 0) + eta + i * p.seriesResistanceOhm - potentialV;
          return { value, slope: this.overpotentialSlope(i) + p.seriesResistanceOhm };
        },
        this.terminalCurrentA,
        1e-6,
        1e-15,
      );
      this.advanceGalvanostatic(dtS, currentA);
      return currentA;
    }
    // Blocking: the double layer charges through R_s toward the applied potential.
    const tauS = p.seriesResistanceOhm * this.doubleLayerF();
    const target = potentialV;
    this.interfaceV = target + (this.interfaceV - target) * Math.exp(-dtS / tauS);
    this.terminalCurrentA = (potentialV - this.interfaceV) / p.seriesResistanceOhm;
    return this.terminalCurrentA;
  }

  rest(dtS: number): void {
    this.advanceGalvanostatic(dtS, 0);
  }

  voltage(): number {
    return this.interfaceV + this.terminalCurrentA * this.parameters.seriesResistanceOhm;
  }

  current(): number {
    return this.terminalCurrentA;
  }

  /** Active Li on the working electrode, in mAh/cm2 (the cell has no host composition). */
  composition(): number {
    return this.activeLi / LI_PER_CM2_PER_MAH_PER_CM2;
  }

  openCircuitVoltage(): number {
    return this.activeLi > 0 ? 0 : this.parameters.bareCollectorRestV;
  }

  impedance(frequencyHz: number): { re: number; im: number } {
    requireFinite(frequencyHz, 'frequencyHz', 'positive');
    const p = this.parameters;
    const omega = 2 * Math.PI * frequencyHz;
    // R_ct || C_dl with Li on the Cu; the leak || C_dl on bare Cu.
    const r = this.activeLi > 0 ? this.chargeTransferResistanceOhm() : p.leakResistanceOhm;
    const wrc = omega * r * this.doubleLayerF();
    const denominator = 1 + wrc * wrc;
    return { re: p.seriesResistanceOhm + r / denominator, im: (-r * wrc) / denominator };
  }

  setTemperatureK(temperatureK: number): void {
    requireFinite(temperatureK, 'temperatureK', 'positive');
    this.temperature = temperatureK;
  }

  temperatureK(): number {
    return this.temperature;
  }

  /** R_ct = RT/(F i0 A) at zero current (ohm). */
  chargeTransferResistanceOhm(): number {
    const p = this.parameters;
    return (GAS_CONSTANT_J_PER_MOL_K * this.temperature) / (FARADAY_C_PER_MOL * p.exchangeCurrentDensityACm2 * p.areaCm2);
  }

  /** Isolates the inactive fraction of what was plated when stripping begins. */
  private enterPhase(currentA: number): void {
    const next: Phase = currentA < 0 ? 'plating' : currentA > 0 ? 'stripping' : this.phase;
    if (next === 'stripping' && this.phase !== 'stripping' && this.platedSinceStrip > 0) {
      const isolated = Math.min(this.activeLi, this.parameters.inactiveFractionPerCycle * this.platedSinceStrip);
      this.activeLi -= isolated;
      this.inactiveLi += isolated;
      this.platedSinceStrip = 0;
    }
    this.phase = next;
  }

  /** Advances part of dtS at constant current; returns the seconds covered. */
  private galvanostaticSegment(dtS: number, currentA: number): number {
    const p = this.parameters;
    const liPerS = currentA / (ELEMENTARY_CHARGE_C * p.areaCm2);
    if (currentA === 0 && this.activeLi > 0) {
      // Through R_ct (tau well under a millisecond) the interface is back at 0 V vs Li at once.
      this.interfaceV = 0;
      return dtS;
    }
    if (currentA > 0 && this.activeLi > 0) {
      // Stripping: Li leaves until none is active.
      const untilEmptyS = this.activeLi / liPerS;
      if (dtS >= untilEmptyS) {
        this.activeLi = 0;
        this.interfaceV = 0;
        return untilEmptyS;
      }
      this.activeLi -= liPerS * dtS;
      this.interfaceV = this.overpotentialV(currentA);
      return dtS;
    }
    const onsetV = this.platingOnsetV(currentA);
    if (currentA < 0 && this.interfaceV <= onsetV) {
      // Plating: the share of the charge that is not side reaction deposits Li.
      const plated = -liPerS * dtS * (1 - p.sideReactionFraction);
      this.activeLi += plated;
      this.platedSinceStrip += plated;
      this.everPlated += plated;
      this.interfaceV = this.platingOnsetV(currentA);
      return dtS;
    }
    // Blocking interface: C dV/dt = I - (V - V_rest)/R_leak, solved exactly.
    const tauS = p.leakResistanceOhm * this.doubleLayerF();
    const restV = this.activeLi > 0 ? 0 : p.bareCollectorRestV;
    const steadyV = restV + currentA * p.leakResistanceOhm;
    if (currentA < 0 && steadyV < onsetV) {
      // A cathodic current discharges the double layer down to where plating takes over.
      const untilOnsetS = -tauS * Math.log((onsetV - steadyV) / (this.interfaceV - steadyV));
      if (dtS >= untilOnsetS) {
        this.interfaceV = onsetV;
        return untilOnsetS;
      }
    }
    this.interfaceV = steadyV + (this.interfaceV - steadyV) * Math.exp(-dtS / tauS);
    // Past its oxidation potential the Cu itself dissolves and carries an anodic current.
    if (currentA > 0) this.interfaceV = Math.min(this.interfaceV, p.collectorOxidationV);
    return dtS;
  }

  /** The nucleation overpotential plating onto bare Cu needs first (negative, fading as Li is plated). */
  private nucleationV(): number {
    const p = this.parameters;
    const chargeMahPerCm2 = this.everPlated / LI_PER_CM2_PER_MAH_PER_CM2;
    return -p.nucleationOverpotentialV * Math.exp(-chargeMahPerCm2 / p.nucleationChargeMahPerCm2);
  }

  /** The interface potential at which a cathodic current goes into plating rather than the double layer. */
  private platingOnsetV(currentA: number): number {
    return this.nucleationV() + this.overpotentialV(currentA);
  }

  /** Symmetric Butler-Volmer: eta = (2RT/F) asinh(I / (2 i0 A)). */
  private overpotentialV(currentA: number): number {
    const p = this.parameters;
    const twoRtOverF = (2 * GAS_CONSTANT_J_PER_MOL_K * this.temperature) / FARADAY_C_PER_MOL;
    return twoRtOverF * Math.asinh(currentA / (2 * p.exchangeCurrentDensityACm2 * p.areaCm2));
  }

  private overpotentialSlope(currentA: number): number {
    const p = this.parameters;
    const twoRtOverF = (2 * GAS_CONSTANT_J_PER_MOL_K * this.temperature) / FARADAY_C_PER_MOL;
    const i0 = 2 * p.exchangeCurrentDensityACm2 * p.areaCm2;
    return twoRtOverF / Math.sqrt(i0 * i0 + currentA * currentA);
  }

  private doubleLayerF(): number {
    return this.parameters.doubleLayerCapacitanceFPerCm2 * this.parameters.areaCm2;
  }
}
