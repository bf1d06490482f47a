import { ModbusException, MODBUS_EXCEPTION_NUMBER } from './modbus-exception.js';

/** What a PDU handler needs of the instrument's registers. */
export interface HoldingRegisters {
  read(address: number, count: number): number[];
  write(address: number, values: readonly number[]): void;
}

/** Protocol maxima per request (Modbus application protocol 1.1b, 6.3 and 6.12). */
const MAX_READ_REGISTERS = 125;
const MAX_WRITE_REGISTERS = 123;

/**
 * Answers one request PDU (function code and data) from the instrument's side:
 * FC 03 read holding registers, 06 write single register, 16 write multiple
 * registers; anything else is ILLEGAL_FUNCTION. Malformed requests get
 * ILLEGAL_DATA_VALUE; failures inside the instrument SERVER_DEVICE_FAILURE.
 * Pure apart from the registers; never throws.
 */
export function answerRequestPdu(pdu: Uint8Array, registers: HoldingRegisters): Uint8Array {
  const functionCode = pdu[0] ?? 0;
  const view = new DataView(pdu.buffer, pdu.byteOffset, pdu.byteLength);
  try {
    switch (functionCode) {
      case 3: {
        if (pdu.length !== 5) throw malformed('FC 03 request is not 5 bytes');
        const count = view.getUint16(3);
        if (count < 1 || count > MAX_READ_REGISTERS) throw malformed(`FC 03 count ${count}`);
        const words = registers.read(view.getUint16(1), count);
        const reply = new Uint8Array(2 + 2 * count);
        const out = new DataView(reply.buffer);
        reply[0] = 3;
        reply[1] = 2 * count;
        words.forEach((word, i) => out.setUint16(2 + 2 * i, word));
        return reply;
      }
      case 6: {
        if (pdu.length !== 5) throw malformed('FC 06 request is not 5 bytes');
        registers.write(view.getUint16(1), [view.getUint16(3)]);
        return pdu.slice();
      }
      case 16: {
        const count = pdu.length >= 6 ? view.getUint16(3) : 0;
        const byteCount = pdu[5] ?? 0;
        if (count < 1 || count > MAX_WRITE_REGISTERS || byteCount !== 2 * count || pdu.length !== 6 + byteCount) throw malformed('FC 16 request lengths disagree');
        registers.write(
          view.getUint16(1),
          Array.from({ length: count }, (_, i) => view.getUint16(6 + 2 * i)),
        );
        return pdu.slice(0, 5);
      }
      default:
        throw new ModbusException(`function code ${functionCode} is not supported`, 'ILLEGAL_FUNCTION', { functionCode });
    }
  } catch (e) {
    const exception = e instanceof ModbusException ? e.exceptionNumber : MODBUS_EXCEPTION_NUMBER.SERVER_DEVICE_FAILURE;
    return Uint8Array.of((functionCode | 0x80) & 0xff, exception);
  }
}

function malformed(why: string): ModbusException {
  return new ModbusException(why, 'ILLEGAL_DATA_VALUE');
}
