/**
 * The control loop of a temperature controller as the instruments run it: a
 * working setpoint that ramps toward the target at the rate limit (or jumps
 * when the ramp is off), and a PID on the measured value with output limits
 * 0..100 %. Derivative acts on the filtered measurement (no kick when the
 * setpoint moves); the integral stops growing while the output is saturated
 * in the same direction (anti-windup). On sensor break the output drops to
 * 0 % and the integral is frozen, as a Eurotherm's default sensor-break output.
 * The target is held within the controller's setpoint limits: a target
 * outside them is clamped, and narrowed limits clamp the present target, as a
 * Eurotherm does with its setpoint limit registers.
 */
export interface PidGains {
  /** Output per kelvin of error (the inverse of a proportional band). */
  readonly proportionalPercentPerK: number;
  readonly integralTimeS: number;
  readonly derivativeTimeS: number;
}

/** Derivative filter time constant as a fraction of the derivative time (the usual N = 8). */
const DERIVATIVE_FILTER_FRACTION = 1 / 8;

export class RampingPid {
  private targetK: number;
  private workingK: number;
  private rampKPerMinValue: number | null = null;
  private integralPercent: number;
  private outputPercentValue: number;
  private filteredK: number | null = null;
  private limits: { lowK: number; highK: number };

  /** Starts in equilibrium: setpoint at `initialK`, integral holding `holdingPercent`; setpoint limits `lowK..highK`. */
  constructor(
    private readonly gains: PidGains,
    initialK: number,
    holdingPercent: number,
    limits: { readonly lowK: number; readonly highK: number },
  ) {
    this.limits = { ...limits };
    this.targetK = this.clamp(initialK);
    this.workingK = initialK;
    this.integralPercent = holdingPercent;
    this.outputPercentValue = holdingPercent;
  }

  get targetSetpointK(): number {
    return this.targetK;
  }

  get workingSetpointK(): number {
    return this.workingK;
  }

  get rampKPerMin(): number | null {
    return this.rampKPerMinValue;
  }

  get outputPercent(): number {
    return this.outputPercentValue;
  }

  get rampComplete(): boolean {
    return this.workingK === this.targetK;
  }

  get setpointLowK(): number {
    return this.limits.lowK;
  }

  get setpointHighK(): number {
    return this.limits.highK;
  }

  /** New setpoint limits (lowK < highK): the present target is clamped into them. */
  setLimits(lowK: number, highK: number): void {
    if (!(lowK < highK)) throw new RangeError(`setpoint limits ${lowK}..${highK} K: low must lie below high`);
    this.limits = { lowK, highK };
    this.setTarget(this.targetK);
  }

  /**
   * Without a ramp the working setpoint jumps at once, so the instrument
   * reports the new setpoint before its next control step (as a real one
   * does); the loop acts on it at that step either way.
   */
  setTarget(temperatureK: number): void {
    this.targetK = this.clamp(temperatureK);
    if (this.rampKPerMinValue === null) this.workingK = this.targetK;
  }

  /** The ramp continues from the present working setpoint; turned off, the working setpoint jumps to the target. */
  setRamp(kPerMin: number | null): void {
    this.rampKPerMinValue = kPerMin;
    if (kPerMin === null) this.workingK = this.targetK;
  }

  /** Advances the working setpoint and the loop by `dtS`; `measuredK` is null on sensor break. */
  step(dtS: number, measuredK: number | null): number {
    this.advanceWorkingSetpoint(dtS);
    if (measuredK === null) {
      this.outputPercentValue = 0;
      this.filteredK = null;
      return 0;
    }
    const { proportionalPercentPerK: kp, integralTimeS, derivativeTimeS } = this.gains;
    const previousFilteredK = this.filteredK ?? measuredK;
    const filterS = derivativeTimeS * DERIVATIVE_FILTER_FRACTION;
    this.filteredK = filterS > 0 ? previousFilteredK + (measuredK - previousFilteredK) * (1 - Math.exp(-dtS / filterS)) : measuredK;
    const errorK = this.workingK - measuredK;
    const derivativePercent = (-kp * derivativeTimeS * (this.filteredK - previousFilteredK)) / dtS;
    const integralStep = (kp * dtS * errorK) / integralTimeS;
    const unclamped = kp * errorK + this.integralPercent + integralStep + derivativePercent;
    const windingUp = (unclamped > 100 && errorK > 0) || (unclamped < 0 && errorK < 0);
    if (!windingUp) this.integralPercent += integralStep;
    this.outputPercentValue = Math.min(100, Math.max(0, kp * errorK + this.integralPercent + derivativePercent));
    return this.outputPercentValue;
  }

  private clamp(temperatureK: number): number {
    return Math.min(this.limits.highK, Math.max(this.limits.lowK, temperatureK));
  }

  private advanceWorkingSetpoint(dtS: number): void {
    if (this.rampKPerMinValue === null) {
      this.workingK = this.targetK;
      return;
    }
    const maxStepK = (this.rampKPerMinValue * dtS) / 60;
    const remainingK = this.targetK - this.workingK;
    this.workingK = Math.abs(remainingK) <= maxStepK ? this.targetK : this.workingK + Math.sign(remainingK) * maxStepK;
  }
}
