import { FARADAY_C_PER_MOL } from '../../../src/core/physical-constants.js';
import { activatedRatio, conductivityRatio } from './arrhenius.js';
import { ButlerVolmer } from './butler-volmer.js';
import { add, complex, inverse } from './complex.js';
import { type Drive, isJump } from './drive.js';
import { requireFinite } from './errors.js';
import { parallelResistanceCpe, sphericalDiffusionImpedance } from './impedance.js';
import { solveIncreasing } from './monotone-root.js';
import { OcvCurve, thermalVoltageV } from './ocv.js';
import { SphereDiffusion } from './sphere-diffusion.js';
import { TransientStepper } from './transient-stepper.js';
import type { CellModel, InsertionCellParameters } from './types.js';

/** The overpotential solve stops when it moves by less than this (V). */
const OVERPOTENTIAL_TOLERANCE_V = 1e-12;

interface Rates {
  readonly diffusionCm2PerS: number;
  readonly chargeTransfer: ButlerVolmer;
  readonly seriesResistanceOhm: number;
  readonly grainBoundaryResistanceOhm: number;
}

/**
 * Time domain of an insertion electrode (the terminal voltage is vs Li/Li+):
 *
 *   V = E + I (Rs + Rgb)                       electrolyte; the grain-boundary arc relaxes
 *                                              in about a microsecond, below any step taken
 *   Cdl dE/dt = I - I_F                        double layer across the interface potential E
 *   I_F = BV(E - OCV(x_surface))               charge transfer
 *   particle diffusion with surface flux q = I_F V_M/(F S)
 *
 * Each internal step is implicit in all of these together: the diffusion
 * solve makes x_surface linear in I_F, which leaves one increasing equation in
 * the overpotential (solveIncreasing). The impedance linearises the same
 * equations at the present state.
 */
export class InsertionCell implements CellModel {
  readonly parameters: InsertionCellParameters;
  private readonly ocv: OcvCurve;
  private readonly particle: SphereDiffusion;
  private readonly stepper = new TransientStepper();
  /** Outward surface flux of x per ampere of Faradaic current (x cm/s per A). */
  private readonly fluxPerAmpere: number;
  private temperature: number;
  private rates: Rates;
  private interfacePotentialV: number;
  /** The last step's solution, the next step's first guess. */
  private lastOverpotentialV = 0;
  private terminalCurrentA = 0;
  private drive: Drive = { mode: 'galvanostatic', currentA: 0 };

  constructor(parameters: InsertionCellParameters) {
    this.parameters = parameters;
    this.ocv = new OcvCurve(parameters.ocv, parameters.xMin, parameters.xMax);
    this.particle = new SphereDiffusion(parameters.particleRadiusCm, parameters.initialX);
    this.fluxPerAmpere = parameters.molarVolumeCm3PerMol / (FARADAY_C_PER_MOL * parameters.areaCm2);
    this.temperature = parameters.initialTemperatureK;
    this.rates = this.ratesAt(this.temperature);
    this.interfacePotentialV = this.ocv.voltageV(parameters.initialX, this.temperature);
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
    return this.interfacePotentialV + this.terminalCurrentA * this.seriesOhm();
  }

  current(): number {
    return this.terminalCurrentA;
  }

  composition(): number {
    return this.particle.meanX();
  }

  /** Composition at the particle surface, which sets the interface's equilibrium potential. */
  surfaceComposition(): number {
    return this.particle.surfaceX();
  }

  openCircuitVoltage(): number {
    return this.ocv.voltageV(this.particle.meanX(), this.temperature);
  }

  /** The model's OCV curve E(x) at the present temperature (V), e.g. for dE/dx in a GITT check. */
  openCircuitVoltageAt(x: number): number {
    return this.ocv.voltageV(x, this.temperature);
  }

  /** dE/dx of the OCV curve at the present temperature (V per unit x, negative). */
  openCircuitSlopeAt(x: number): number {
    return this.ocv.slopeVPerX(x, this.temperature);
  }

  /** Diffusion coefficient at the present temperature (cm2/s). */
  diffusionCm2PerS(): number {
    return this.rates.diffusionCm2PerS;
  }

  /** Rs and Rgb at the present temperature, and Rct small-signal at the present overpotential (ohm). */
  resistancesOhm(): { series: number; grainBoundary: number; chargeTransfer: number } {
    return {
      series: this.rates.seriesResistanceOhm,
      grainBoundary: this.rates.grainBoundaryResistanceOhm,
      chargeTransfer: 1 / this.rates.chargeTransfer.conductanceSiemens(this.overpotentialV()),
    };
  }

