import { describe, expect, it } from 'vitest';
import { isTemperatureError } from '../errors.js';
import { parseModbusUrl } from './modbus-url.js';

describe('parseModbusUrl', () => {
  it('parses Modbus RTU on a serial line', () => {
    expect(parseModbusUrl('modbus-rtu:///dev/ttyUSB1?baud=9600&unit=3')).toEqual({
      kind: 'serial',
      path: '/dev/ttyUSB1',
      baudRate: 9600,
      dataBits: 8,
      parity: 'none',
      stopBits: 1,
      unit: 3,
    });
    expect(parseModbusUrl('modbus-rtu:///dev/ttyS0?parity=even')).toMatchObject({ baudRate: undefined, parity: 'even', unit: 1 });
  });

  it('parses Modbus TCP, with 502 as the default port', () => {
    expect(parseModbusUrl('modbus-tcp://10.0.0.5:1502?unit=2')).toEqual({ kind: 'tcp', host: '10.0.0.5', port: 1502, unit: 2 });
    expect(parseModbusUrl('modbus-tcp://furnace.lab')).toEqual({ kind: 'tcp', host: 'furnace.lab', port: 502, unit: 1 });
  });

  it.each(['tcp://host:502', 'modbus-tcp://host:502?unit=0', 'modbus-tcp://host:502?unit=248', 'modbus-rtu:///dev/ttyUSB1?baudrate=9600', 'not a url'])(
    'refuses %s with BAD_CONFIG',
    (url) => {
      let error: unknown;
      try {
        parseModbusUrl(url);
      } catch (e) {
        error = e;
      }
      expect(isTemperatureError(error, 'BAD_CONFIG')).toBe(true);
    },
  );
});
