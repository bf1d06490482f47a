import { OperandoError } from '../../../src/core/errors.js';

/**
 * Modbus RTU framing (pure, no I/O): the CRC and a framer that cuts a byte
 * stream of requests into frames. The driver's side is modbus-serial's; this
 * is the instrument's side, used by the Eurotherm simulator on a serial line
 * (modbus-serial's ServerSerial overwrites the request CRC with a freshly
 * computed one instead of checking it, so it cannot model a noisy line).
 */

export const MODBUS_FRAME_ERROR_CODES = [
  /** Bytes that did not end in a valid CRC were skipped while hunting for the next frame. */
  'BAD_CRC',
  /** A function code whose request length is unknown: the byte was skipped. */
  'UNKNOWN_FUNCTION',
  /** A request that would be longer than the 256-byte RTU maximum. */
  'TOO_LONG',
] as const;
export type ModbusFrameErrorCode = (typeof MODBUS_FRAME_ERROR_CODES)[number];

export class ModbusFrameError extends OperandoError<ModbusFrameErrorCode> {}

/** RTU frames are at most 256 bytes: address, PDU of up to 253 bytes, CRC. */
const RTU_MAX_FRAME_BYTES = 256;

/** CRC-16/MODBUS (polynomial 0xA001 reflected, initial 0xFFFF). */
export function crc16Modbus(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

/** The bytes followed by their CRC, low byte first as RTU sends it. */
export function appendCrc(bytes: Uint8Array): Uint8Array {
  const crc = crc16Modbus(bytes);
  const frame = new Uint8Array(bytes.length + 2);
  frame.set(bytes);
  frame[bytes.length] = crc & 0xff;
  frame[bytes.length + 1] = crc >>> 8;
  return frame;
}

export interface RtuFrame {
  readonly unit: number;
  /** Function code and data, without address and CRC. */
  readonly pdu: Uint8Array;
}

export type RtuFramerOutput = { readonly kind: 'frame'; readonly frame: RtuFrame } | { readonly kind: 'error'; readonly error: ModbusFrameError };

/** Encodes a frame: address, PDU, CRC. */
export function encodeRtuFrame(frame: RtuFrame): Uint8Array {
  const body = new Uint8Array(1 + frame.pdu.length);
  body[0] = frame.unit;
  body.set(frame.pdu, 1);
  return appendCrc(body);
}

/**
 * Length of a request frame from its first bytes: a number, 'more' when the
 * length is not known yet, or null for a function code we cannot frame.
 */
function requestLength(buffer: Uint8Array): number | 'more' | null {
  if (buffer.length < 2) return 'more';
  const functionCode = buffer[1]!;
  // FC 1-6: address, function, 2-byte address, 2-byte count or value, CRC.
  if (functionCode >= 1 && functionCode <= 6) return 8;
  // FC 15/16: address, function, address, count, byte count, data, CRC.
  if (functionCode === 15 || functionCode === 16) return buffer.length < 7 ? 'more' : 9 + buffer[6]!;
  return null;
}

/**
 * Cuts a stream of request bytes into frames by the length their function
 * code implies (on a pseudo-terminal or a TCP gateway the 3.5-character
 * silences that delimit RTU frames on a wire do not survive). On a bad CRC or
 * an unknown function code it skips one byte and hunts for the next frame;
 * what it skipped is reported once per run of skipped bytes. Never throws;
 * holds at most one frame's worth of bytes.
 */
export class RtuRequestFramer {
  private buffer = new Uint8Array(0);
  private skipped: { code: ModbusFrameErrorCode; bytes: number } | null = null;

  push(chunk: Uint8Array): RtuFramerOutput[] {
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer);
    joined.set(chunk, this.buffer.length);
    this.buffer = joined;
    const out: RtuFramerOutput[] = [];
    for (;;) {
      const length = requestLength(this.buffer);
      if (length === 'more') break;
      if (length === null) {
        this.skip('UNKNOWN_FUNCTION', out);
        continue;
      }
      if (length > RTU_MAX_FRAME_BYTES) {
        this.skip('TOO_LONG', out);
        continue;
      }
      if (this.buffer.length < length) break;
      const candidate = this.buffer.subarray(0, length);
      if (crc16Modbus(candidate) !== 0) {
        // A frame followed by its own CRC has a CRC of 0 over the whole.
        this.skip('BAD_CRC', out);
        continue;
      }
      this.reportSkipped(out);
      out.push({ kind: 'frame', frame: { unit: candidate[0]!, pdu: candidate.slice(1, length - 2) } });
      this.buffer = this.buffer.slice(length);
    }
    return out;
  }

  private skip(code: ModbusFrameErrorCode, out: RtuFramerOutput[]): void {
    if (this.skipped && this.skipped.code !== code) this.reportSkipped(out);
    this.skipped = { code, bytes: (this.skipped?.bytes ?? 0) + 1 };
    this.buffer = this.buffer.slice(1);
  }

  private reportSkipped(out: RtuFramerOutput[]): void {
    if (!this.skipped) return;
    const { code, bytes } = this.skipped;
    out.push({ kind: 'error', error: new ModbusFrameError(`skipped ${bytes} byte(s): ${code}`, code, { bytes }) });
    this.skipped = null;
  }
}
