import { LimitedTemperatureController, type TemperatureLimits } from '../../drivers/temperature/temperature-limits.js';
import type { TemperatureController, TemperatureReading } from '../../drivers/temperature/temperature-controller.js';
import type { TemperatureInstrumentConfig } from '../config/schema.js';
import type { Logger } from '../core/logger.js';
import { EngineError } from '../engine/errors.js';
import { BaseInstrument } from './base-instrument.js';

/**
 * A temperature controller of the lab (furnace, NMR VT unit): the driver
 * behind the service-side limits guard. Protocols check their whole program
 * with `checkSetpoint`/`checkRamp` when they are planned, so a run that would
 * leave the limits never starts; the guard refuses again at send time.
 * `safe()` sends the safe ramp and setpoint and never throws.
 */
export class TemperatureInstrument extends BaseInstrument<TemperatureInstrumentConfig> {
  private readonly guarded: LimitedTemperatureController;
  protected readonly safeStateFailure = 'could not send the safe setpoint';

  constructor(config: TemperatureInstrumentConfig, controller: TemperatureController, logger: Logger) {
    super(config, logger);
    this.guarded = new LimitedTemperatureController(controller, config.limits);
  }

  get limits(): TemperatureLimits {
    return this.guarded.limits;
  }

  protected identify(): Promise<object> {
    return this.guarded.identify();
  }

  protected enterSafeState(): Promise<void> {
    return this.guarded.safeState();
  }

  protected closeDevice(): Promise<void> {
    return this.guarded.close();
  }

  /** Refuses a setpoint outside the hard limits (LIMIT_EXCEEDED) without touching the instrument. */
  checkSetpoint(temperatureK: number): void {
    const { minK, maxK } = this.limits;
    if (!(temperatureK >= minK && temperatureK <= maxK)) {
      throw new EngineError(`${this.id}: setpoint ${temperatureK} K lies outside the hard limits ${minK}..${maxK} K`, 'LIMIT_EXCEEDED', {
        instrument: this.id,
        temperatureK,
      });
    }
  }

  /** Refuses a ramp above the hard limit (LIMIT_EXCEEDED) without touching the instrument. */
  checkRamp(kPerMin: number): void {
    const { maxRampKPerMin } = this.limits;
    if (!(kPerMin > 0 && kPerMin <= maxRampKPerMin)) {
      throw new EngineError(`${this.id}: ramp ${kPerMin} K/min lies outside 0 < ramp <= ${maxRampKPerMin} K/min`, 'LIMIT_EXCEEDED', {
        instrument: this.id,
        kPerMin,
      });
    }
  }

  read(): Promise<TemperatureReading> {
    return this.guarded.read();
  }

  /** Ramp first, then the setpoint: the guard refuses a setpoint that would not be ramped. */
  async goTo(setpointK: number, rampKPerMin: number): Promise<void> {
    this.checkRamp(rampKPerMin);
    this.checkSetpoint(setpointK);
    await this.guarded.setRampRate(rampKPerMin);
    await this.guarded.setSetpoint(setpointK);
  }
}
