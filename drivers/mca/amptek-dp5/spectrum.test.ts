import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDp5Error } from './errors.js';
import { encodePacket } from './packet.js';
import { Dp5PacketParser } from './packet-parser.js';
import { decodeSpectrum, encodeSpectrumPacket, MAX_CHANNEL_COUNT, SPECTRUM_CHANNELS, spectrumLayout, spectrumPid2 } from './spectrum.js';
import { decodeStatus, encodeStatus, STATUS_BYTES } from './status.js';

const STATUS = decodeStatus(new Uint8Array(STATUS_BYTES).fill(0x11));

describe('DP5 spectrum replies', () => {
  it.each([
    [0x01, 256, false],
    [0x02, 256, true],
    [0x03, 512, false],
    [0x04, 512, true],
    [0x05, 1024, false],
    [0x06, 1024, true],
    [0x07, 2048, false],
    [0x08, 2048, true],
    [0x09, 4096, false],
    [0x0a, 4096, true],
    [0x0b, 8192, false],
    [0x0c, 8192, true],
  ] as const)('81 %i carries %i channels, status %s', (pid2, channels, withStatus) => {
    expect(spectrumLayout(pid2)).toEqual({ channels, withStatus });
    expect(spectrumPid2(channels, withStatus)).toBe(pid2);
  });

  it('knows no spectrum outside 81 01..0C', () => {
    expect(spectrumLayout(0)).toBeNull();
    expect(spectrumLayout(13)).toBeNull();
  });

  it('reads 3 bytes per channel, little-endian, then the status', () => {
    const data = new Uint8Array(256 * 3 + STATUS_BYTES);
    data.set([0x01, 0x00, 0x00], 0); // channel 0: 1
    data.set([0x00, 0x01, 0x00], 3); // channel 1: 256
    data.set([0x00, 0x00, 0x01], 6); // channel 2: 65536
    data.set([0xff, 0xff, 0xff], 255 * 3); // channel 255: 16777215
    data.set(encodeStatus(STATUS), 256 * 3);
    const [event] = new Dp5PacketParser().push(encodePacket(0x81, 0x02, data));
    const spectrum = decodeSpectrum((event as { packet: Parameters<typeof decodeSpectrum>[0] }).packet);
    expect([...spectrum.counts.subarray(0, 4)]).toEqual([1, 256, 65536, 0]);
    expect(spectrum.counts[255]).toBe(MAX_CHANNEL_COUNT);
    expect(spectrum.status).toEqual(STATUS);
  });

  it('round-trips counts of every channel count, with and without status', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: SPECTRUM_CHANNELS.length - 1 }).map((i) => SPECTRUM_CHANNELS[i]!), fc.boolean(), fc.nat(), (channels, withStatus, seed) => {
        const counts = new Uint32Array(channels);
        for (let i = 0; i < channels; i++) counts[i] = (seed * 2654435761 + i * 40503) % (MAX_CHANNEL_COUNT + 1);
        const [event] = new Dp5PacketParser().push(encodeSpectrumPacket(counts, withStatus ? STATUS : null));
        expect(event && 'packet' in event).toBe(true);
        const decoded = decodeSpectrum((event as { packet: Parameters<typeof decodeSpectrum>[0] }).packet);
        expect(decoded.counts).toEqual(counts);
        expect(decoded.status).toEqual(withStatus ? STATUS : null);
      }),
      { numRuns: 30 },
    );
  });

  it('refuses data whose length does not fit the PID2, and packets that are no spectrum, as BAD_PACKET', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 1000 }), (pid1, pid2, data) => {
        try {
          const spectrum = decodeSpectrum({ pid1, pid2, data });
          expect(pid1).toBe(0x81);
          expect(spectrum.counts.length).toBe(spectrumLayout(pid2)!.channels);
        } catch (e) {
          expect(isDp5Error(e, 'BAD_PACKET')).toBe(true);
        }
      }),
    );
  });

  it('will not encode a channel count no DP5 has, nor a count beyond 3 bytes', () => {
    expect(() => encodeSpectrumPacket(new Uint32Array(300), null)).toThrow(RangeError);
    const counts = new Uint32Array(256);
    counts[7] = MAX_CHANNEL_COUNT + 1;
    expect(() => encodeSpectrumPacket(counts, null)).toThrow(RangeError);
  });
});
