import { OperandoError } from '../../src/core/errors.js';
import type { TemperatureController, TemperatureIdentity, TemperatureReading } from './temperature-controller.js';

export type LimitErrorCode =
  | 'SETPOINT_OUT_OF_RANGE'
  | 'RAMP_OUT_OF_RANGE'
  /** A setpoint before any ramp rate was set through the guard: the change would not be ramped. */
  | 'RAMP_NOT_SET'
  | 'INVALID_LIMITS';

/** A request refused by the service-side limits before anything reached the instrument. */
export class LimitError extends OperandoError<LimitErrorCode> {}

export function isLimitError(e: unknown, code?: LimitErrorCode): e is LimitError {
  return e instanceof LimitError && (code === undefined || e.code === code);
}

/** The hard limits of one controller: the lab file's `limits` (src/config/schema.ts) fit this shape. */
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

/**
 * The guard the service puts around every controller. Setpoints and ramps
 * outside the limits are refused with a LimitError before anything is sent;
 * "ramp off" is refused too, since the limits always carry a largest ramp, and
 * so is a setpoint before a ramp was set through the guard (the controller's
 * own ramp could be off, and the change would be a step).
 */
export class LimitedTemperatureController implements TemperatureController {
  private rampSet = false;

  constructor(
    private readonly inner: TemperatureController,
    readonly limits: TemperatureLimits,
  ) {
    const { minK, maxK, maxRampKPerMin, safeK, safeRampKPerMin } = limits;
    const problem =
      !(minK > 0 && minK < maxK && Number.isFinite(maxK)) ? 'minK must lie in 0 < minK < maxK'
      : !(safeK >= minK && safeK <= maxK) ? 'safeK must lie within minK..maxK'
      : !(maxRampKPerMin > 0 && Number.isFinite(maxRampKPerMin)) ? 'maxRampKPerMin must be > 0'
      : safeRampKPerMin !== undefined && !(safeRampKPerMin > 0 && safeRampKPerMin <= maxRampKPerMin) ? 'safeRampKPerMin must lie in 0 < rate <= maxRampKPerMin'
      : null;
    if (problem) throw new LimitError(`invalid temperature limits: ${problem}`, 'INVALID_LIMITS', { limits });
  }

  identify(): Promise<TemperatureIdentity> {
    return this.inner.identify();
  }

  read(): Promise<TemperatureReading> {
    return this.inner.read();
  }

  async setSetpoint(temperatureK: number): Promise<void> {
    const { minK, maxK } = this.limits;
    if (!(temperatureK >= minK && temperatureK <= maxK)) {
      throw new LimitError(`setpoint ${temperatureK} K lies outside the limits ${minK}..${maxK} K`, 'SETPOINT_OUT_OF_RANGE', { temperatureK, minK, maxK });
    }
    if (!this.rampSet) {
      throw new LimitError('set a ramp rate before the first setpoint: temperature changes are ramped', 'RAMP_NOT_SET', { temperatureK });
    }
    await this.inner.setSetpoint(temperatureK);
  }

  async setRampRate(kPerMin: number | null): Promise<void> {
    const { maxRampKPerMin } = this.limits;
    if (kPerMin === null || !(kPerMin > 0 && kPerMin <= maxRampKPerMin)) {
      throw new LimitError(`ramp ${kPerMin === null ? 'off' : `${kPerMin} K/min`} is not allowed: the ramp must lie in 0 < rate <= ${maxRampKPerMin} K/min`, 'RAMP_OUT_OF_RANGE', {
        kPerMin,
        maxRampKPerMin,
      });
    }
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
