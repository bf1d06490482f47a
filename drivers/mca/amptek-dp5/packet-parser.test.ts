import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDp5Error, type Dp5ErrorCode } from './errors.js';
import { encodePacket, type Dp5Packet } from './packet.js';
import { Dp5PacketParser, type Dp5PacketEvent } from './packet-parser.js';

const packetArbitrary = fc.record({ pid1: fc.integer({ min: 0, max: 255 }), pid2: fc.integer({ min: 0, max: 255 }), data: fc.uint8Array({ maxLength: 300 }) });

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Feeds `bytes` cut at `cuts` and returns every event. */
function feed(parser: Dp5PacketParser, bytes: Uint8Array, cuts: readonly number[] = []): Dp5PacketEvent[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const events: Dp5PacketEvent[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    for (const event of parser.push(bytes.subarray(from, point))) events.push(event);
    from = point;
  }
  return events;
}

const packetsOf = (events: Dp5PacketEvent[]): Dp5Packet[] => events.flatMap((e) => ('packet' in e ? [e.packet] : []));
const codesOf = (events: Dp5PacketEvent[]): Dp5ErrorCode[] => events.flatMap((e) => ('error' in e ? [e.error.code] : []));

describe('Dp5PacketParser', () => {
  it('gives the same packets however the bytes are cut into chunks, with no error', () => {
    fc.assert(
      fc.property(fc.array(packetArbitrary, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 12 }), (packets, cuts) => {
        const events = feed(new Dp5PacketParser(), concat(packets.map((p) => encodePacket(p.pid1, p.pid2, p.data))), cuts);
        expect(codesOf(events)).toEqual([]);
        expect(packetsOf(events)).toEqual(packets);
      }),
    );
  });

  it('skips garbage between packets, reports it once per run, and finds the packets behind it', () => {
    const status = encodePacket(0x80, 0x01, new Uint8Array(64).fill(3));
    const ack = encodePacket(0xff, 0x00);
    const events = feed(new Dp5PacketParser(), concat([new Uint8Array([0x00, 0xf5, 0x13, 0xfa]), status, new Uint8Array([0x41, 0x42]), ack]));
    expect(events.map((e) => ('packet' in e ? `${e.packet.pid1}/${e.packet.pid2}` : `${e.error.code} ${e.error.context.bytes}`))).toEqual([
      'GARBAGE_SKIPPED 4',
      '128/1',
      'GARBAGE_SKIPPED 2',
      '255/0',
    ]);
  });

  it('reports a packet with a bad checksum once and resynchronises on the next one', () => {
    const bad = encodePacket(0x80, 0x01, new Uint8Array(64));
    bad[20]! ^= 0x40;
    const good = encodePacket(0x8f, 0x7f, new Uint8Array([1, 2, 3]));
    const events = feed(new Dp5PacketParser(), concat([bad, good]));
    expect(codesOf(events)).toEqual(['BAD_CHECKSUM']);
    expect(packetsOf(events)).toEqual([{ pid1: 0x8f, pid2: 0x7f, data: new Uint8Array([1, 2, 3]) }]);
  });

  it('reports a length field beyond its bound at once (PACKET_TOO_LONG) without waiting for the bytes, and goes on', () => {
    const parser = new Dp5PacketParser(100);
    const events = feed(parser, concat([new Uint8Array([0xf5, 0xfa, 0x81, 0x0c, 0x60, 0x40]), encodePacket(0xff, 0x00)]));
    expect(codesOf(events)).toEqual(['PACKET_TOO_LONG']);
    expect(packetsOf(events)).toEqual([{ pid1: 0xff, pid2: 0x00, data: new Uint8Array(0) }]);
  });

  it('is not kept waiting for good by a false sync inside garbage: a bad checksum ends the wait and the real packet behind is found', () => {
    // "F5 FA .. .. 00 05" in the garbage promises five data bytes that are really the start of the next packet.
    const ack = encodePacket(0xff, 0x00);
    const events = feed(new Dp5PacketParser(), concat([new Uint8Array([0xf5, 0xfa, 0x01, 0x01, 0x00, 0x05]), ack, ack]));
    expect(codesOf(events)).toEqual(['BAD_CHECKSUM']);
    expect(packetsOf(events)).toEqual([ack, ack].map(() => ({ pid1: 0xff, pid2: 0x00, data: new Uint8Array(0) })));
  });

  it('keeps a lone F5 at the end of a chunk as the possible start of a sync', () => {
    const parser = new Dp5PacketParser();
    const ack = encodePacket(0xff, 0x00);
    expect(parser.push(ack.subarray(0, 1))).toEqual([]);
    expect(parser.push(ack.subarray(1))).toEqual([{ packet: { pid1: 0xff, pid2: 0x00, data: new Uint8Array(0) } }]);
  });

  it('forgets a partial packet on reset', () => {
    const parser = new Dp5PacketParser();
    const ack = encodePacket(0xff, 0x00);
    parser.push(ack.subarray(0, 5));
    parser.reset();
    expect(parser.buffered).toBe(0);
    expect(packetsOf(parser.push(ack))).toEqual([{ pid1: 0xff, pid2: 0x00, data: new Uint8Array(0) }]);
  });

  it('turns any bytes into packets or typed errors, never a throw, and never holds more than one largest packet', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.uint8Array({ maxLength: 400 }), packetArbitrary.map((p) => encodePacket(p.pid1, p.pid2, p.data))), { maxLength: 12 }), (chunks) => {
        const parser = new Dp5PacketParser(256);
        for (const chunk of chunks) {
          for (const event of parser.push(chunk)) {
            if ('packet' in event) expect(event.packet.data.length).toBeLessThanOrEqual(256);
            else expect(isDp5Error(event.error) && ['GARBAGE_SKIPPED', 'BAD_CHECKSUM', 'PACKET_TOO_LONG'].includes(event.error.code)).toBe(true);
          }
          expect(parser.buffered).toBeLessThanOrEqual(256 + 8);
        }
      }),
    );
  });

  it('finds every packet that follows garbage containing no sync byte', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }).map((g) => g.map((b) => (b === 0xf5 ? 0 : b))), packetArbitrary, (garbage, p) => {
        const events = feed(new Dp5PacketParser(), concat([garbage, encodePacket(p.pid1, p.pid2, p.data)]));
        expect(packetsOf(events)).toEqual([p]);
        expect(codesOf(events)).toEqual(garbage.length > 0 ? ['GARBAGE_SKIPPED'] : []);
      }),
    );
  });
});
