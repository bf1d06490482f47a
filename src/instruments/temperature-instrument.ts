import { LimitedTemperatureController, type TemperatureLimits } from '../../drivers/temperature/temperature-limits.js';
import type { TemperatureController, TemperatureReading } from '../../drivers/temperature/temperature-controller.js';
import type { TemperatureInstrumentConfig } from '../config/schema.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { EngineError } from '../engine/errors.js';
import type { ConnectionState, Instrument, InstrumentStatus } from './instrument.js';

/**
 * A temperature controller of the lab (furnace, NMR VT unit): the driver
 * behind the service-side limits guard. Protocols check their whole program
 * with `checkSetpoint`/`checkRamp` when they are planned, so a run that would
 * leave the limits never starts; the guard refuses again at send time.
 * `safe()` sends the safe ramp and setpoint and never throws.
 */
export class TemperatureInstrument implements Instrument {
  private readonly guarded: LimitedTemperatureController;
  private runId: string | null = null;
  private connection: ConnectionState = 'connecting';
  private identity: Record<string, unknown> | null = null;
  private lastError: string | null = null;

  constructor(
    readonly config: TemperatureInstrumentConfig,
    controller: TemperatureController,
    private readonly logger: Logger,
  ) {
    this.guarded = new LimitedTemperatureController(controller, config.limits);
  }

  get id(): string {
    return this.config.id;
  }

  get limits(): TemperatureLimits {
    return this.guarded.limits;
  }

  async connect(): Promise<void> {
    try {
      this.identity = { ...(await this.guarded.identify()) };
      this.connection = 'connected';
      this.lastError = null;
    } catch (e) {
      this.connection = 'error';
      this.lastError = errorMessage(e);
      throw e;
    }
  }

  /** Called by the driver layer when the link drops. */
  markDisconnected(reason: string): void {
    this.connection = 'disconnected';
    this.lastError = reason;
  }

  status(): InstrumentStatus {
    return {
      id: this.id,
      kind: 'temperature',
      driver: this.config.driver,
      transport: this.config.transport,
      connection: this.connection,
      runId: this.runId,
      identity: this.identity,
      lastError: this.lastError,
    };
  }

  claim(runId: string | null): void {
    this.runId = runId;
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

  async safe(): Promise<void> {
    try {
      await this.guarded.safeState();
    } catch (e) {
      this.lastError = `could not send the safe setpoint: ${errorMessage(e)}`;
      this.logger.error({ instrument: this.id, err: errorMessage(e) }, 'could not send the safe setpoint');
    }
  }

  async close(): Promise<void> {
    await this.safe();
    await this.guarded.close();
    this.connection = 'disconnected';
  }
}
