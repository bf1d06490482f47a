import { DP5_DEFAULTS } from '../defaults.js';
import { Dp5Error } from './errors.js';
import { checksumHolds, CHECKSUM_BYTES, HEADER_BYTES, MAX_DATA_BYTES, pidsText, SYNC1, SYNC2, type Dp5Packet } from './packet.js';

export type Dp5PacketEvent = { readonly packet: Dp5Packet } | { readonly error: Dp5Error };

/**
 * Bytes to DP5 packets, whatever the chunks (serial reads, TCP segments,
 * datagrams). Pure: no port, no timers.
 *
 * Resynchronises on its own: bytes before a sync (`F5 FA`) are skipped and
 * reported once per run (GARBAGE_SKIPPED); a length field beyond
 * `maxDataBytes` (PACKET_TOO_LONG) or a packet whose checksum fails
 * (BAD_CHECKSUM) is reported once, and the search for a sync goes on one
 * byte after the one it started at (the rest of the bad packet is not
 * reported again), so a false sync inside garbage cannot swallow the real
 * packet behind it for good. The buffer holds at most one packet of
 * the largest size allowed.
 *
 * Why no @serialport/parser-*: the DP5's frames are length-prefixed with a
 * trailing checksum, which none of them (delimiter, readline, inter-byte
 * timeout) frames; and they are Transform streams, where this sits in an
 * RxJS pipeline and in the simulator.
 */
export class Dp5PacketParser {
  private readonly buffer: Uint8Array;
  private length = 0;
  /**
   * Bytes before this index belong to a packet already reported bad: the
   * search for the next sync passes over them without reporting them again
   * as garbage, so one bad packet is one error (a device answers it once).
   */
  private quietTo = 0;
  private readonly maxDataBytes: number;

  constructor(maxDataBytes: number = DP5_DEFAULTS.maxReplyDataBytes) {
    if (!Number.isInteger(maxDataBytes) || maxDataBytes < 0 || maxDataBytes > MAX_DATA_BYTES) throw new RangeError(`maxDataBytes must be 0..${MAX_DATA_BYTES}, got ${maxDataBytes}`);
    this.maxDataBytes = maxDataBytes;
    this.buffer = new Uint8Array(HEADER_BYTES + maxDataBytes + CHECKSUM_BYTES);
  }

  /** Bytes held: at most one packet of the largest size. */
  get buffered(): number {
    return this.length;
  }

  push(chunk: Uint8Array): Dp5PacketEvent[] {
    const events: Dp5PacketEvent[] = [];
    let offset = 0;
    // Chunks larger than the room left are taken in parts: every part ends in a scan that frees room.
    while (offset < chunk.length) {
      const take = Math.min(chunk.length - offset, this.buffer.length - this.length);
      this.buffer.set(chunk.subarray(offset, offset + take), this.length);
      this.length += take;
      offset += take;
      this.scan(events);
    }
    return events;
  }

  /** Forgets what is buffered (a new request: anything older is stale). */
  reset(): void {
    this.length = 0;
    this.quietTo = 0;
  }

  private scan(events: Dp5PacketEvent[]): void {
    const b = this.buffer;
    let pos = 0;
    let skipped = 0;
    const flushSkipped = () => {
      if (skipped === 0) return;
      events.push({ error: new Dp5Error(`${skipped} bytes outside any packet skipped`, 'GARBAGE_SKIPPED', { bytes: skipped }) });
      skipped = 0;
    };
    for (;;) {
      const sync = this.findSync(pos);
      skipped += Math.max(0, sync - Math.max(pos, this.quietTo));
      pos = sync;
      if (this.length - pos < HEADER_BYTES) break;
      const dataBytes = (b[pos + 4]! << 8) | b[pos + 5]!;
      if (dataBytes > this.maxDataBytes) {
        flushSkipped();
        events.push({ error: new Dp5Error(`length field ${dataBytes} beyond the ${this.maxDataBytes} bytes a packet may carry`, 'PACKET_TOO_LONG', { bytes: dataBytes }) });
        this.quietTo = pos + HEADER_BYTES;
        pos += 1;
        continue;
      }
      const total = HEADER_BYTES + dataBytes + CHECKSUM_BYTES;
      if (this.length - pos < total) break;
      flushSkipped();
      if (!checksumHolds(b, pos, total)) {
        events.push({ error: new Dp5Error(`packet ${pidsText(b[pos + 2]!, b[pos + 3]!)} of ${dataBytes} data bytes has a bad checksum`, 'BAD_CHECKSUM', { pid1: b[pos + 2], pid2: b[pos + 3], bytes: dataBytes }) });
        this.quietTo = pos + total;
        pos += 1;
        continue;
      }
      events.push({ packet: { pid1: b[pos + 2]!, pid2: b[pos + 3]!, data: b.slice(pos + HEADER_BYTES, pos + HEADER_BYTES + dataBytes) } });
      pos += total;
    }
    flushSkipped();
    b.copyWithin(0, pos, this.length);
    this.length -= pos;
    this.quietTo = Math.max(0, this.quietTo - pos);
  }

  /**
   * Where the next sync starts at or after `from`; a lone `F5` at the very end
   * may be the first half of one and is kept. Without a sync: the end.
   */
  private findSync(from: number): number {
    const b = this.buffer;
    for (let i = from; i < this.length; i++) {
      if (b[i] !== SYNC1) continue;
      if (i + 1 === this.length || b[i + 1] === SYNC2) return i;
    }
    return this.length;
  }
}
