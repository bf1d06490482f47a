import { conductivityRatio } from './arrhenius.js';
import { add, complex } from './complex.js';
import { CpeLadder } from './cpe-ladder.js';
import { type Drive, isJump } from './drive.js';
import { requireFinite } from './errors.js';
import { cpeImpedance, parallelResistanceCpe } from './impedance.js';
import { TransientStepper } from './transient-stepper.js';
import type { CellModel, PelletCellParameters } from './types.js';

/** One element of the series chain: a CPE (as a ladder) with an optional resistance in parallel. */
class ChainElement {
  readonly ladder: CpeLadder;
  voltageV = 0;

  constructor(
    q: number,
    alpha: number,
    /** 1/R of the parallel resistance (0 for a blocking CPE). */
    public parallelConductanceS: number,
  ) {
    this.ladder = new CpeLadder(q, alpha);
  }
}

/**
 * A solid-electrolyte pellet between ion-blocking electrodes:
 * Rs - p(R_bulk, CPE_bulk) - p(R_gb, CPE_gb) - CPE_electrodes, with
 * R_bulk = L/(sigma_bulk A) and both resistances following sigma T Arrhenius.
 * The time domain integrates the same circuit, each CPE as its ladder of R-C
 * branches (CpeLadder), implicitly: a blocking cell under constant current
 * charges without end, under constant potential its current decays to zero.
 * It stores no lithium: composition and open-circuit voltage are 0.
 */
export class PelletCell implements CellModel {
  readonly parameters: PelletCellParameters;
  private readonly bulk: ChainElement;
  private readonly grainBoundary: ChainElement;
  private readonly electrodes: ChainElement;
  private readonly stepper = new TransientStepper();
  private temperature: number;
  private terminalCurrentA = 0;
  private drive: Drive = { mode: 'galvanostatic', currentA: 0 };

  constructor(parameters: PelletCellParameters) {
    this.parameters = parameters;
    this.temperature = parameters.initialTemperatureK;
    this.bulk = new ChainElement(parameters.bulkCpeQ, parameters.bulkCpeAlpha, 1 / this.bulkResistanceOhm());
    this.grainBoundary = new ChainElement(parameters.grainBoundaryCpeQ, parameters.grainBoundaryCpeAlpha, 1 / this.grainBoundaryResistanceOhm());
    this.electrodes = new ChainElement(parameters.electrodeCpeQ, parameters.electrodeCpeAlpha, 0);
  }

  /** Bulk ionic conductivity (S/cm) at a temperature (default: the present one). */
  trueConductivitySPerCm(temperatureK = this.temperature): number {
    requireFinite(temperatureK, 'temperatureK', 'positive');
    const p = this.parameters;
    return p.bulkConductivitySPerCm * conductivityRatio(p.bulkActivationEnergyEv, temperatureK, p.referenceTemperatureK);
  }

  /** L/((R_bulk + R_gb) A): the conductivity a fit of the whole electrolyte response gives. */
  totalConductivitySPerCm(temperatureK = this.temperature): number {
    const p = this.parameters;
    return p.thicknessCm / ((this.bulkResistanceOhm(temperatureK) + this.grainBoundaryResistanceOhm(temperatureK)) * p.areaCm2);
  }

  bulkResistanceOhm(temperatureK = this.temperature): number {
    return this.parameters.thicknessCm / (this.trueConductivitySPerCm(temperatureK) * this.parameters.areaCm2);
  }

  grainBoundaryResistanceOhm(temperatureK = this.temperature): number {
    requireFinite(temperatureK, 'temperatureK', 'positive');
    const p = this.parameters;
    return p.grainBoundaryResistanceOhm / conductivityRatio(p.grainBoundaryActivationEnergyEv, temperatureK, p.referenceTemperatureK);
  }

  advanceGalvanostatic(dtS: number, currentA: number): void {
    requireFinite(dtS, 'dtS', 'non-negative');
    requireFinite(currentA, 'currentA');
    this.setDrive({ mode: 'galvanostatic', currentA });
    this.stepper.cover(dtS, (stepS) => this.step(stepS));
  }

