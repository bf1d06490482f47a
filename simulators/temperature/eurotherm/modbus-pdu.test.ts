import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ModbusException } from './modbus-exception.js';
import { answerRequestPdu, type HoldingRegisters } from './modbus-pdu.js';

/** Registers 0..99 holding their address; 50 read-only; writes recorded. */
class TestRegisters implements HoldingRegisters {
  readonly writes: Array<[number, readonly number[]]> = [];
  read(address: number, count: number): number[] {
    if (address + count > 100) throw new ModbusException('out of range', 'ILLEGAL_DATA_ADDRESS');
    return Array.from({ length: count }, (_, i) => address + i);
  }
  write(address: number, values: readonly number[]): void {
    if (address <= 50 && address + values.length > 50) throw new ModbusException('read-only', 'ILLEGAL_DATA_ADDRESS');
    this.writes.push([address, values]);
  }
}

const pdu = (...bytes: number[]) => Uint8Array.from(bytes);

describe('answerRequestPdu', () => {
  it('answers FC 03 with the registers, big-endian', () => {
    expect([...answerRequestPdu(pdu(3, 0, 1, 0, 2), new TestRegisters())]).toEqual([3, 4, 0, 1, 0, 2]);
  });

  it('echoes FC 06 and writes the register', () => {
    const registers = new TestRegisters();
    expect([...answerRequestPdu(pdu(6, 0, 2, 0, 0xfa), registers)]).toEqual([6, 0, 2, 0, 0xfa]);
    expect(registers.writes).toEqual([[2, [250]]]);
  });

  it('answers FC 16 with address and count and writes the registers', () => {
    const registers = new TestRegisters();
    expect([...answerRequestPdu(pdu(16, 0, 4, 0, 2, 4, 0x41, 0xc8, 0, 0), registers)]).toEqual([16, 0, 4, 0, 2]);
    expect(registers.writes).toEqual([[4, [0x41c8, 0]]]);
  });

  it.each([
    ['an unknown function', pdu(4, 0, 1, 0, 1), [0x84, 1]],
    ['an illegal address', pdu(3, 0, 99, 0, 2), [0x83, 2]],
    ['a read-only register', pdu(6, 0, 50, 0, 1), [0x86, 2]],
    ['a count of 0', pdu(3, 0, 1, 0, 0), [0x83, 3]],
    ['byte count and count disagreeing', pdu(16, 0, 4, 0, 2, 2, 0, 1), [0x90, 3]],
  ])('answers %s with an exception', (_why, request, reply) => {
    expect([...answerRequestPdu(request, new TestRegisters())]).toEqual(reply);
  });

  it('answers any PDU with a reply or an exception of its function code, never an exception thrown', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), (request) => {
        const reply = answerRequestPdu(request, new TestRegisters());
        expect(reply[0] === request[0] || reply[0] === ((request[0]! | 0x80) & 0xff)).toBe(true);
      }),
    );
  });
});
