import { OperandoError } from '../../../src/core/errors.js';

export type ModbusExceptionCode = 'ILLEGAL_FUNCTION' | 'ILLEGAL_DATA_ADDRESS' | 'ILLEGAL_DATA_VALUE' | 'SERVER_DEVICE_FAILURE' | 'SERVER_DEVICE_BUSY';

/** The exception code each reason has on the wire (Modbus application protocol 1.1b, section 7). */
export const MODBUS_EXCEPTION_NUMBER: Record<ModbusExceptionCode, number> = {
  ILLEGAL_FUNCTION: 1,
  ILLEGAL_DATA_ADDRESS: 2,
  ILLEGAL_DATA_VALUE: 3,
  SERVER_DEVICE_FAILURE: 4,
  SERVER_DEVICE_BUSY: 6,
};

/** A request the simulated instrument refuses with a Modbus exception reply. */
export class ModbusException extends OperandoError<ModbusExceptionCode> {
  get exceptionNumber(): number {
    return MODBUS_EXCEPTION_NUMBER[this.code];
  }
}
