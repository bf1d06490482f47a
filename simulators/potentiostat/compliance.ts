import type { CellModel } from './cell/index.js';

/** Relative slack on the limit: a demand equal to it (to rounding) is one the hold can follow. */
const LIMIT_TOLERANCE = 1e-9;

export interface ComplianceSteps {
  /** Shortest and longest step (s) of the cell while the current is held at the limit. */
  readonly min: number;
  readonly max: number;
}

/**
 * A potential hold through a current range that passes at most `limitA`: the
 * potentiostat's compliance. While the cell would draw more at the setpoint
 * (a 3.4 V cell held at 100 mV), the control amplifier cannot deliver it:
 * the current stays at the limit, and the cell, driven at that current,
 * moves toward the setpoint until it can follow it. The cell therefore sees
 * the clipped current, and its charge follows.
 *
 * The demand at the setpoint is the cell's own current under the hold, read
 * with a step of no duration (`advancePotentiostatic(0, V)`: the current the
 * cell takes at once, through its series resistance). At the limit, the hold
 * takes over again once the cell's voltage has reached the setpoint: then
 * the current it needs there is no more than the limit. Steps grow from
 * `steps.min` and shrink as the voltage nears the setpoint, so the hold
 * resumes within about a shortest step of that moment.
 */
export class Compliance {
  /** The current held while in compliance (±limit), or null while the hold follows its setpoint. */
  private heldA: number | null = null;
  private stepS: number;

  constructor(private readonly steps: ComplianceSteps) {
    this.stepS = steps.min;
  }

  /** Whether the current is held at the limit now. */
  get active(): boolean {
    return this.heldA !== null;
  }

  /** The cell is switched off or leaves the hold: compliance ends with it. */
  reset(): void {
    this.heldA = null;
    this.stepS = this.steps.min;
  }

  /** Advances `cell` by `dtS` held at `potentialV` with at most `limitA` through it. */
  advance(cell: CellModel, dtS: number, potentialV: number, limitA: number): void {
    let remainingS = dtS;
    // The ranges changed while held (set_autoranging): the demand is weighed against the new limit.
    if (this.heldA !== null && Math.abs(this.heldA) !== limitA) this.reset();
    // Each pass either covers the rest of the interval or changes the regime; a bound against a model that flip-flops.
    for (let pass = 0; remainingS > 0 && pass < 1_000_000; pass++) {
      if (this.heldA === null) {
        const demandA = cell.advancePotentiostatic(0, potentialV);
        if (Math.abs(demandA) <= limitA * (1 + LIMIT_TOLERANCE)) {
          const endA = cell.advancePotentiostatic(remainingS, potentialV);
          // A current that grew past the limit during the hold (a plating front) is held from now on.
          if (Math.abs(endA) > limitA * (1 + LIMIT_TOLERANCE)) this.hold(cell, Math.sign(endA) * limitA);
          return;
        }
        this.hold(cell, Math.sign(demandA) * limitA);
      }
      const heldA = this.heldA!;
      const gapV = potentialV - cell.voltage();
      if (Math.sign(gapV) !== Math.sign(heldA)) {
        this.reset();
        continue;
      }
      const beforeV = cell.voltage();
      const stepS = Math.min(remainingS, this.stepS);
      cell.advanceGalvanostatic(stepS, heldA);
      remainingS -= stepS;
      this.stepS = this.nextStep(stepS, potentialV - cell.voltage(), (cell.voltage() - beforeV) / stepS);
    }
  }

  private hold(cell: CellModel, currentA: number): void {
    this.heldA = currentA;
    this.stepS = this.steps.min;
    // The cell at the held current from this instant: its voltage is the one the device then measures.
    cell.advanceGalvanostatic(0, currentA);
  }

  /** Doubles the step, but no longer than half the time the voltage needs to reach the setpoint at its present rate. */
  private nextStep(lastS: number, gapV: number, rateVPerS: number): number {
    const { min, max } = this.steps;
    const towardSetpoint = rateVPerS !== 0 && Math.sign(rateVPerS) === Math.sign(gapV);
    const reachS = towardSetpoint ? (0.5 * gapV) / rateVPerS : Number.POSITIVE_INFINITY;
    return Math.min(max, Math.max(min, Math.min(2 * lastS, reachS)));
  }
}
