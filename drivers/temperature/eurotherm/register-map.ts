import type { TemperatureStatus } from '../temperature-controller.js';
import { TemperatureError } from '../errors.js';

/**
 * Eurotherm 2000/3000 Modbus register map and value codec (pure, no I/O).
 * Integer registers sit at address = tag and carry an implied decimal point
 * (the instrument's configured decimal places); IEEE floats of the same tag
 * sit at 0x8000 + 2*tag as two registers, high word first. Temperatures are
 * in the instrument's display unit (°C here) on the wire, K in the API.
 */
export const Tag = {
  processValue: 1,
  targetSetpoint: 2,
  outputPercent: 3,
  workingOutputPercent: 4,
  workingSetpoint: 5,
  /** Setpoint rate limit in display units per `RampUnit` (0 = off). */
  setpointRateLimit: 35,
  /**
   * Setpoint high and low limits, held by the instrument: it refuses a
   * setpoint outside them. Tags of the 2000 series (PROTOCOLS.md); verify
   * against the manual of the model in use (EurothermOptions.setpointLimitTags).
   */
  setpointHighLimit: 111,
  setpointLowLimit: 112,
  statusWord: 75,
  version: 107,
  /** 0x2XYZ, shown as `>2XYZ` on the instrument. */
  instrumentIdentifier: 122,
} as const;

export const FLOAT_REGION_BASE = 0x8000;

/** Address of the IEEE float copy of a tag (two registers). */
export function floatAddress(tag: number): number {
  return FLOAT_REGION_BASE + 2 * tag;
}

/**
 * Bits of the status word (tag 75), in the order PROTOCOLS.md lists them.
 * Model dependent (unverified): the 2400 handbook puts "load fail" at bit 8;
 * check the handbook of the model in use.
 */
export const StatusBit = {
  alarm1: 0,
  alarm2: 1,
  alarm3: 2,
  alarm4: 3,
  manual: 4,
  sensorBreak: 5,
  loopBreak: 6,
  heaterFail: 7,
  autotune: 8,
  rampComplete: 9,
  pvOutOfRange: 10,
} as const;

/** Units of the setpoint rate limit (tag 531 on models that have it: model dependent, so configured). */
export type RampUnit = 'per-second' | 'per-minute' | 'per-hour';

const MINUTES_PER_RAMP_UNIT: Record<RampUnit, number> = { 'per-second': 1 / 60, 'per-minute': 1, 'per-hour': 60 };

const CELSIUS_OFFSET_K = 273.15;

export function kelvinToCelsius(k: number): number {
  return k - CELSIUS_OFFSET_K;
}

export function celsiusToKelvin(c: number): number {
  return c + CELSIUS_OFFSET_K;
}

/** K/min to the instrument's rate unit (a temperature difference: no offset). */
export function rampToInstrument(kPerMin: number, unit: RampUnit): number {
  return kPerMin * MINUTES_PER_RAMP_UNIT[unit];
}

/**
 * A value to the 16-bit register word of a scaled integer (two's complement):
 * 25.0 with 1 decimal place is 250 = 0x00FA. Throws VALUE_NOT_ENCODABLE when
 * the scaled value does not fit a signed 16-bit integer.
 */
export function encodeScaled(value: number, decimalPlaces: number): number {
  const scaled = Math.round(value * 10 ** decimalPlaces);
  if (!Number.isFinite(scaled) || scaled < -0x8000 || scaled > 0x7fff) {
    throw new TemperatureError(`${value} does not fit a 16-bit register with ${decimalPlaces} decimal places`, 'VALUE_NOT_ENCODABLE', { value, decimalPlaces });
  }
  return scaled & 0xffff;
}

/** A register word (0..65535, signed) with an implied decimal point to its value. */
export function decodeScaled(word: number, decimalPlaces: number): number {
  const signed = word >= 0x8000 ? word - 0x10000 : word;
  return signed / 10 ** decimalPlaces;
}

/** An IEEE 754 single to two register words, high word first: 25.0 -> [0x41C8, 0x0000]. */
export function floatToWords(value: number): [number, number] {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, value, false);
  return [view.getUint16(0, false), view.getUint16(2, false)];
}

export function wordsToFloat(high: number, low: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint16(0, high, false);
  view.setUint16(2, low, false);
  return view.getFloat32(0, false);
}

export function decodeStatusWord(word: number): TemperatureStatus {
  const bit = (n: number): boolean => ((word >> n) & 1) === 1;
  return {
    sensorBreak: bit(StatusBit.sensorBreak),
    heaterFail: bit(StatusBit.heaterFail),
    rampComplete: bit(StatusBit.rampComplete),
    outOfRange: bit(StatusBit.pvOutOfRange),
    manual: bit(StatusBit.manual),
    loopBreak: bit(StatusBit.loopBreak),
    autotune: bit(StatusBit.autotune),
    alarms: [bit(StatusBit.alarm1), bit(StatusBit.alarm2), bit(StatusBit.alarm3), bit(StatusBit.alarm4)],
  };
}

/** Register words shown as the instrument does (`>2480`): four hex digits. */
export function hexWord(word: number): string {
  return word.toString(16).toUpperCase().padStart(4, '0');
}

/** The inverse of `decodeStatusWord` (the simulator's side). */
export function encodeStatusWord(status: TemperatureStatus): number {
  const flags: Array<[boolean | undefined, number]> = [
    [status.sensorBreak, StatusBit.sensorBreak],
    [status.heaterFail, StatusBit.heaterFail],
    [status.rampComplete, StatusBit.rampComplete],
    [status.outOfRange, StatusBit.pvOutOfRange],
    [status.manual, StatusBit.manual],
    [status.loopBreak, StatusBit.loopBreak],
    [status.autotune, StatusBit.autotune],
    ...(status.alarms ?? []).slice(0, 4).map((on, i): [boolean, number] => [on, StatusBit.alarm1 + i]),
  ];
  return flags.reduce((word, [on, bit]) => (on ? word | (1 << bit) : word), 0);
}
