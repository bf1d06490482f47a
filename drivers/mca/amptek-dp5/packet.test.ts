import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDp5Error } from './errors.js';
import { checksumHolds, encodePacket, packetChecksum } from './packet.js';
import { Dp5PacketParser } from './packet-parser.js';
import { DOCUMENTED_FRAMES, hexBytes } from './documented-frames.test-support.js';

const hex = hexBytes;

describe('DP5 packet codec', () => {
  it.each(DOCUMENTED_FRAMES)('encodes the documented $what frame byte for byte', ({ bytes, pid1, pid2, data }) => {
    expect(encodePacket(pid1, pid2, new Uint8Array(Buffer.from(data, 'latin1')))).toEqual(hex(bytes));
  });

  it.each(DOCUMENTED_FRAMES)('frames and checks the documented $what frame', ({ bytes, pid1, pid2, data }) => {
    const frame = hex(bytes);
    expect(checksumHolds(frame, 0, frame.length)).toBe(true);
    // The checksum is 0x10000 minus the 16-bit sum of the bytes before it.
    expect(packetChecksum(frame, frame.length - 2)).toBe((frame[frame.length - 2]! << 8) | frame[frame.length - 1]!);
    expect(new Dp5PacketParser().push(frame)).toEqual([{ packet: { pid1, pid2, data: new Uint8Array(Buffer.from(data, 'latin1')) } }]);
  });

  it('makes every packet sum to 0 mod 65536 with its checksum, and any one flipped bit breaks it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 600 }), fc.nat(), fc.integer({ min: 0, max: 7 }), (pid1, pid2, data, at, bit) => {
        const packet = encodePacket(pid1, pid2, data);
        expect(packet.length).toBe(data.length + 8);
        expect(checksumHolds(packet, 0, packet.length)).toBe(true);
        const flipped = packet.slice();
        flipped[at % packet.length]! ^= 1 << bit;
        expect(checksumHolds(flipped, 0, flipped.length)).toBe(false);
      }),
    );
  });

  it('refuses data beyond the 16-bit length field (PACKET_TOO_LONG) and PIDs that are not bytes', () => {
    let caught: unknown;
    try {
      encodePacket(0x20, 0x02, new Uint8Array(0x10000));
    } catch (e) {
      caught = e;
    }
    expect(isDp5Error(caught, 'PACKET_TOO_LONG')).toBe(true);
    expect(() => encodePacket(256, 0)).toThrow(RangeError);
    expect(() => encodePacket(1, -1)).toThrow(RangeError);
  });
});
