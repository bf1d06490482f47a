import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc16Modbus, encodeRtuFrame, ModbusFrameError, RtuRequestFramer, type RtuFrame, type RtuFramerOutput } from './modbus-rtu-framing.js';

/** Request PDUs the framer knows the length of: FC 1-6 (4 data bytes) and FC 15/16 (with a byte count). */
const requestPdu = fc.oneof(
  fc.tuple(fc.integer({ min: 1, max: 6 }), fc.uint8Array({ minLength: 4, maxLength: 4 })).map(([fcode, data]) => Uint8Array.from([fcode, ...data])),
  fc
    .tuple(fc.constantFrom(15, 16), fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.uint8Array({ minLength: 0, maxLength: 246 }))
    .map(([fcode, header, data]) => Uint8Array.from([fcode, ...header, data.length, ...data])),
);

const requestFrame = (unit: fc.Arbitrary<number>): fc.Arbitrary<RtuFrame> => fc.record({ unit, pdu: requestPdu });

/** Splits `bytes` at the given cut points (any chunking a serial line or socket might produce). */
function chunk(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let start = 0;
  for (const p of [...points, bytes.length]) {
    pieces.push(bytes.subarray(start, p));
    start = p;
  }
  return pieces;
}

function concat(parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

function frames(outputs: RtuFramerOutput[]): RtuFrame[] {
  return outputs.flatMap((o) => (o.kind === 'frame' ? [o.frame] : []));
}

describe('RtuRequestFramer', () => {
  it('gives back any sequence of valid request frames, however the bytes are chunked', () => {
    fc.assert(
      fc.property(fc.array(requestFrame(fc.integer({ min: 0, max: 247 })), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 20 }), (sent, cuts) => {
        const framer = new RtuRequestFramer();
        const outputs = chunk(concat(sent.map(encodeRtuFrame)), cuts).flatMap((piece) => framer.push(piece));
        expect(outputs.every((o) => o.kind === 'frame')).toBe(true);
        expect(frames(outputs)).toEqual(sent);
      }),
    );
  });

  it('hunts past garbage to the next frame and reports what it skipped', () => {
    // Garbage and unit bytes >= 0x80 are no function code, so no false frame can start inside the garbage.
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 30 }).map((g) => g.map((b) => b | 0x80)), requestFrame(fc.integer({ min: 0x80, max: 247 })), (garbage, sent) => {
        const outputs = new RtuRequestFramer().push(concat([garbage, encodeRtuFrame(sent)]));
        expect(frames(outputs)).toEqual([sent]);
        const errors = outputs.flatMap((o) => (o.kind === 'error' ? [o.error] : []));
        expect(errors.map((e) => [e.code, e.context.bytes])).toEqual([['UNKNOWN_FUNCTION', garbage.length]]);
      }),
    );
  });

  it('skips a frame with a bad CRC', () => {
    const good = encodeRtuFrame({ unit: 1, pdu: Uint8Array.of(3, 0, 1, 0, 1) });
    const bad = good.slice();
    bad[7]! ^= 0xff;
    const outputs = new RtuRequestFramer().push(concat([bad, good]));
    expect(frames(outputs)).toEqual([{ unit: 1, pdu: Uint8Array.of(3, 0, 1, 0, 1) }]);
    expect(outputs[0]).toMatchObject({ kind: 'error', error: { code: 'BAD_CRC' } });
  });

  it('turns random bytes into frames with a valid CRC or typed errors, never an exception', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 16 }), (chunks) => {
        const framer = new RtuRequestFramer();
        for (const piece of chunks) {
          for (const output of framer.push(piece)) {
            if (output.kind === 'error') expect(output.error).toBeInstanceOf(ModbusFrameError);
            else expect(crc16Modbus(encodeRtuFrame(output.frame))).toBe(0);
          }
        }
      }),
    );
  });
});
