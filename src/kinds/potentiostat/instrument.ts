import type { PotentiostatInstrumentConfig, PotentiostatLimits, SampleConfig } from '../config/schema.js';
import type { Logger } from '../core/logger.js';
import { EngineError } from '../engine/errors.js';
import { BaseInstrument } from './base-instrument.js';
import type { PotentiostatDevice, PotentiostatSample, PotentiostatStep, StepOutcome } from './potentiostat-device.js';

/**
 * A potentiostat of the lab: the driver plus the service-side hard limits,
 * enforced here whatever the instrument does: a step asking for more current
 * than allowed is refused before it is sent, and a sample outside the voltage
 * window aborts the step at once.
 */
export class PotentiostatInstrument extends BaseInstrument<PotentiostatInstrumentConfig> {
  protected readonly safeStateFailure = 'could not switch the cell off';

  constructor(
    config: PotentiostatInstrumentConfig,
    readonly device: PotentiostatDevice,
    logger: Logger,
  ) {
    super(config, logger);
  }

  protected identify(): Promise<object> {
    return this.device.identify();
  }

  protected enterSafeState(): Promise<void> {
    return this.device.cellOff();
  }

  protected closeDevice(): Promise<void> {
    return this.device.close();
  }

  get limits(): PotentiostatLimits {
    return this.config.limits;
  }

  get sample(): SampleConfig | undefined {
    return this.config.sample;
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
    if (step.kind === 'eis' && step.mode === 'galvanostatic') {
      if (Math.abs(step.dcA) + step.amplitudeA > maxAbsCurrentA) {
        throw new EngineError(`${this.id}: GEIS current |${step.dcA} A| + ${step.amplitudeA} A exceeds the hard limit ${maxAbsCurrentA} A`, 'LIMIT_EXCEEDED', {
          instrument: this.id,
        });
      }
    } else if (step.kind === 'eis' && (step.dcV - step.amplitudeV < minV || step.dcV + step.amplitudeV > maxV) && step.dcV !== 0) {
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
}
