import { add, type Complex, complex, div } from './complex.js';

/** Band of relaxation rates (rad/s) the ladder resolves, and its density. */
const SLOWEST_RATE_RAD_PER_S = 1e-9;
const FASTEST_RATE_RAD_PER_S = 1e8;
const BRANCHES_PER_DECADE = 3;

/**
 * A CPE in the time domain. For 0 < alpha < 1 the CPE admittance has the exact
 * Stieltjes form
 *
 *   Q (j omega)^alpha = Q sin(alpha pi)/pi * integral u^alpha j omega/(u + j omega) d ln u,
 *
 * a continuum of series R-C branches with rates u = 1/(R C). Sampling ln u
 * evenly (3 per decade over 1e-9..1e8 rad/s) gives branches with
 * 1/R_k = Q w_k, C_k = Q w_k/u_k, w_k = sin(alpha pi)/pi u_k^alpha ln(10)/3
 * (the integrand is smooth in ln u, so the admittance ripple is below 1e-4).
 * Branches faster than the band act as capacitors at the frequencies of the
 * time domain and are lumped into one, Q sin(alpha pi)/pi u_max^(alpha-1)/(1-alpha);
 * slower ones (memory beyond decades) are left out. alpha = 1 is the capacitor Q.
 *
 * Each step is implicit Euler: over a step h a branch carries
 * (v - c_k)/(R_k + h/C_k) for the end voltage v, so the element's current is
 * linear in v, which the cell solves for.
 */
export class CpeLadder {
  private readonly resistancesOhm: Float64Array;
  private readonly capacitancesF: Float64Array;
  /** Voltage on each branch capacitor (V); the last branch is the lumped capacitor (R = 0). */
  private readonly chargesV: Float64Array;

  constructor(
    readonly q: number,
    readonly alpha: number,
  ) {
    const resistances: number[] = [];
    const capacitances: number[] = [];
    if (alpha < 1) {
      const spacing = Math.LN10 / BRANCHES_PER_DECADE;
      const density = Math.sin(alpha * Math.PI) / Math.PI;
      const count = Math.round(Math.log10(FASTEST_RATE_RAD_PER_S / SLOWEST_RATE_RAD_PER_S) * BRANCHES_PER_DECADE);
      for (let k = 0; k < count; k++) {
        const rate = SLOWEST_RATE_RAD_PER_S * Math.exp((k + 0.5) * spacing);
        const weight = density * rate ** alpha * spacing;
        resistances.push(1 / (q * weight));
        capacitances.push((q * weight) / rate);
      }
      resistances.push(0);
      capacitances.push((q * density * FASTEST_RATE_RAD_PER_S ** (alpha - 1)) / (1 - alpha));
    } else {
      resistances.push(0);
      capacitances.push(q);
    }
    this.resistancesOhm = Float64Array.from(resistances);
    this.capacitancesF = Float64Array.from(capacitances);
    this.chargesV = new Float64Array(resistances.length);
  }

  /** The ladder's own admittance (S), which approximates Q (j omega)^alpha. */
  admittance(angularFrequencyRadPerS: number): Complex {
    let total = complex(0);
    for (let k = 0; k < this.resistancesOhm.length; k++) {
      // Series R-C: j omega C/(1 + j omega R C).
      const c = this.capacitancesF[k]!;
      total = add(total, div(complex(0, angularFrequencyRadPerS * c), complex(1, angularFrequencyRadPerS * this.resistancesOhm[k]! * c)));
    }
    return total;
  }

  /**
   * For a step of `stepS`, the current into the ladder at end voltage v is
   * `conductanceS * v - sourceA`.
   */
  stepCoefficients(stepS: number): { conductanceS: number; sourceA: number } {
    let conductanceS = 0;
    let sourceA = 0;
    for (let k = 0; k < this.resistancesOhm.length; k++) {
      const g = 1 / (this.resistancesOhm[k]! + stepS / this.capacitancesF[k]!);
      conductanceS += g;
      sourceA += g * this.chargesV[k]!;
    }
    return { conductanceS, sourceA };
  }

  /** Completes the step with the end voltage v. */
  completeStep(stepS: number, voltageV: number): void {
    for (let k = 0; k < this.chargesV.length; k++) {
      const c = this.capacitancesF[k]!;
      const branchA = (voltageV - this.chargesV[k]!) / (this.resistancesOhm[k]! + stepS / c);
      this.chargesV[k] = this.chargesV[k]! + (stepS * branchA) / c;
    }
  }
}
