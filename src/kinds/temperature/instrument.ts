import type { TemperatureController, TemperatureReading } from '../../../drivers/temperature/temperature-controller.js';
import type { Logger } from '../../core/logger.js';
import { BaseInstrument } from '../../instruments/base-instrument.js';
import type { TemperatureInstrumentConfig } from './config.js';
import { LimitedTemperatureController, type TemperatureLimits } from './limits.js';

/**
 * A temperature controller of the lab (furnace, NMR VT unit): the driver
 * behind the service-side limits guard (limits.ts, the one place the limits
 * are checked). Protocols check their whole program with
 * `checkSetpoint`/`checkRamp` when they plan it, so a run that would leave
 * the limits never starts; the guard refuses again at send time. `safe()`
 * sends the safe ramp and setpoint and never throws.
 */
export class TemperatureInstrument extends BaseInstrument<TemperatureInstrumentConfig> {
  private readonly guarded: LimitedTemperatureController;
  protected readonly safeStateFailure = 'could not send the safe setpoint';

  constructor(config: TemperatureInstrumentConfig, controller: TemperatureController, logger: Logger) {
    super(config, logger);
    this.guarded = new LimitedTemperatureController(controller, config.limits, config.id);
  }

  get limits(): TemperatureLimits {
    return this.guarded.limits;
  }

  /** The controller as the service sees it (what it calls its quantities). */
  get controller(): TemperatureController {
    return this.guarded;
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

  /** Refuses a setpoint outside the hard limits (LimitError LIMIT_EXCEEDED) without touching the instrument. */
  checkSetpoint(temperatureK: number): void {
    this.guarded.checkSetpoint(temperatureK);
  }

  /** Refuses a ramp beyond the hard limit (LimitError LIMIT_EXCEEDED) without touching the instrument. */
  checkRamp(kPerMin: number): void {
    this.guarded.checkRamp(kPerMin);
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