  advancePotentiostatic(dtS: number, potentialV: number): number {
    requireFinite(dtS, 'dtS', 'non-negative');
    requireFinite(potentialV, 'potentialV');
    this.setDrive({ mode: 'potentiostatic', potentialV });
    this.stepper.cover(dtS, (stepS) => this.step(stepS));
    return this.terminalCurrentA;
  }

  rest(dtS: number): void {
    this.advanceGalvanostatic(dtS, 0);
  }

  voltage(): number {
    return (
      this.terminalCurrentA * this.parameters.seriesResistanceOhm +
      this.bulk.voltageV +
      this.grainBoundary.voltageV +
      this.electrodes.voltageV
    );
  }

  current(): number {
    return this.terminalCurrentA;
  }

  composition(): number {
    return 0;
  }

  openCircuitVoltage(): number {
    return 0;
  }

  impedance(frequencyHz: number): { re: number; im: number } {
    requireFinite(frequencyHz, 'frequencyHz', 'positive');
    const p = this.parameters;
    const omega = 2 * Math.PI * frequencyHz;
    const bulk = parallelResistanceCpe(omega, this.bulkResistanceOhm(), p.bulkCpeQ, p.bulkCpeAlpha);
    const grainBoundary = parallelResistanceCpe(omega, this.grainBoundaryResistanceOhm(), p.grainBoundaryCpeQ, p.grainBoundaryCpeAlpha);
    const electrodes = cpeImpedance(omega, p.electrodeCpeQ, p.electrodeCpeAlpha);
    return add(add(add(complex(p.seriesResistanceOhm), bulk), grainBoundary), electrodes);
  }

  setTemperatureK(temperatureK: number): void {
    requireFinite(temperatureK, 'temperatureK', 'positive');
    this.temperature = temperatureK;
    this.bulk.parallelConductanceS = 1 / this.bulkResistanceOhm();
    this.grainBoundary.parallelConductanceS = 1 / this.grainBoundaryResistanceOhm();
    // The resistances moved: the voltage across each element relaxes to its new share.
    this.stepper.jump();
  }

  temperatureK(): number {
    return this.temperature;
  }

  /** Takes the new drive; the current jumps at once (the CPEs carry it until the steps charge them). */
  private setDrive(next: Drive): void {
    const resistanceOhm = this.parameters.seriesResistanceOhm + this.bulkResistanceOhm() + this.grainBoundaryResistanceOhm();
    if (isJump(this.drive, next, resistanceOhm)) this.stepper.jump();
    this.drive = next;
    const elementsV = this.bulk.voltageV + this.grainBoundary.voltageV + this.electrodes.voltageV;
    this.terminalCurrentA = next.mode === 'galvanostatic' ? next.currentA : (next.potentialV - elementsV) / this.parameters.seriesResistanceOhm;
  }

  /** Implicit step: each element's end voltage is (I + source)/conductance, linear in the current. */
  private step(stepS: number): void {
    const elements = [this.bulk, this.grainBoundary, this.electrodes];
    const coefficients = elements.map((element) => {
      const { conductanceS, sourceA } = element.ladder.stepCoefficients(stepS);
      return { conductanceS: conductanceS + element.parallelConductanceS, sourceA };
    });
    const drive = this.drive;
    let currentA: number;
    if (drive.mode === 'galvanostatic') {
      currentA = drive.currentA;
    } else {
      let sourceV = 0;
      let resistanceOhm = this.parameters.seriesResistanceOhm;
      for (const { conductanceS, sourceA } of coefficients) {
        sourceV += sourceA / conductanceS;
        resistanceOhm += 1 / conductanceS;
      }
      currentA = (drive.potentialV - sourceV) / resistanceOhm;
    }
    elements.forEach((element, i) => {
      const { conductanceS, sourceA } = coefficients[i]!;
      element.voltageV = (currentA + sourceA) / conductanceS;
      element.ladder.completeStep(stepS, element.voltageV);
    });
    this.terminalCurrentA = currentA;
  }
}