  impedance(frequencyHz: number): { re: number; im: number } {
    requireFinite(frequencyHz, 'frequencyHz', 'positive');
    const p = this.parameters;
    const omega = 2 * Math.PI * frequencyHz;
    const { series, grainBoundary, chargeTransfer } = this.resistancesOhm();
    const diffusion = sphericalDiffusionImpedance(omega, {
      slopeVPerX: this.ocv.slopeVPerX(this.particle.surfaceX(), this.temperature),
      molarVolumeCm3PerMol: p.molarVolumeCm3PerMol,
      radiusCm: p.particleRadiusCm,
      areaCm2: p.areaCm2,
      diffusionCm2PerS: this.rates.diffusionCm2PerS,
    });
    const faradaic = add(complex(chargeTransfer), diffusion);
    const interfaceZ = inverse(add(complex(0, omega * p.doubleLayerCapacitanceF), inverse(faradaic)));
    const electrolyte = add(complex(series), parallelResistanceCpe(omega, grainBoundary, p.grainBoundaryCpeQ, p.grainBoundaryCpeAlpha));
    return add(electrolyte, interfaceZ);
  }

  setTemperatureK(temperatureK: number): void {
    requireFinite(temperatureK, 'temperatureK', 'positive');
    this.temperature = temperatureK;
    this.rates = this.ratesAt(temperatureK);
    // The OCV's entropic term moved: the double layer follows through a small
    // Faradaic current, a fast transient like that of a jump of the drive.
    this.stepper.jump();
  }

  temperatureK(): number {
    return this.temperature;
  }

  private ratesAt(temperatureK: number): Rates {
    const p = this.parameters;
    const reference = p.referenceTemperatureK;
    const exchangeCurrentA =
      p.exchangeCurrentDensityACm2 * p.areaCm2 * activatedRatio(p.chargeTransferActivationEnergyEv, temperatureK, reference);
    return {
      diffusionCm2PerS: p.diffusionCm2PerS * activatedRatio(p.diffusionActivationEnergyEv, temperatureK, reference),
      chargeTransfer: new ButlerVolmer(exchangeCurrentA, p.transferCoefficient, temperatureK),
      seriesResistanceOhm: p.seriesResistanceOhm / conductivityRatio(p.seriesActivationEnergyEv, temperatureK, reference),
      grainBoundaryResistanceOhm:
        p.grainBoundaryResistanceOhm / conductivityRatio(p.grainBoundaryActivationEnergyEv, temperatureK, reference),
    };
  }

  /** E - OCV(x_surface): the charge-transfer overpotential now. */
  private overpotentialV(): number {
    return this.interfacePotentialV - this.ocv.voltageV(this.particle.surfaceX(), this.temperature);
  }

  private seriesOhm(): number {
    return this.rates.seriesResistanceOhm + this.rates.grainBoundaryResistanceOhm;
  }

  /** Takes the new drive; the current jumps at once (the double layer carries it until the steps move E). */
  private setDrive(next: Drive): void {
    const { series, grainBoundary, chargeTransfer } = this.resistancesOhm();
    if (isJump(this.drive, next, series + grainBoundary + chargeTransfer)) this.stepper.jump();
    this.drive = next;
    this.terminalCurrentA = this.terminalCurrentAt(this.interfacePotentialV);
  }

  private terminalCurrentAt(interfacePotentialV: number): number {
    const drive = this.drive;
    return drive.mode === 'galvanostatic' ? drive.currentA : (drive.potentialV - interfacePotentialV) / this.seriesOhm();
  }

  private step(stepS: number): void {
    const { diffusionCm2PerS, chargeTransfer } = this.rates;
    const capacitancePerStep = this.parameters.doubleLayerCapacitanceF / stepS;
    const seriesOhm = this.seriesOhm();
    const drive = this.drive;
    const previousE = this.interfacePotentialV;
    const { freeSurfaceX, surfaceXPerFlux } = this.particle.beginStep(stepS, diffusionCm2PerS);
    const surfaceXPerAmpere = surfaceXPerFlux * this.fluxPerAmpere;
    const temperatureK = this.temperature;
    // Residual of the double-layer balance at the end of the step, as a function of the overpotential.
    const residual = (overpotentialV: number) => {
      const faradaicA = chargeTransfer.currentA(overpotentialV);
      const conductance = chargeTransfer.conductanceSiemens(overpotentialV);
      const surfaceX = freeSurfaceX + surfaceXPerAmpere * faradaicA;
      const interfaceV = overpotentialV + this.ocv.voltageV(surfaceX, temperatureK);
      const dInterfaceV = 1 + this.ocv.slopeVPerX(surfaceX, temperatureK) * surfaceXPerAmpere * conductance;
      const terminalA = this.terminalCurrentAt(interfaceV);
      const dTerminalA = drive.mode === 'galvanostatic' ? 0 : -dInterfaceV / seriesOhm;
      return {
        value: capacitancePerStep * (interfaceV - previousE) - terminalA + faradaicA,
        slope: capacitancePerStep * dInterfaceV - dTerminalA + conductance,
      };
    };
    const overpotentialV = solveIncreasing(residual, this.lastOverpotentialV, thermalVoltageV(temperatureK), OVERPOTENTIAL_TOLERANCE_V);
    const faradaicA = chargeTransfer.currentA(overpotentialV);
    this.particle.completeStep(faradaicA * this.fluxPerAmpere);
    this.lastOverpotentialV = overpotentialV;
    this.interfacePotentialV = overpotentialV + this.ocv.voltageV(this.particle.surfaceX(), temperatureK);
    this.terminalCurrentA = this.terminalCurrentAt(this.interfacePotentialV);
  }
}
