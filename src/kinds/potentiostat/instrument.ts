import { isMethodScriptError } from '../../../drivers/potentiostat/methodscript/errors.js';
import type { SampleConfig } from '../../config/sample.js';
import type { Logger } from '../../core/logger.js';
import { BaseInstrument } from '../../instruments/base-instrument.js';
import type { ReconnectPolicy } from '../../instruments/defaults.js';
import type { LinkOpener } from '../../instruments/device-link.js';
import { LimitError } from '../../instruments/limits.js';
import { isTransportError } from '../../transport/transport.js';
import type { PotentiostatInstrumentConfig, PotentiostatLimits } from './config.js';
import type { PotentiostatDevice, PotentiostatNativeQuantities, PotentiostatSample, PotentiostatStep, StepOutcome } from './device.js';
import { sampleBeyondHardLimits, stepBeyondHardLimits, type HardLimitBreach } from './hard-limits.js';

/** MethodSCRIPT errors that mean the link, not the request, failed: the device went silent or sent what no device sends. */
const METHODSCRIPT_LINK_FAULTS = new Set(['TIMEOUT', 'UNEXPECTED_REPLY', 'BAD_PACKAGE', 'LINE_TOO_LONG']);

/**
 * A potentiostat of the lab: the driver plus the service-side hard limits
 * (the rules in hard-limits.ts): a step asking for more current or a
 * potential beyond them is refused before it is sent, and a sample beyond
 * them aborts the step at once. Both refusals are LimitErrors
 * (LIMIT_EXCEEDED). Every step goes to the device with the hard limits, which
 * it enforces itself as well. The safe state is the cell at open circuit.
 */
export class PotentiostatInstrument extends BaseInstrument<PotentiostatInstrumentConfig, PotentiostatDevice> {
  protected readonly safeStateFailure = 'could not switch the cell off';
  protected readonly safeStateDone = 'cell switched off (open circuit)';

  constructor(config: PotentiostatInstrumentConfig, openLink: LinkOpener<PotentiostatDevice>, logger: Logger, policy?: Partial<ReconnectPolicy>) {
    super(config, logger, openLink, policy);
  }

  /** What the driver calls the quantities it delivers (for stream descriptors; needs a link). */
  get nativeQuantities(): PotentiostatNativeQuantities {
    return this.device.nativeQuantities;
  }

  protected identify(): Promise<object> {
    return this.device.identify();
  }

  protected enterSafeState(): Promise<void> {
    return this.device.cellOff();
  }

  protected isLinkFault(error: unknown): boolean {
    return (isTransportError(error) && error.code !== 'BAD_URL') || (isMethodScriptError(error) && METHODSCRIPT_LINK_FAULTS.has(error.code));
  }

  get limits(): PotentiostatLimits {
    return this.config.limits;
  }

  get sample(): SampleConfig | undefined {
    return this.config.sample;
  }

  /** Checks a step against the hard limits before anything is sent. */
  checkStep(step: PotentiostatStep): void {
    const breach = stepBeyondHardLimits(step, this.limits);
    if (breach) throw this.limitError(breach);
  }

  /**
   * Runs a step with the hard limits enforced; a sample beyond them (a cell
   * voltage outside the window, the current of a potential hold beyond
   * maxAbsCurrentA) aborts the step and the promise rejects with
   * LIMIT_EXCEEDED. The step goes to the device with the hard limits, which
   * the device enforces itself at its own sample rate (HardLimitedStep).
   */
  async runStep(step: PotentiostatStep, onSample: (s: PotentiostatSample) => void, signal: AbortSignal): Promise<StepOutcome> {
    this.checkStep(step);
    const local = new AbortController();
    const forward = () => local.abort(signal.reason);
    signal.addEventListener('abort', forward, { once: true });
    let violation: LimitError | null = null;
    const { minV, maxV, maxAbsCurrentA } = this.limits;
    try {
      const outcome = await this.use((device) =>
        device.runStep(
          { ...step, hardLimits: { minV, maxV, maxAbsCurrentA } },
          (s) => {
            const breach = violation ? null : sampleBeyondHardLimits(step, s, this.limits);
            if (breach) {
              violation = this.limitError(breach);
              local.abort(violation);
            }
            onSample(s);
          },
          local.signal,
        ),
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

  private limitError({ limit, value, message }: HardLimitBreach): LimitError {
    return new LimitError(`${this.id}: ${message}`, 'LIMIT_EXCEEDED', { instrument: this.id, limit, value });
  }
}
