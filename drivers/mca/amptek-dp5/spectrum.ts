import { Dp5Error } from './errors.js';
import { encodePacket, pidsText, type Dp5Packet } from './packet.js';
import { decodeStatus, encodeStatus, STATUS_BYTES, type Dp5Status } from './status.js';

/** PID1 of every spectrum reply. */
export const SPECTRUM_REPLY_PID1 = 0x81;
/** Bytes per channel, little-endian: at most 16,777,215 counts. */
export const BYTES_PER_CHANNEL = 3;
export const MAX_CHANNEL_COUNT = 0xffffff;
/** The channel counts a DP5 spectrum may have: 256 (PID2 01/02) doubling to 8192 (0B/0C). */
export const SPECTRUM_CHANNELS = [256, 512, 1024, 2048, 4096, 8192] as const;
export type SpectrumChannels = (typeof SPECTRUM_CHANNELS)[number];

/** A decoded spectrum reply. */
export interface Dp5Spectrum {
  readonly counts: Uint32Array;
  /** The status block sent with it (`02 03` requests), else null. */
  readonly status: Dp5Status | null;
}

export function isSpectrumChannels(channels: number): channels is SpectrumChannels {
  return (SPECTRUM_CHANNELS as readonly number[]).includes(channels);
}

/** What a spectrum reply's PID2 says: odd = counts only, even = with status; 01/02 = 256 channels, ..., 0B/0C = 8192. Null outside 01..0C. */
export function spectrumLayout(pid2: number): { readonly channels: SpectrumChannels; readonly withStatus: boolean } | null {
  if (!Number.isInteger(pid2) || pid2 < 1 || pid2 > 12) return null;
  return { channels: SPECTRUM_CHANNELS[(pid2 - 1) >> 1]!, withStatus: pid2 % 2 === 0 };
}

/** The PID2 of a spectrum reply of `channels` channels. */
export function spectrumPid2(channels: SpectrumChannels, withStatus: boolean): number {
  return 2 * SPECTRUM_CHANNELS.indexOf(channels) + (withStatus ? 2 : 1);
}

/** Decodes a spectrum reply (`81 01`..`81 0C`); BAD_PACKET when the PIDs or the length do not fit one. */
export function decodeSpectrum(packet: Dp5Packet): Dp5Spectrum {
  const layout = packet.pid1 === SPECTRUM_REPLY_PID1 ? spectrumLayout(packet.pid2) : null;
  if (!layout) throw new Dp5Error(`packet ${pidsText(packet.pid1, packet.pid2)} is not a spectrum`, 'BAD_PACKET', { pid1: packet.pid1, pid2: packet.pid2 });
  const { channels, withStatus } = layout;
  const expected = channels * BYTES_PER_CHANNEL + (withStatus ? STATUS_BYTES : 0);
  const { data } = packet;
  if (data.length !== expected) {
    throw new Dp5Error(`a ${channels}-channel spectrum${withStatus ? ' with status' : ''} has ${expected} data bytes, got ${data.length}`, 'BAD_PACKET', {
      pid2: packet.pid2,
      bytes: data.length,
    });
  }
  const counts = new Uint32Array(channels);
  for (let channel = 0, at = 0; channel < channels; channel++, at += BYTES_PER_CHANNEL) {
    counts[channel] = data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16);
  }
  const statusStart = channels * BYTES_PER_CHANNEL;
  return { counts, status: withStatus ? decodeStatus(data.subarray(statusStart, statusStart + STATUS_BYTES)) : null };
}

/**
 * The reply packet of a spectrum (the simulator's side). The channel count
 * must be one a DP5 has and every count fit 3 bytes: a RangeError otherwise,
 * a bug of the caller (the simulator saturates its channels).
 */
export function encodeSpectrumPacket(counts: Uint32Array, status: Dp5Status | null): Uint8Array {
  const channels = counts.length;
  if (!isSpectrumChannels(channels)) throw new RangeError(`a DP5 spectrum has ${SPECTRUM_CHANNELS.join(', ')} channels, not ${channels}`);
  const data = new Uint8Array(channels * BYTES_PER_CHANNEL + (status ? STATUS_BYTES : 0));
  for (let channel = 0, at = 0; channel < channels; channel++, at += BYTES_PER_CHANNEL) {
    const count = counts[channel]!;
    if (count > MAX_CHANNEL_COUNT) throw new RangeError(`channel ${channel} holds ${count} counts, more than 3 bytes carry`);
    data[at] = count & 0xff;
    data[at + 1] = (count >> 8) & 0xff;
    data[at + 2] = count >> 16;
  }
  if (status) data.set(encodeStatus(status), channels * BYTES_PER_CHANNEL);
  return encodePacket(SPECTRUM_REPLY_PID1, spectrumPid2(channels, status !== null), data);
}
