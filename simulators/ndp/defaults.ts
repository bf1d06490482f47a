import type { Dp5Version } from '../../drivers/mca/amptek-dp5/status.js';

/** Settings of the simulated DP5, with where each value comes from. */
export const DP5_SIMULATOR_DEFAULTS = {
  /** What the simulated device reports of itself (status bytes 24-29, 39): a DP5 (device id 0) with made-up versions and serial. */
  identity: {
    deviceId: 0,
    serialNumber: 5_012_345,
    firmwareVersion: { major: 6, minor: 9 } satisfies Dp5Version,
    fpgaVersion: { major: 5, minor: 4 } satisfies Dp5Version,
  },
  /** Detector read-outs in the status: a Si detector cooled to about -50 C under -110 V bias, at room-temperature electronics (typical of Amptek's detectors; made up). */
  detector: { highVoltageV: -110, detectorTemperatureK: 223.1, boardTemperatureC: 31 },
  /** Channels after power-up: 1024, before the host sets MCAC (the host always does). */
  channels: 1024,
  /**
   * Non-paralysable dead time per input event, s: a few times a 1 us peaking
   * time (made up, not a DP5 measurement). At the two-peak source's 3000
   * events/s it costs 0.6 % of live time.
   */
  deadTimeS: 2e-6,
  /**
   * Data bytes of the largest request the simulator takes (text configuration
   * and echoes): above the driver's 512-byte configuration limit. A longer
   * length field is answered with a length error.
   */
  maxRequestDataBytes: 1024,
  /**
   * Reply bytes held for a link that does not take them (a pseudo-terminal
   * nobody reads): a few largest spectra. Past it replies are lost, as from a
   * full transmit buffer; a reading host keeps the queue near empty.
   */
  maxQueuedReplyBytes: 256 * 1024,
  /** Serial speed in the pseudo-terminal URLs the simulator gives out: the DP5's RS-232 speed (DP5_DEFAULTS.baudRate). */
  serialBaud: 115_200,
} as const;
