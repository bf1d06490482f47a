/**
 * Internal time steps for the implicit (first-order) integrators of the cells.
 * After a jump of the drive (current switched, potential stepped) the response
 * is a sqrt(t) or exponential transient: steps start at `firstStepS` and grow
 * geometrically, each at most `growth` times the time since the jump, which
 * keeps the error of implicit Euler a small fraction of the transient whatever
 * the caller's sampling. Far from a jump one step covers the caller's whole
 * interval, so a GITT sampled every second costs one step per sample.
 */
export class TransientStepper {
  private sinceJumpS = 0;

  constructor(
    private readonly growth = 0.05,
    private readonly firstStepS = 1e-4,
  ) {}

  /** The drive changed discontinuously now. */
  jump(): void {
    this.sinceJumpS = 0;
  }

  /** Covers `dtS` with internal steps, calling `step` with each step's length. */
  cover(dtS: number, step: (stepS: number) => void): void {
    let remainingS = dtS;
    while (remainingS > 0) {
      const nominalS = Math.max(this.firstStepS, this.growth * this.sinceJumpS);
      // Do not leave a sliver shorter than half a step for the end of the interval.
      const stepS = remainingS <= 1.5 * nominalS ? remainingS : nominalS;
      step(stepS);
      this.sinceJumpS += stepS;
      remainingS -= stepS;
    }
  }
}
