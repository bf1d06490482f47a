import { FARADAY_C_PER_MOL, GAS_CONSTANT_J_PER_MOL_K } from '../../../src/core/physical-constants.js';

/** One voltage step of an open-circuit curve: a smoothed two-phase plateau edge. */
export interface OcvStep {
  /** Composition at the middle of the step. */
  readonly centerX: number;
  /** How far the voltage falls across the step (V, >= 0). */
  readonly heightV: number;
  /** Half-width of the tanh step in composition. */
  readonly widthX: number;
}

/**
 * Equilibrium potential vs Li/Li+ of an insertion host Li_x H as a function of x:
 *
 *   E(x) = offsetV + slopeVPerX x - sum_k heightV_k (1 + tanh((x - centerX_k)/widthX_k))/2
 *          + (R T / F) ln((xMax - x)/(x - xMin))
 *
 * The tanh steps give the plateaus; the ideal-solution (lattice-gas) term makes
 * the ends steep, as a host that is nearly empty or full is. With slopeVPerX <= 0
 * and heights >= 0 the curve falls monotonically with x everywhere, so dE/dx < 0
 * and a potentiostatic hold has one solution.
 */
export interface OcvCurveParameters {
  readonly offsetV: number;
  readonly slopeVPerX: number;
  readonly steps: readonly OcvStep[];
}

/**
 * Beyond a margin of this fraction of the range from either end, the curve
 * continues as a straight line with the slope it has there (about
 * -RT/(F margin) per unit x): finite but steep, so voltage cut-offs trip
 * before the composition leaves the host's range by much.
 */
const EDGE_MARGIN_FRACTION = 1e-4;

export class OcvCurve {
  private readonly lowEdgeX: number;
  private readonly highEdgeX: number;

  constructor(
    readonly parameters: OcvCurveParameters,
    readonly xMin: number,
    readonly xMax: number,
  ) {
    const margin = EDGE_MARGIN_FRACTION * (xMax - xMin);
    this.lowEdgeX = xMin + margin;
    this.highEdgeX = xMax - margin;
  }

  /** E(x) in V at temperature T (the lattice-gas term is RT/F ln(...)). */
  voltageV(x: number, temperatureK: number): number {
    const edge = this.edgeOf(x);
    if (edge === undefined) return this.interiorVoltageV(x, temperatureK);
    return this.interiorVoltageV(edge, temperatureK) + this.interiorSlopeVPerX(edge, temperatureK) * (x - edge);
  }

  /** dE/dx in V per unit x (always < 0). */
  slopeVPerX(x: number, temperatureK: number): number {
    return this.interiorSlopeVPerX(this.edgeOf(x) ?? x, temperatureK);
  }

  private edgeOf(x: number): number | undefined {
    if (x < this.lowEdgeX) return this.lowEdgeX;
    if (x > this.highEdgeX) return this.highEdgeX;
    return undefined;
  }

  private interiorVoltageV(x: number, temperatureK: number): number {
    const { offsetV, slopeVPerX, steps } = this.parameters;
    let voltageV = offsetV + slopeVPerX * x + thermalVoltageV(temperatureK) * Math.log((this.xMax - x) / (x - this.xMin));
    for (const step of steps) voltageV -= (step.heightV * (1 + Math.tanh((x - step.centerX) / step.widthX))) / 2;
    return voltageV;
  }

  private interiorSlopeVPerX(x: number, temperatureK: number): number {
    const { slopeVPerX, steps } = this.parameters;
    let slope = slopeVPerX - thermalVoltageV(temperatureK) * (1 / (this.xMax - x) + 1 / (x - this.xMin));
    for (const step of steps) {
      const sech = 1 / Math.cosh((x - step.centerX) / step.widthX);
      slope -= (step.heightV * sech * sech) / (2 * step.widthX);
    }
    return slope;
  }
}

/** RT/F (V). */
export function thermalVoltageV(temperatureK: number): number {
  return (GAS_CONSTANT_J_PER_MOL_K * temperatureK) / FARADAY_C_PER_MOL;
}
