import { Subject, type Observable } from 'rxjs';
import {
  FLOAT_REGION_BASE,
  Tag,
  celsiusToKelvin,
  decodeScaled,
  encodeScaled,
  encodeStatusWord,
  floatToWords,
  kelvinToCelsius,
  wordsToFloat,
} from '../../../drivers/temperature/eurotherm/register-map.js';
import type { ThermalSimulation } from '../thermal-simulation.js';
import { ModbusException } from './modbus-exception.js';

export interface EurothermRegisterOptions {
  /** Decimal places of temperatures and rate limit in integer registers. Default 1. */
  readonly decimalPlaces?: number;
  /** Decimal places of output power. Default 1. */
  readonly outputDecimalPlaces?: number;
  /** Tag 122. Default 0x2408 (unverified encoding of a 2408). */
  readonly identifier?: number;
  /** Tag 107. Default 0x0311. */
  readonly version?: number;
}

/** What the simulated instrument was asked (tests assert, for example, that nothing was written). */
export type RegisterAccess =
  | { readonly kind: 'read'; readonly address: number; readonly count: number }
  | { readonly kind: 'write'; readonly address: number; readonly values: readonly number[] };

/** Tags with an IEEE float copy at 0x8000 + 2*tag in this simulator. */
const FLOAT_TAGS: ReadonlySet<number> = new Set([
  Tag.processValue,
  Tag.targetSetpoint,
  Tag.outputPercent,
  Tag.workingOutputPercent,
  Tag.workingSetpoint,
  Tag.setpointRateLimit,
  Tag.setpointHighLimit,
  Tag.setpointLowLimit,
]);

const WRITABLE_TAGS: ReadonlySet<number> = new Set([Tag.targetSetpoint, Tag.setpointRateLimit, Tag.setpointHighLimit, Tag.setpointLowLimit]);

/** Slack of the setpoint-in-limits comparison, °C: the limits live in kelvin in the simulation, and a setpoint on a limit must pass. */
const LIMIT_SLACK_C = 1e-6;

/**
 * The Eurotherm's Modbus registers over a ThermalSimulation: the register map
 * of drivers/temperature/eurotherm/register-map.ts from the instrument's side,
 * shared by the Modbus TCP and RTU fronts. Rate limit in °C per minute. On
 * sensor break the PV reads full scale, as a thermocouple input with upscale
 * burn-out protection does. The setpoint limit registers (tags 111 high,
 * 112 low; the preset's limits at power-up) are writable and are what a
 * setpoint is checked against: one outside them is refused with
 * ILLEGAL_DATA_VALUE, as the instrument refuses it, and so are limits with
 * low not below high. Narrowed limits clamp the present setpoint.
 */
export class EurothermRegisterBank {
  private readonly decimalPlaces: number;
  private readonly outputDecimalPlaces: number;
  private readonly identifier: number;
  private readonly version: number;
  private readonly accesses = new Subject<RegisterAccess>();

  /** Every request that reached the registers, in order. */
  readonly accesses$: Observable<RegisterAccess> = this.accesses.asObservable();

  constructor(
    private readonly simulation: ThermalSimulation,
    options: EurothermRegisterOptions = {},
  ) {
    this.decimalPlaces = options.decimalPlaces ?? 1;
    this.outputDecimalPlaces = options.outputDecimalPlaces ?? 1;
    this.identifier = options.identifier ?? 0x2408;
    this.version = options.version ?? 0x0311;
  }

  read(address: number, count: number): number[] {
    this.accesses.next({ kind: 'read', address, count });
    const values = this.values();
    return Array.from({ length: count }, (_, i) => this.word(address + i, values));
  }

  /** All or nothing: the whole request is checked (setpoints against the limits it leaves) before anything changes. */
  write(address: number, values: readonly number[]): void {
    this.accesses.next({ kind: 'write', address, values });
    const changes = address >= FLOAT_REGION_BASE ? [this.floatWrite(address, values)] : values.map((word, i) => this.integerWrite(address + i, word));
    const present = this.simulation.snapshot();
    const limitsC = { low: kelvinToCelsius(present.setpointLowK), high: kelvinToCelsius(present.setpointHighK) };
    for (const [tag, value] of changes) {
      if (tag === Tag.setpointLowLimit) limitsC.low = value;
      if (tag === Tag.setpointHighLimit) limitsC.high = value;
    }
    if (!(limitsC.low < limitsC.high)) throw refused(Tag.setpointLowLimit, limitsC.low, `the low limit must lie below the high limit ${limitsC.high}`);
    for (const [tag, value] of changes) this.check(tag, value, limitsC);
    const limitsChanged = changes.some(([tag]) => tag === Tag.setpointLowLimit || tag === Tag.setpointHighLimit);
    if (limitsChanged) this.simulation.setSetpointLimits(celsiusToKelvin(limitsC.low), celsiusToKelvin(limitsC.high));
    for (const [tag, value] of changes) {
      if (tag === Tag.targetSetpoint) this.simulation.setTargetSetpoint(celsiusToKelvin(value));
      if (tag === Tag.setpointRateLimit) this.simulation.setRamp(value === 0 ? null : value);
    }
  }

