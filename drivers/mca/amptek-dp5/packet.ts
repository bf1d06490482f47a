import { Dp5Error } from './errors.js';

/**
 * DP5 packets (Amptek DP5 / PX5 / MCA8000D; see PROTOCOL.md beside this file):
 *
 *   F5 FA | PID1 | PID2 | length (2 bytes, MSB first) | data | checksum (2 bytes, MSB first)
 *
 * The checksum is the two's complement of the 16-bit sum of every byte before
 * it: that sum plus the checksum, taken as one 16-bit number, is 0 mod 65536.
 */
export interface Dp5Packet {
  readonly pid1: number;
  readonly pid2: number;
  readonly data: Uint8Array;
}

export const SYNC1 = 0xf5;
export const SYNC2 = 0xfa;
/** Sync, PIDs and length. */
export const HEADER_BYTES = 6;
export const CHECKSUM_BYTES = 2;
/** The length field's range. */
export const MAX_DATA_BYTES = 0xffff;

/** The checksum of `bytes[0..end)`: 0x10000 minus their 16-bit sum, in 16 bits. */
export function packetChecksum(bytes: Uint8Array, end: number = bytes.length): number {
  let sum = 0;
  for (let i = 0; i < end; i++) sum += bytes[i]!;
  return (0x10000 - (sum & 0xffff)) & 0xffff;
}

/** Whether the `total` bytes of a packet starting at `start` sum to 0 with their checksum. */
export function checksumHolds(bytes: Uint8Array, start: number, total: number): boolean {
  const end = start + total - CHECKSUM_BYTES;
  let sum = 0;
  for (let i = start; i < end; i++) sum += bytes[i]!;
  const checksum = (bytes[end]! << 8) | bytes[end + 1]!;
  return ((sum + checksum) & 0xffff) === 0;
}

/** The bytes of a packet. Throws Dp5Error PACKET_TOO_LONG beyond 65535 data bytes, RangeError for a PID outside 0..255. */
export function encodePacket(pid1: number, pid2: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  for (const [name, pid] of [['PID1', pid1], ['PID2', pid2]] as const) {
    if (!Number.isInteger(pid) || pid < 0 || pid > 0xff) throw new RangeError(`${name} must be a byte, got ${pid}`);
  }
  if (data.length > MAX_DATA_BYTES) throw new Dp5Error(`${data.length} data bytes do not fit one DP5 packet (at most ${MAX_DATA_BYTES})`, 'PACKET_TOO_LONG', { bytes: data.length });
  const packet = new Uint8Array(HEADER_BYTES + data.length + CHECKSUM_BYTES);
  packet[0] = SYNC1;
  packet[1] = SYNC2;
  packet[2] = pid1;
  packet[3] = pid2;
  packet[4] = data.length >> 8;
  packet[5] = data.length & 0xff;
  packet.set(data, HEADER_BYTES);
  const checksum = packetChecksum(packet, HEADER_BYTES + data.length);
  packet[HEADER_BYTES + data.length] = checksum >> 8;
  packet[HEADER_BYTES + data.length + 1] = checksum & 0xff;
  return packet;
}

/** `80 01`-style text of a packet's PIDs, for messages. */
export function pidsText(pid1: number, pid2: number): string {
  return `${hex(pid1)} ${hex(pid2)}`;
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}
