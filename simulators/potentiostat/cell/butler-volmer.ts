import { thermalVoltageV } from './ocv.js';

/**
 * Butler-Volmer charge transfer: I_F = I0 (exp(alpha_a eta/V_T) - exp(-(1 - alpha_a) eta/V_T)),
 * V_T = RT/F, anodic positive. Its small-signal resistance at eta = 0 is V_T/I0.
 */
export class ButlerVolmer {
  private readonly inverseThermalV: number;

  constructor(
    readonly exchangeCurrentA: number,
    readonly anodicTransferCoefficient: number,
    temperatureK: number,
  ) {
    this.inverseThermalV = 1 / thermalVoltageV(temperatureK);
  }

  currentA(overpotentialV: number): number {
    const { anodic, cathodic } = this.terms(overpotentialV);
    return this.exchangeCurrentA * (anodic - cathodic);
  }

  /** dI_F/d eta (A/V): the inverse of the small-signal charge-transfer resistance. */
  conductanceSiemens(overpotentialV: number): number {
    const { anodic, cathodic } = this.terms(overpotentialV);
    const alpha = this.anodicTransferCoefficient;
    return this.exchangeCurrentA * this.inverseThermalV * (alpha * anodic + (1 - alpha) * cathodic);
  }

  private terms(overpotentialV: number): { anodic: number; cathodic: number } {
    const reduced = overpotentialV * this.inverseThermalV;
    return {
      anodic: Math.exp(this.anodicTransferCoefficient * reduced),
      cathodic: Math.exp(-(1 - this.anodicTransferCoefficient) * reduced),
    };
  }
}