  /** Instrument values by tag, in display units (°C, %, °C/min), at this instant. */
  private values(): Map<number, number> {
    const s = this.simulation.snapshot();
    const pvC = s.sensorBreak ? decodeScaled(0x7fff, this.decimalPlaces) : kelvinToCelsius(s.measuredK);
    return new Map<number, number>([
      [Tag.processValue, pvC],
      [Tag.targetSetpoint, kelvinToCelsius(s.targetSetpointK)],
      [Tag.outputPercent, s.outputPercent],
      [Tag.workingOutputPercent, s.outputPercent],
      [Tag.workingSetpoint, kelvinToCelsius(s.workingSetpointK)],
      [Tag.setpointRateLimit, s.rampKPerMin ?? 0],
      [Tag.setpointHighLimit, kelvinToCelsius(s.setpointHighK)],
      [Tag.setpointLowLimit, kelvinToCelsius(s.setpointLowK)],
      [Tag.statusWord, encodeStatusWord({ sensorBreak: s.sensorBreak, heaterFail: s.heaterFail, rampComplete: s.rampComplete })],
      [Tag.version, this.version],
      [Tag.instrumentIdentifier, this.identifier],
    ]);
  }

  private word(address: number, values: Map<number, number>): number {
    if (address >= FLOAT_REGION_BASE) {
      const tag = Math.floor((address - FLOAT_REGION_BASE) / 2);
      const value = values.get(tag);
      if (!FLOAT_TAGS.has(tag) || value === undefined) throw illegalAddress(address);
      return floatToWords(value)[(address - FLOAT_REGION_BASE) % 2]!;
    }
    const value = values.get(address);
    if (value === undefined) throw illegalAddress(address);
    if (address === Tag.statusWord || address === Tag.version || address === Tag.instrumentIdentifier) return value;
    const places = address === Tag.outputPercent || address === Tag.workingOutputPercent ? this.outputDecimalPlaces : this.decimalPlaces;
    return encodeScaled(value, places);
  }

  private integerWrite(tag: number, word: number): [number, number] {
    if (!WRITABLE_TAGS.has(tag)) throw illegalAddress(tag);
    return [tag, decodeScaled(word, this.decimalPlaces)];
  }

  /** A float is written as both of its registers in one request. */
  private floatWrite(address: number, words: readonly number[]): [number, number] {
    const tag = (address - FLOAT_REGION_BASE) / 2;
    if (!WRITABLE_TAGS.has(tag) || words.length !== 2) throw illegalAddress(address);
    return [tag, wordsToFloat(words[0]!, words[1]!)];
  }

  /** A value for `tag` within what the instrument takes, `limitsC` being the setpoint limits the request leaves (°C). */
  private check(tag: number, value: number, limitsC: { readonly low: number; readonly high: number }): void {
    if (!Number.isFinite(value)) throw refused(tag, value, 'not a number');
    if (tag === Tag.targetSetpoint && !(value >= limitsC.low - LIMIT_SLACK_C && value <= limitsC.high + LIMIT_SLACK_C)) {
      throw refused(tag, value, `outside the setpoint limits ${limitsC.low}..${limitsC.high}`);
    }
    if (tag === Tag.setpointRateLimit && value < 0) throw refused(tag, value, 'a negative rate');
  }
}

function refused(tag: number, value: number, why: string): ModbusException {
  return new ModbusException(`tag ${tag}: ${value} is refused: ${why}`, 'ILLEGAL_DATA_VALUE', { tag, value });
}

function illegalAddress(address: number): ModbusException {
  return new ModbusException(`no register at ${address}`, 'ILLEGAL_DATA_ADDRESS', { address });
}
