import { describe, expect, it } from 'vitest';
import { isTemperatureError } from '../errors.js';
import { appendCrc, crc16Modbus } from './modbus-rtu-framing.js';
import {
  Tag,
  celsiusToKelvin,
  decodeScaled,
  decodeStatusWord,
  encodeScaled,
  encodeStatusWord,
  floatAddress,
  floatToWords,
  kelvinToCelsius,
  rampToInstrument,
  wordsToFloat,
} from './register-map.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1 ');
const u16 = (word: number): number[] => [word >> 8, word & 0xff];
/** An RTU frame from its fields, CRC appended. */
const frame = (bytes: number[]): string => hex(appendCrc(Uint8Array.from(bytes)));

describe('Eurotherm register map against the documented frames (PROTOCOLS.md)', () => {
  it('read PV: 01 03 00 01 00 01 D5 CA', () => {
    expect(frame([1, 0x03, ...u16(Tag.processValue), ...u16(1)])).toBe('01 03 00 01 00 01 D5 CA');
  });

  it('write SP = 25.0 °C (one decimal place): 01 06 00 02 00 FA A8 49', () => {
    const word = encodeScaled(kelvinToCelsius(298.15), 1);
    expect(frame([1, 0x06, ...u16(Tag.targetSetpoint), ...u16(word)])).toBe('01 06 00 02 00 FA A8 49');
  });

  it('read PV as a float: 01 03 80 02 00 02 4C 0B, and 25.0 is 41 C8 00 00', () => {
    expect(frame([1, 0x03, ...u16(floatAddress(Tag.processValue)), ...u16(2)])).toBe('01 03 80 02 00 02 4C 0B');
    expect(floatToWords(25)).toEqual([0x41c8, 0x0000]);
    expect(wordsToFloat(0x41c8, 0x0000)).toBe(25);
  });

  it('has the CRC residue of 0 over a frame with its CRC', () => {
    expect(crc16Modbus(Uint8Array.from([0x01, 0x03, 0x00, 0x01, 0x00, 0x01, 0xd5, 0xca]))).toBe(0);
  });
});

describe('scaled integers', () => {
  it('carry an implied decimal point and two’s complement for negatives', () => {
    expect(encodeScaled(25.0, 1)).toBe(250);
    expect(encodeScaled(-12.5, 1)).toBe(0xff83);
    expect(decodeScaled(0xff83, 1)).toBe(-12.5);
    expect(encodeScaled(1.234, 2)).toBe(123);
    expect(decodeScaled(123, 2)).toBe(1.23);
    expect(decodeScaled(0x7fff, 0)).toBe(32767);
    expect(decodeScaled(0x8000, 0)).toBe(-32768);
  });

  it('refuse values that do not fit 16 bits with a typed error', () => {
    for (const value of [3276.8, -3276.9, Number.NaN, Number.POSITIVE_INFINITY]) {
      let error: unknown;
      try {
        encodeScaled(value, 1);
      } catch (e) {
        error = e;
      }
      expect(isTemperatureError(error, 'VALUE_NOT_ENCODABLE')).toBe(true);
    }
  });

  it('convert K and K/min to the instrument’s °C and rate units', () => {
    expect(celsiusToKelvin(kelvinToCelsius(310.4))).toBeCloseTo(310.4, 12);
    expect(rampToInstrument(6, 'per-second')).toBeCloseTo(0.1, 12);
    expect(rampToInstrument(6, 'per-hour')).toBe(360);
    expect(rampToInstrument(2.5, 'per-minute')).toBe(2.5);
  });
});

describe('status word (tag 75)', () => {
  it('decodes each bit to its flag', () => {
    expect(decodeStatusWord(1 << 5)).toMatchObject({ sensorBreak: true, heaterFail: false, rampComplete: false });
    expect(decodeStatusWord(1 << 7)).toMatchObject({ sensorBreak: false, heaterFail: true });
    expect(decodeStatusWord((1 << 9) | (1 << 1))).toMatchObject({ rampComplete: true, alarms: [false, true, false, false] });
  });

  it('round-trips through encodeStatusWord for every combination of the 11 bits', () => {
    for (let word = 0; word < 1 << 11; word++) expect(encodeStatusWord(decodeStatusWord(word))).toBe(word);
  });
});
