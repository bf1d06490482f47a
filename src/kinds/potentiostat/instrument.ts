import type { SampleConfig } from '../../config/sample.js';
import type { Logger } from '../../core/logger.js';
import { BaseInstrument } from '../../instruments/base-instrument.js';
import { LimitError } from '../../instruments/limits.js';
import type { PotentiostatInstrumentConfig, PotentiostatLimits } from './config.js';
import type { PotentiostatDevice, PotentiostatSample, PotentiostatStep, StepOutcome } from './device.js';

/**
 * A potentiostat of the lab: the driver plus the service-side hard limits,
 * the one place they are checked: a step asking for more current or a
 * potential beyond them is refused before it is sent, and a sample outside
 * the voltage window aborts the step at once. Both refusals are LimitErrors
 * (LIMIT_EXCEEDED). The safe state is the cell at open circuit.
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
    const refuse = (message: string, limit: keyof PotentiostatLimits, value: number) =>
      new LimitError(`${this.id}: ${message}`, 'LIMIT_EXCEEDED', { instrument: this.id, limit, value });
    switch (step.kind) {
      case 'constant-current':
        if (!(Math.abs(step.currentA) <= maxAbsCurrentA)) throw refuse(`|${step.currentA} A| exceeds the hard limit ${maxAbsCurrentA} A`, 'maxAbsCurrentA', step.currentA);
        return;
      case 'constant-potential':
        if (!(step.potentialV >= minV && step.potentialV <= maxV)) {
          throw refuse(`${step.potentialV} V lies outside the hard limits ${minV}..${maxV} V`, step.potentialV > maxV ? 'maxV' : 'minV', step.potentialV);
        }
        return;
      case 'eis':
        if (step.mode === 'galvanostatic') {
          const peakA = Math.abs(step.dcA) + step.amplitudeA;
          if (!(peakA <= maxAbsCurrentA)) throw refuse(`GEIS current |${step.dcA} A| + ${step.amplitudeA} A exceeds the hard limit ${maxAbsCurrentA} A`, 'maxAbsCurrentA', peakA);
        } else if (!(step.dcV - step.amplitudeV >= minV && step.dcV + step.amplitudeV <= maxV)) {
          throw refuse(`EIS bias ${step.dcV} V ± ${step.amplitudeV} V leaves the hard limits ${minV}..${maxV} V`, step.dcV + step.amplitudeV > maxV ? 'maxV' : 'minV', step.dcV);
        }
        return;
      case 'ocp':
        return;
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
    let violation: LimitError | null = null;
    const { minV, maxV } = this.limits;
    try {
      const outcome = await this.device.runStep(
        step,
        (s) => {
          if (!violation && s.potentialV !== undefined && step.kind !== 'eis' && !(s.potentialV >= minV && s.potentialV <= maxV)) {
            violation = new LimitError(`${this.id}: cell voltage ${s.potentialV.toFixed(4)} V left the hard limits ${minV}..${maxV} V`, 'LIMIT_EXCEEDED', {
              instrument: this.id,
              limit: s.potentialV > maxV ? 'maxV' : 'minV',
              value: s.potentialV,
            });
            local.abort(violation);
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
