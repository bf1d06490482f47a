/**
 * What the MCA instrument needs of a multichannel analyser, whatever its
 * protocol: the Amptek DP5 driver implements it through
 * `drivers/mca/amptek-dp5/dp5-mca-device.ts`. Times in seconds, counts as
 * the device counts them.
 */

/** The channel counts an MCA spectrum may have in the lab file: powers of two from 256 to 8192. */
export const MCA_CHANNEL_COUNTS = [256, 512, 1024, 2048, 4096, 8192] as const;
export type McaChannelCount = (typeof MCA_CHANNEL_COUNTS)[number];
export const DEFAULT_MCA_CHANNELS: McaChannelCount = 4096;

/** The MCA's counters and clocks now. */
export interface McaStatus {
  /** The general-purpose counter since the last clear: in an NDP set-up a neutron beam monitor is wired to it. */
  readonly monitorCounts: number;
  /** Events seen at the input (the fast channel) since the last clear, those lost to dead time included. */
  readonly inputCounts: number;
  /** Seconds counted without dead time since the last clear. */
  readonly liveTimeS: number;
  /** Seconds counted since the last clear: what the preset real time ends. */
  readonly realTimeS: number;
  /** Seconds the MCA accumulated since the last clear. */
  readonly accumulationTimeS: number;
  /** The MCA is accumulating. */
  readonly enabled: boolean;
  /** The preset real time was reached (the MCA then stops on its own). */
  readonly presetReached: boolean;
}

/** A spectrum read together with the status of the same instant. */
export interface McaReadout {
  readonly counts: Uint32Array;
  readonly status: McaStatus;
}

/** What the device calls each quantity it delivers, for the stream descriptor. */
export interface McaNativeQuantities {
  readonly counts: string;
  readonly liveTime: string;
  readonly realTime: string;
  readonly monitorCounts: string;
  readonly inputCounts: string;
}

/**
 * What the instrument knows of a driver without a link: how its stream is
 * described, what it can be asked, and which of its errors mean the link
 * (not the request) failed. The kind's connect.ts gives the driver's.
 */
export interface McaDriverTraits {
  readonly nativeQuantities: McaNativeQuantities;
  /** The preset real times the device takes (s). */
  readonly presetRealTimeRangeS: { readonly min: number; readonly max: number };
  /** A driver error meaning the link failed (garbled or lost replies, a device that stays busy); transport errors are link faults anyway. */
  isLinkFault(error: unknown): boolean;
}

export interface McaDevice {
  /** Model, serial number, firmware: what run-start records. */
  identify(): Promise<object>;
  /** Sets the number of channels of the spectrum. */
  setChannels(channels: McaChannelCount): Promise<void>;
  /** Sets the preset real time: the device stops accumulating by itself once it has counted that long. */
  setPresetRealTime(seconds: number): Promise<void>;
  /** Spectrum, counters and clocks to zero. */
  clear(): Promise<void>;
  /** Starts accumulating. */
  enable(): Promise<void>;
  /** Stops accumulating (the safe state: nothing changes on the device until the next acquisition). */
  disable(): Promise<void>;
  status(): Promise<McaStatus>;
  /** The spectrum and the status, in one exchange. */
  readSpectrum(): Promise<McaReadout>;
  close(): Promise<void>;
}
