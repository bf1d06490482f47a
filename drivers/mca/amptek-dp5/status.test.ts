import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDp5Error } from './errors.js';
import { decodeStatus, deviceType, encodeStatus, STATUS_BYTES, versionText, type Dp5Status } from './status.js';

/** A status block written byte by byte from the layout in PROTOCOL.md. */
function handMadeStatus(): Uint8Array {
  const b = new Uint8Array(STATUS_BYTES);
  b.set([0x10, 0x27, 0x00, 0x00], 0); // fast count 10000
  b.set([0xe8, 0x03, 0x00, 0x00], 4); // slow count 1000
  b.set([0x39, 0x30, 0x00, 0x00], 8); // general-purpose count 12345
  b.set([42, 0x58, 0x02, 0x00], 12); // accumulation 42 ms + 600 x 100 ms = 60.042 s
  b.set([0x60, 0xea, 0x00, 0x00], 16); // live time 60000 ms
  b.set([0x6a, 0xea, 0x00, 0x00], 20); // real time 60010 ms
  b[24] = 0x69; // firmware 6.09
  b[25] = 0x54; // FPGA 5.04
  b.set([0x40, 0xe2, 0x01, 0x00], 26); // serial 123456
  b.set([0xfc, 0x18], 30); // HV -500 V: -1000 half-volts, big-endian
  b.set([0x08, 0xe8], 32); // detector 0x8E8 = 2280 -> 228.0 K
  b[34] = 0xe7; // board -25 C
  b[35] = 0x80 | 0x10; // preset real time and preset count reached, MCA disabled
  b[39] = 1; // PX5
  return b;
}

const statusArbitrary: fc.Arbitrary<Dp5Status> = fc.record({
  fastCount: fc.integer({ min: 0, max: 0xffffffff }),
  slowCount: fc.integer({ min: 0, max: 0xffffffff }),
  generalPurposeCount: fc.integer({ min: 0, max: 0xffffffff }),
  accumulationTimeS: fc.integer({ min: 0, max: 99 + 100 * 0xffffff }).map((ms) => ms / 1000),
  liveTimeS: fc.integer({ min: 0, max: 0xffffffff }).map((ms) => ms / 1000),
  realTimeS: fc.integer({ min: 0, max: 0xffffffff }).map((ms) => ms / 1000),
  firmwareVersion: fc.record({ major: fc.integer({ min: 0, max: 15 }), minor: fc.integer({ min: 0, max: 15 }) }),
  fpgaVersion: fc.record({ major: fc.integer({ min: 0, max: 15 }), minor: fc.integer({ min: 0, max: 15 }) }),
  serialNumber: fc.integer({ min: 0, max: 0xffffffff }),
  highVoltageV: fc.integer({ min: -0x8000, max: 0x7fff }).map((h) => h / 2),
  detectorTemperatureK: fc.integer({ min: 0, max: 0xfff }).map((t) => t / 10),
  boardTemperatureC: fc.integer({ min: -128, max: 127 }),
  presetRealTimeReached: fc.boolean(),
  mcaEnabled: fc.boolean(),
  presetCountReached: fc.boolean(),
  deviceId: fc.integer({ min: 0, max: 255 }),
});

describe('DP5 status block', () => {
  it('decodes every field of the documented layout', () => {
    const status = decodeStatus(handMadeStatus());
    expect(status).toEqual({
      fastCount: 10000,
      slowCount: 1000,
      generalPurposeCount: 12345,
      accumulationTimeS: 60.042,
      liveTimeS: 60,
      realTimeS: 60.01,
      firmwareVersion: { major: 6, minor: 9 },
      fpgaVersion: { major: 5, minor: 4 },
      serialNumber: 123456,
      highVoltageV: -500,
      detectorTemperatureK: 228,
      boardTemperatureC: -25,
      presetRealTimeReached: true,
      mcaEnabled: false,
      presetCountReached: true,
      deviceId: 1,
    });
    expect(versionText(status.firmwareVersion)).toBe('6.09');
    expect(deviceType(status.deviceId)).toBe('PX5');
    expect(deviceType(0)).toBe('DP5');
    expect(deviceType(9)).toBeNull();
  });

  it('encodes the hand-made block back to the same bytes', () => {
    expect(encodeStatus(decodeStatus(handMadeStatus()))).toEqual(handMadeStatus());
  });

  it('round-trips every status whose fields fit their bytes', () => {
    fc.assert(
      fc.property(statusArbitrary, (status) => {
        expect(decodeStatus(encodeStatus(status))).toEqual(status);
      }),
    );
  });

  it('decodes any 64 bytes into finite fields (a reserved byte set changes nothing) and refuses other lengths as BAD_PACKET', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (bytes) => {
        const status = decodeStatus(bytes);
        for (const value of Object.values(status)) if (typeof value === 'number') expect(Number.isFinite(value)).toBe(true);
        expect(status.accumulationTimeS).toBeGreaterThanOrEqual(0);
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }).filter((b) => b.length !== 64), (bytes) => {
        let caught: unknown;
        try {
          decodeStatus(bytes);
        } catch (e) {
          caught = e;
        }
        expect(isDp5Error(caught, 'BAD_PACKET')).toBe(true);
      }),
    );
  });

  it('refuses to encode a field that does not fit its bytes (a caller bug)', () => {
    const status = decodeStatus(handMadeStatus());
    expect(() => encodeStatus({ ...status, fastCount: 2 ** 32 })).toThrow(RangeError);
    expect(() => encodeStatus({ ...status, detectorTemperatureK: 410 })).toThrow(RangeError);
    expect(() => encodeStatus({ ...status, firmwareVersion: { major: 16, minor: 0 } })).toThrow(RangeError);
  });
});
