import type { ControllerHardLimits, TemperatureController, TemperatureIdentity, TemperatureNativeQuantities, TemperatureReading } from '../../../drivers/temperature/temperature-controller.js';
import { LimitError } from '../../instruments/limits.js';

/** The hard limits of one controller: the lab file's `limits` (src/kinds/temperature/config.ts) fit this shape. */
export interface TemperatureLimits {
  readonly minK: number;
  /** Highest setpoint, e.g. below the NMR probe's limit. */
  readonly maxK: number;
  readonly maxRampKPerMin: number;
  /** Setpoint sent by `safeState()` on abort, error or shutdown. */
  readonly safeK: number;
  /** Ramp sent by `safeState()`; `maxRampKPerMin` when not given. */
  readonly safeRampKPerMin?: number;
}

/** What contradicts itself in a set of limits, or null. The lab-file check and the guard use it. */
export function temperatureLimitsProblem(limits: TemperatureLimits): { field: keyof TemperatureLimits; message: string } | null {
  const { minK, maxK, maxRampKPerMin, safeK, safeRampKPerMin } = limits;
  if (!(minK > 0 && minK < maxK && Number.isFinite(maxK))) return { field: 'minK', message: 'minK must lie in 0 < minK < maxK' };
  if (!(safeK >= minK && safeK <= maxK)) return { field: 'safeK', message: 'safeK must lie within minK..maxK' };
  if (!(maxRampKPerMin > 0 && Number.isFinite(maxRampKPerMin))) return { field: 'maxRampKPerMin', message: 'maxRampKPerMin must be > 0' };
  if (safeRampKPerMin !== undefined && !(safeRampKPerMin > 0 && safeRampKPerMin <= maxRampKPerMin)) {
    return { field: 'safeRampKPerMin', message: 'safeRampKPerMin must lie in 0 < rate <= maxRampKPerMin' };
  }
  return null;
}

/** A setpoint outside the hard limits: LIMIT_EXCEEDED naming the limit. */
export function checkSetpoint(limits: TemperatureLimits, instrument: string, temperatureK: number): void {
  const { minK, maxK } = limits;
  if (!(temperatureK >= minK && temperatureK <= maxK)) {
    throw new LimitError(`${instrument}: setpoint ${temperatureK} K lies outside the hard limits ${minK}..${maxK} K`, 'LIMIT_EXCEEDED', {
      instrument,
      limit: temperatureK > maxK ? 'maxK' : 'minK',
      value: temperatureK,
    });
  }
}

/** A ramp that is off, not positive or above the hard limit: LIMIT_EXCEEDED. */
export function checkRamp(limits: TemperatureLimits, instrument: string, kPerMin: number | null): void {
  const { maxRampKPerMin } = limits;
  if (kPerMin === null || !(kPerMin > 0 && kPerMin <= maxRampKPerMin)) {
    throw new LimitError(
      `${instrument}: ramp ${kPerMin === null ? 'off' : `${kPerMin} K/min`} is not allowed: the ramp must lie in 0 < rate <= ${maxRampKPerMin} K/min`,
      'LIMIT_EXCEEDED',
      { instrument, limit: 'maxRampKPerMin', value: kPerMin },
    );
  }
}

/**
 * The guard the service puts around every controller, and the one place the
 * temperature limits are checked: protocols call `checkSetpoint` and
 * `checkRamp` when they plan a program (so a run that would leave the limits
 * never starts), and `setSetpoint`/`setRampRate` check again at send time.
 * Refusals are LimitErrors (LIMIT_EXCEEDED) and nothing is sent. "Ramp off"
 * is refused, since the limits always carry a largest ramp, and so is a
 * setpoint before a ramp was set through the guard (the controller's own ramp
 * could be off, and the change would be a step: RAMP_NOT_SET).
 */
export class LimitedTemperatureController implements TemperatureController {
  private rampSet = false;

  /** `id` names the instrument in messages. */
  constructor(
    private readonly inner: TemperatureController,
    readonly limits: TemperatureLimits,
    private readonly id = 'controller',
  ) {
    const problem = temperatureLimitsProblem(limits);
    if (problem) throw new LimitError(`${id}: invalid temperature limits: ${problem.message}`, 'INVALID_LIMITS', { instrument: id, limits });
  }

  /** Refuses a setpoint outside the hard limits without touching the instrument. */
  checkSetpoint(temperatureK: number): void {
    checkSetpoint(this.limits, this.id, temperatureK);
  }

  /** Refuses a ramp that is off, not positive or above the hard limit without touching the instrument. */
  checkRamp(kPerMin: number | null): void {
    checkRamp(this.limits, this.id, kPerMin);
  }

  get nativeQuantities(): TemperatureNativeQuantities {
    return this.inner.nativeQuantities;
  }

  get linkLost(): Promise<string> {
    return this.inner.linkLost;
  }

  /** The instrument's own limits: passed through (TemperatureInstrument writes its hard limits on every connect). */
  writeHardLimits(limits: ControllerHardLimits): Promise<void> {
    return this.inner.writeHardLimits(limits);
  }

  identify(): Promise<TemperatureIdentity> {
    return this.inner.identify();
  }

  read(): Promise<TemperatureReading> {
    return this.inner.read();
  }

  async setSetpoint(temperatureK: number): Promise<void> {
    this.checkSetpoint(temperatureK);
    if (!this.rampSet) {
      throw new LimitError(`${this.id}: set a ramp rate before the first setpoint: temperature changes are ramped`, 'RAMP_NOT_SET', {
        instrument: this.id,
        value: temperatureK,
      });
    }
    await this.inner.setSetpoint(temperatureK);
  }

  async setRampRate(kPerMin: number | null): Promise<void> {
    this.checkRamp(kPerMin);
    await this.inner.setRampRate(kPerMin);
    this.rampSet = true;
  }

  /**
   * Sends the safe ramp, then the safe setpoint. The setpoint is sent even if
   * the ramp write failed (reaching the safe temperature matters more); the
   * first failure is thrown afterwards.
   */
  async safeState(): Promise<void> {
    let rampFailure: { error: unknown } | null = null;
    try {
      await this.inner.setRampRate(this.limits.safeRampKPerMin ?? this.limits.maxRampKPerMin);
      this.rampSet = true;
    } catch (error) {
      rampFailure = { error };
    }
    await this.inner.setSetpoint(this.limits.safeK);
    if (rampFailure) throw rampFailure.error;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
