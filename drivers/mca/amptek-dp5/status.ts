import { Dp5Error } from './errors.js';

/** The status block: the data of a status reply (`80 01`) and the tail of a spectrum-with-status reply. */
export const STATUS_BYTES = 64;

/** The device family by the status' device id (byte 39). */
export const DP5_DEVICE_TYPES = ['DP5', 'PX5', 'DP5G', 'MCA8000D'] as const;
export type Dp5DeviceType = (typeof DP5_DEVICE_TYPES)[number];

/** A version byte: major in the high nibble, minor in the low one (shown as `6.09`; unverified against Amptek's tools). */
export interface Dp5Version {
  readonly major: number;
  readonly minor: number;
}

/** A decoded status block (PROTOCOL.md, "Status"). Times have the device's 1 ms resolution. */
export interface Dp5Status {
  /** Events seen by the fast channel (the input count), bytes 0-3. */
  readonly fastCount: number;
  /** Events processed into the spectrum by the slow channel, bytes 4-7. */
  readonly slowCount: number;
  /** The general-purpose counter (an external input, e.g. a neutron monitor), bytes 8-11. */
  readonly generalPurposeCount: number;
  /** Time the MCA has accumulated, bytes 12-15 (byte 12 in ms, bytes 13-15 in 100 ms). */
  readonly accumulationTimeS: number;
  /** Live time (accumulation without dead time), bytes 16-19, ms. */
  readonly liveTimeS: number;
  /** Real time, bytes 20-23, ms: what the preset real time (`PRET`) counts. */
  readonly realTimeS: number;
  readonly firmwareVersion: Dp5Version;
  readonly fpgaVersion: Dp5Version;
  /** Bytes 26-29. */
  readonly serialNumber: number;
  /** Detector high voltage, bytes 30-31 (big-endian, signed, 0.5 V steps). */
  readonly highVoltageV: number;
  /** Detector temperature, bytes 32-33 (12 bits big-endian, 0.1 K steps). */
  readonly detectorTemperatureK: number;
  /** Board temperature, byte 34 (signed, whole degrees Celsius). */
  readonly boardTemperatureC: number;
  /** Byte 35 bit 7. */
  readonly presetRealTimeReached: boolean;
  /** Byte 35 bit 5. */
  readonly mcaEnabled: boolean;
  /** Byte 35 bit 4. */
  readonly presetCountReached: boolean;
  /** Byte 39. */
  readonly deviceId: number;
}

const FLAG_PRESET_REAL_TIME = 0x80;
const FLAG_MCA_ENABLED = 0x20;
const FLAG_PRESET_COUNT = 0x10;

/** The family of a device id, or null for an id this driver does not know. */
export function deviceType(deviceId: number): Dp5DeviceType | null {
  return DP5_DEVICE_TYPES[deviceId] ?? null;
}

export function versionText(version: Dp5Version): string {
  return `${version.major}.${String(version.minor).padStart(2, '0')}`;
}

/** Decodes a 64-byte status block; BAD_PACKET for any other length. */
export function decodeStatus(bytes: Uint8Array): Dp5Status {
  if (bytes.length !== STATUS_BYTES) throw new Dp5Error(`a status block has ${STATUS_BYTES} bytes, got ${bytes.length}`, 'BAD_PACKET', { bytes: bytes.length });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (at: number) => view.getUint32(at, true);
  const flags = bytes[35]!;
  return {
    fastCount: u32(0),
    slowCount: u32(4),
    generalPurposeCount: u32(8),
    accumulationTimeS: (bytes[12]! + 100 * (bytes[13]! | (bytes[14]! << 8) | (bytes[15]! << 16))) / 1000,
    liveTimeS: u32(16) / 1000,
    realTimeS: u32(20) / 1000,
    firmwareVersion: versionOf(bytes[24]!),
    fpgaVersion: versionOf(bytes[25]!),
    serialNumber: u32(26),
    highVoltageV: view.getInt16(30, false) * 0.5,
    detectorTemperatureK: (((bytes[32]! & 0x0f) << 8) | bytes[33]!) / 10,
    boardTemperatureC: view.getInt8(34),
    presetRealTimeReached: (flags & FLAG_PRESET_REAL_TIME) !== 0,
    mcaEnabled: (flags & FLAG_MCA_ENABLED) !== 0,
    presetCountReached: (flags & FLAG_PRESET_COUNT) !== 0,
    deviceId: bytes[39]!,
  };
}

/**
 * The status block of a status (the simulator's side). Every field must fit
 * its bytes (counts 32-bit, times whole ms within 32 bits, versions in
 * nibbles, the temperatures and voltage in range): a RangeError otherwise,
 * a bug of the caller, never data. Bytes the layout does not use are 0.
 */
export function encodeStatus(status: Dp5Status): Uint8Array {
  const bytes = new Uint8Array(STATUS_BYTES);
  const view = new DataView(bytes.buffer);
  const u32 = (at: number, name: string, value: number) => view.setUint32(at, whole(name, value, 0, 0xffffffff), true);
  u32(0, 'fastCount', status.fastCount);
  u32(4, 'slowCount', status.slowCount);
  u32(8, 'generalPurposeCount', status.generalPurposeCount);
  const accumulationMs = whole('accumulationTimeS', Math.round(status.accumulationTimeS * 1000), 0, 99 + 100 * 0xffffff);
  const hundreds = Math.floor(accumulationMs / 100);
  bytes[12] = accumulationMs - hundreds * 100;
  bytes[13] = hundreds & 0xff;
  bytes[14] = (hundreds >> 8) & 0xff;
  bytes[15] = (hundreds >> 16) & 0xff;
  u32(16, 'liveTimeS', Math.round(status.liveTimeS * 1000));
  u32(20, 'realTimeS', Math.round(status.realTimeS * 1000));
  bytes[24] = versionByte('firmwareVersion', status.firmwareVersion);
  bytes[25] = versionByte('fpgaVersion', status.fpgaVersion);
  u32(26, 'serialNumber', status.serialNumber);
  view.setInt16(30, whole('highVoltageV', Math.round(status.highVoltageV * 2), -0x8000, 0x7fff), false);
  const detector = whole('detectorTemperatureK', Math.round(status.detectorTemperatureK * 10), 0, 0x0fff);
  bytes[32] = detector >> 8;
  bytes[33] = detector & 0xff;
  view.setInt8(34, whole('boardTemperatureC', status.boardTemperatureC, -128, 127));
  bytes[35] = (status.presetRealTimeReached ? FLAG_PRESET_REAL_TIME : 0) | (status.mcaEnabled ? FLAG_MCA_ENABLED : 0) | (status.presetCountReached ? FLAG_PRESET_COUNT : 0);
  bytes[39] = whole('deviceId', status.deviceId, 0, 0xff);
  return bytes;
}

function versionOf(byte: number): Dp5Version {
  return { major: byte >> 4, minor: byte & 0x0f };
}

function versionByte(name: string, version: Dp5Version): number {
  return (whole(`${name}.major`, version.major, 0, 15) << 4) | whole(`${name}.minor`, version.minor, 0, 15);
}

function whole(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`status ${name} must be an integer ${min}..${max}, got ${value}`);
  return value;
}
