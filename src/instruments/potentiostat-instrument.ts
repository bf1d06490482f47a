import type { PotentiostatInstrumentConfig, PotentiostatLimits, SampleConfig } from '../config/schema.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { EngineError } from '../engine/errors.js';
import type { ConnectionState, Instrument, InstrumentStatus } from './instrument.js';
import type { PotentiostatDevice, PotentiostatSample, PotentiostatStep, StepOutcome } from './potentiostat-device.js';

/**
 * A potentiostat of the lab: the driver plus the service-side hard limits,
 * enforced here whatever the instrument does: a step asking for more current
 * than allowed is refused before it is sent, and a sample outside the voltage
 * window aborts the step at once.
 */
export class PotentiostatInstrument implements Instrument {
  private runId: string | null = null;
  private connection: ConnectionState = 'connecting';
  private identity: Record<string, unknown> | null = null;
  private lastError: string | null = null;

  constructor(
    readonly config: PotentiostatInstrumentConfig,
    readonly device: PotentiostatDevice,
    private readonly logger: Logger,
  ) {}

  get id(): string {
    return this.config.id;
  }

  get limits(): PotentiostatLimits {
    return this.config.limits;
  }

  get sample(): SampleConfig | undefined {
    return this.config.sample;
  }

  async connect(): Promise<void> {
    try {
      this.identity = { ...(await this.device.identify()) };
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
      kind: 'potentiostat',
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

  /** Checks a step against the hard limits before anything is sent. */
  checkStep(step: PotentiostatStep): void {
    const { minV, maxV, maxAbsCurrentA } = this.limits;
    if (step.kind === 'constant-current' && Math.abs(step.currentA) > maxAbsCurrentA) {
      throw new EngineError(`${this.id}: |${step.currentA} A| exceeds the hard limit ${maxAbsCurrentA} A`, 'LIMIT_EXCEEDED', { instrument: this.id });
    }
    if (step.kind === 'constant-potential' && (step.potentialV < minV || step.potentialV > maxV)) {
      throw new EngineError(`${this.id}: ${step.potentialV} V lies outside the hard limits ${minV}..${maxV} V`, 'LIMIT_EXCEEDED', { instrument: this.id });
    }
    if (step.kind === 'eis' && (step.dcV - step.amplitudeV < minV || step.dcV + step.amplitudeV > maxV) && step.dcV !== 0) {
      throw new EngineError(`${this.id}: EIS bias ${step.dcV} V ± ${step.amplitudeV} V leaves the hard limits ${minV}..${maxV} V`, 'LIMIT_EXCEEDED', {
        instrument: this.id,
      });
    }
  }

  /**
   * Runs a step with the hard limits enforced; a sample outside the voltage
   * window aborts the step and the promise rejects with LIMIT_EXCEEDED.
   */
  async runStep(step: PotentiostatStep, onSample: (s: PotentiostatSample) => void, signal: AbortSignal): Promise<StepOutcome> {
    this.checkStep(step);
    const local = new AbortController();
    const forward = () => local.abort(signal.reason);
    signal.addEventListener('abort', forward, { once: true });
    let violation: EngineError | null = null;
    try {
      const outcome = await this.device.runStep(
        step,
        (s) => {
          if (s.potentialV !== undefined && step.kind !== 'eis' && (s.potentialV < this.limits.minV || s.potentialV > this.limits.maxV)) {
            if (!violation) {
              violation = new EngineError(
                `${this.id}: cell voltage ${s.potentialV.toFixed(4)} V left the hard limits ${this.limits.minV}..${this.limits.maxV} V`,
                'LIMIT_EXCEEDED',
                { instrument: this.id, potentialV: s.potentialV },
              );
              local.abort(violation);
            }
          }
          onSample(s);
        },
        local.signal,
      );
      if (violation) throw violation;
      return outcome;
    } catch (e) {
      if (violation) throw violation;
      throw e;
    } finally {
      signal.removeEventListener('abort', forward);
    }
  }

  async safe(): Promise<void> {
    try {
      await this.device.cellOff();
    } catch (e) {
      this.lastError = `could not switch the cell off: ${errorMessage(e)}`;
      this.logger.error({ instrument: this.id, err: errorMessage(e) }, 'could not switch the cell off');
    }
  }

  async close(): Promise<void> {
    await this.safe();
    await this.device.close();
    this.connection = 'disconnected';
  }
}
