import { nsToMs, type Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { McaSpectrum } from '../../core/spectrum.js';
import { BaseInstrument } from '../../instruments/base-instrument.js';
import type { ReconnectPolicy } from '../../instruments/defaults.js';
import type { LinkOpener } from '../../instruments/device-link.js';
import { isTransportError } from '../../transport/transport.js';
import { MCA_ACQUISITION_DEFAULTS } from '../../../drivers/mca/defaults.js';
import type { McaInstrumentConfig } from './config.js';
import { DEFAULT_MCA_CHANNELS, type McaChannelCount, type McaDevice, type McaDriverTraits, type McaNativeQuantities, type McaStatus } from './device.js';
import { McaError } from './errors.js';

export type { McaStatus } from './device.js';

export interface McaAcquisitionOptions {
  /** Preset real time, lab seconds: the device stops by itself once it has counted that long. */
  readonly realTimeS: number;
  /** Read the status at least this often while counting (lab seconds), for `onStatus`: a beam monitor watched during the spectrum. */
  readonly statusEveryS?: number;
  /** Each status read while the MCA counts (counters since this acquisition's clear). */
  readonly onStatus?: (status: McaStatus) => void;
}

/** One acquisition: the spectrum (its `startNs` the lab clock when the MCA was enabled), when it ended by the lab clock, and the device's status then. */
export interface McaAcquisition {
  readonly spectrum: McaSpectrum;
  /** Lab clock when the acquisition was seen to end: the poll that found the MCA stopped, or the disable of an aborted one. */
  readonly endNs: bigint;
  /** Counters and clocks of the spectrum; `presetReached` false means it was cut short. */
  readonly status: McaStatus;
}

/**
 * A multichannel analyser of the lab (the NDP detector's): a driver behind
 * the MCA device interface (device.ts), its channel count written into the
 * device at every connect, and acquisitions run to a preset real time. The
 * safe state is the MCA disabled (not counting): nothing an MCA does can
 * harm a sample, but a disabled MCA keeps what it has and counts nothing
 * that no run asked for.
 */
export class McaInstrument extends BaseInstrument<McaInstrumentConfig, McaDevice> {
  protected readonly safeStateFailure = 'could not disable the MCA';
  protected readonly safeStateDone = 'MCA disabled';

  constructor(
    config: McaInstrumentConfig,
    openLink: LinkOpener<McaDevice>,
    logger: Logger,
    private readonly clock: Clock,
    private readonly traits: McaDriverTraits,
    policy?: Partial<ReconnectPolicy>,
  ) {
    super(config, logger, openLink, policy);
  }

  /** Channels of every spectrum (the lab file's, 4096 by default). */
  get channels(): McaChannelCount {
    return this.config.options?.channels ?? DEFAULT_MCA_CHANNELS;
  }

  get energyCalibrationKeV(): readonly [number, number, number] | null {
    return this.config.options?.energyCalibrationKeV ?? null;
  }

  /** What the driver calls the quantities it delivers (for the stream descriptor; no link needed). */
  get nativeQuantities(): McaNativeQuantities {
    return this.traits.nativeQuantities;
  }

  protected identify(): Promise<object> {
    return this.device.identify();
  }

  /** On every connect: the lab file's channel count, so every spectrum has the shape its descriptor says. */
  protected override async prepareDevice(): Promise<void> {
    await this.device.setChannels(this.channels);
    this.logger.info({ instrument: this.id, channels: this.channels }, `${this.id}: ${this.channels} channels`);
  }

  protected enterSafeState(): Promise<void> {
    return this.device.disable();
  }

  protected isLinkFault(error: unknown): boolean {
    return (isTransportError(error) && error.code !== 'BAD_URL') || this.traits.isLinkFault(error);
  }

  /** Refuses an acquisition the device cannot do (McaError BAD_ACQUISITION) without touching it. */
  checkAcquisition({ realTimeS }: McaAcquisitionOptions): void {
    const { min, max } = this.traits.presetRealTimeRangeS;
    if (!(Number.isFinite(realTimeS) && realTimeS >= min && realTimeS <= max)) {
      throw new McaError(`${this.id}: a preset real time of ${realTimeS} s is outside ${min}..${max} s`, 'BAD_ACQUISITION', { instrument: this.id, realTimeS });
    }
  }

  /** The counters and clocks now. */
  readStatus(): Promise<McaStatus> {
    return this.use((device) => device.status());
  }

  /**
   * Clears the MCA, sets the preset real time, enables it and follows it until
   * it has stopped by itself at the preset (polling its status, see
   * MCA_ACQUISITION_DEFAULTS), then reads spectrum and status together and
   * disables it. The spectrum starts when the enable was acknowledged.
   *
   * `signal` cuts the acquisition short: once the MCA was enabled it is
   * disabled at once and what it counted is read and returned, with
   * `status.presetReached` false (the recorder flags it `preset_not_reached`);
   * before that, nothing was counted and the promise rejects with the
   * signal's reason. A device that stops without reaching its preset
   * (disabled by someone else) gives a cut-short acquisition too. A failing
   * link rejects with LINK_LOST (the instrument reconnects and the
   * reconnection disables the MCA); a device that stops counting real time
   * without stopping with McaError ACQUISITION_STALLED.
   */
  async acquire(options: McaAcquisitionOptions, signal: AbortSignal): Promise<McaAcquisition> {
    this.checkAcquisition(options);
    signal.throwIfAborted();
    return this.use(async (device) => {
      await device.clear();
      await device.setPresetRealTime(options.realTimeS);
      signal.throwIfAborted();
      await device.enable();
      const startNs = this.clock.nowNs();
      let stoppedNs: bigint | null;
      try {
        stoppedNs = await this.follow(device, options, startNs, signal);
      } catch (e) {
        // A link fault closes the link and the next connection disables the MCA; anything else must stop it here.
        if (!this.isLinkFault(e)) await device.disable().catch(() => undefined);
        throw e;
      }
      await device.disable();
      const endNs = stoppedNs ?? this.clock.nowNs();
      const { counts, status } = await device.readSpectrum();
      if (counts.length !== this.channels) {
        throw new McaError(`${this.id}: the MCA sent ${counts.length} channels, the lab file says ${this.channels}`, 'CHANNEL_MISMATCH', {
          instrument: this.id,
          channels: counts.length,
          expected: this.channels,
        });
      }
      return {
        spectrum: { counts, liveTimeS: status.liveTimeS, realTimeS: status.realTimeS, startNs, energyCalibrationKeV: this.energyCalibrationKeV },
        endNs,
        status,
      };
    });
  }

  /**
   * Waits (lab time) until the MCA should have reached its preset by its own
   * real time, then polls; each wait is bounded in real time (the bounds
   * times the clock's scale). Resolves with the lab time the MCA was seen
   * stopped, or null once `signal` aborted.
   */
  private async follow(device: McaDevice, options: McaAcquisitionOptions, startNs: bigint, signal: AbortSignal): Promise<bigint | null> {
    const { realTimeS, statusEveryS, onStatus } = options;
    const { minPollRealMs, maxPollRealMs, stallFactor, stallSlackRealMs } = MCA_ACQUISITION_DEFAULTS;
    const scale = this.clock.scale;
    const deadlineMs = nsToMs(startNs) + realTimeS * 1000 * stallFactor + stallSlackRealMs * scale;
    const longestWaitMs = Math.min(maxPollRealMs * scale, statusEveryS === undefined ? Infinity : Math.max(statusEveryS * 1000, minPollRealMs * scale));
    // The first wait is the preset itself (bounded above); after a poll that found the MCA still counting, at least the shortest poll interval.
    let waitMs = realTimeS * 1000;
    for (;;) {
      try {
        await this.clock.sleep(Math.min(waitMs, longestWaitMs), signal);
      } catch (e) {
        if (signal.aborted) return null;
        throw e;
      }
      const status = await device.status();
      if (status.enabled) onStatus?.(status);
      if (status.presetReached || !status.enabled) return this.clock.nowNs();
      if (this.clock.nowMs() > deadlineMs) {
        throw new McaError(`${this.id}: the preset real time of ${realTimeS} s was not reached (the MCA counted ${status.realTimeS} s)`, 'ACQUISITION_STALLED', {
          instrument: this.id,
          realTimeS,
          countedS: status.realTimeS,
        });
      }
      waitMs = Math.max((realTimeS - status.realTimeS) * 1000, minPollRealMs * scale);
    }
  }
}
