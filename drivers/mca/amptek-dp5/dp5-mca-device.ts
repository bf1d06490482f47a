import type { McaChannelCount, McaDevice, McaDriverTraits, McaReadout, McaStatus } from '../../../src/kinds/mca/device.js';
import { DP5_DEFAULTS } from '../defaults.js';
import { DP5_LINK_FAULT_CODES, type AmptekDp5 } from './amptek-dp5.js';
import { Dp5Error, isDp5Error } from './errors.js';
import type { Dp5Status } from './status.js';

/** What the MCA instrument knows of the DP5 driver without a link. */
export const DP5_MCA_TRAITS: McaDriverTraits = {
  nativeQuantities: {
    counts: 'Amptek DP5 spectrum (81 xx, 3 bytes per channel)',
    liveTime: 'Amptek DP5 status bytes 16-19 (live time)',
    realTime: 'Amptek DP5 status bytes 20-23 (real time)',
    monitorCounts: 'Amptek DP5 status bytes 8-11 (general-purpose counter)',
    inputCounts: 'Amptek DP5 status bytes 0-3 (fast count)',
  },
  presetRealTimeRangeS: { min: DP5_DEFAULTS.presetRealTimeResolutionS, max: DP5_DEFAULTS.maxPresetRealTimeS },
  isLinkFault: (error) => isDp5Error(error) && DP5_LINK_FAULT_CODES.has(error.code),
};

/**
 * The DP5 driver as the MCA instrument sees it (src/kinds/mca/device.ts):
 * channels and preset as `MCAC=` and `PRET=` text configuration, the
 * spectrum read with its status (`02 03`) so counts and clocks belong to one
 * instant.
 */
export class Dp5McaDevice implements McaDevice {
  constructor(readonly driver: AmptekDp5) {}

  identify(): Promise<object> {
    return this.driver.identify();
  }

  setChannels(channels: McaChannelCount): Promise<void> {
    return this.driver.configure(`MCAC=${channels};`);
  }

  /** `PRET=` with the DP5's 0.1 s resolution; a value that rounds outside the device's range is refused (BAD_CONFIGURATION). */
  setPresetRealTime(seconds: number): Promise<void> {
    const tenths = Math.round(seconds / DP5_DEFAULTS.presetRealTimeResolutionS);
    const { min, max } = DP5_MCA_TRAITS.presetRealTimeRangeS;
    const rounded = tenths * DP5_DEFAULTS.presetRealTimeResolutionS;
    if (!Number.isFinite(seconds) || rounded < min - 1e-9 || rounded > max + 1e-9) {
      return Promise.reject(new Dp5Error(`preset real time ${seconds} s is outside ${min}..${max} s`, 'BAD_CONFIGURATION', { seconds }));
    }
    return this.driver.configure(`PRET=${(tenths / 10).toFixed(1)};`);
  }

  clear(): Promise<void> {
    return this.driver.clear();
  }

  enable(): Promise<void> {
    return this.driver.enable();
  }

  disable(): Promise<void> {
    return this.driver.disable();
  }

  async status(): Promise<McaStatus> {
    return mcaStatus(await this.driver.status());
  }

  async readSpectrum(): Promise<McaReadout> {
    const { counts, status } = await this.driver.spectrum({ withStatus: true });
    // The driver checked the reply carries a status, as asked.
    return { counts, status: mcaStatus(status!) };
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}

export function mcaStatus(status: Dp5Status): McaStatus {
  return {
    monitorCounts: status.generalPurposeCount,
    inputCounts: status.fastCount,
    liveTimeS: status.liveTimeS,
    realTimeS: status.realTimeS,
    accumulationTimeS: status.accumulationTimeS,
    enabled: status.mcaEnabled,
    presetReached: status.presetRealTimeReached,
  };
}
