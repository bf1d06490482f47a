import { isTemperatureError, type TemperatureErrorCode } from '../../../drivers/temperature/errors.js';
import type { TemperatureNativeQuantities, TemperatureReading } from '../../../drivers/temperature/temperature-controller.js';
import type { Logger } from '../../core/logger.js';
import { BaseInstrument } from '../../instruments/base-instrument.js';
import type { ReconnectPolicy } from '../../instruments/defaults.js';
import type { LinkOpener } from '../../instruments/device-link.js';
import { isTransportError } from '../../transport/transport.js';
import type { TemperatureInstrumentConfig } from './config.js';
import { checkRamp, checkSetpoint, type LimitedTemperatureController, type TemperatureLimits } from './limits.js';

/**
 * Temperature-driver errors that mean the link, not the request, failed. A
 * Modbus exception or an `*ESR` error is the instrument refusing a request
 * (a setpoint beyond its own limits): not a link fault.
 */
const LINK_FAULTS: ReadonlySet<TemperatureErrorCode> = new Set(['TIMEOUT', 'DISCONNECTED', 'BAD_REPLY', 'CLOSED', 'OPEN_FAILED', 'BUSY']);
/**
 * Modbus exceptions that say the request did not get through now, not that
 * it was wrong: 5 acknowledge (still working), 6 server busy, 10 and 11 a
 * gateway without a path to, or without an answer from, the device. The
 * driver retries them first; still failing, the link is renewed.
 */
const TRANSIENT_MODBUS_EXCEPTIONS: ReadonlySet<unknown> = new Set([5, 6, 10, 11]);

/**
 * A temperature controller of the lab (furnace, NMR VT unit): the driver
 * behind the service-side limits guard (limits.ts, the one place the limits
 * are checked; each link's driver gets its own guard). Protocols check their
 * whole program with `checkSetpoint`/`checkRamp` when they plan it, so a run
 * that would leave the limits never starts; the guard refuses again at send
 * time. The safe state is the safe ramp and setpoint.
 */
export class TemperatureInstrument extends BaseInstrument<TemperatureInstrumentConfig, LimitedTemperatureController> {
  protected readonly safeStateFailure = 'could not send the safe setpoint';

  constructor(config: TemperatureInstrumentConfig, openLink: LinkOpener<LimitedTemperatureController>, logger: Logger, policy?: Partial<ReconnectPolicy>) {
    super(config, logger, openLink, policy);
  }

  get limits(): TemperatureLimits {
    return this.config.limits;
  }

  protected get safeStateDone(): string {
    return `setpoint ${this.limits.safeK} K at ${this.limits.maxRampKPerMin} K/min (safe state)`;
  }

  /** What the controller calls its quantities (for the stream descriptor; needs a link). */
  get nativeQuantities(): TemperatureNativeQuantities {
    return this.device.nativeQuantities;
  }

  protected identify(): Promise<object> {
    return this.device.identify();
  }

  /**
   * On every connect, before anything else uses it: the hard limits written
   * into the controller, which then enforces them itself whatever becomes of
   * the service (TemperatureController.writeHardLimits).
   */
  protected override async prepareDevice(): Promise<void> {
    const { minK, maxK } = this.limits;
    await this.device.writeHardLimits({ minK, maxK });
    this.logger.info({ instrument: this.id, minK, maxK }, `${this.id}: hard limits ${minK}..${maxK} K written into the controller`);
  }

  protected enterSafeState(): Promise<void> {
    return this.device.safeState();
  }

  protected isLinkFault(error: unknown): boolean {
    if (isTemperatureError(error, 'MODBUS_EXCEPTION')) return TRANSIENT_MODBUS_EXCEPTIONS.has(error.context.exceptionCode);
    return (isTransportError(error) && error.code !== 'BAD_URL') || (isTemperatureError(error) && LINK_FAULTS.has(error.code));
  }

  /** Refuses a setpoint outside the hard limits (LimitError LIMIT_EXCEEDED) without touching the instrument. */
  checkSetpoint(temperatureK: number): void {
    checkSetpoint(this.limits, this.id, temperatureK);
  }

  /** Refuses a ramp beyond the hard limit (LimitError LIMIT_EXCEEDED) without touching the instrument. */
  checkRamp(kPerMin: number): void {
    checkRamp(this.limits, this.id, kPerMin);
  }

  read(): Promise<TemperatureReading> {
    return this.use((controller) => controller.read());
  }

  /** Ramp first, then the setpoint: the guard refuses a setpoint that would not be ramped. */
  async goTo(setpointK: number, rampKPerMin: number): Promise<void> {
    this.checkRamp(rampKPerMin);
    this.checkSetpoint(setpointK);
    await this.use(async (controller) => {
      await controller.setRampRate(rampKPerMin);
      await controller.setSetpoint(setpointK);
    });
  }
}
