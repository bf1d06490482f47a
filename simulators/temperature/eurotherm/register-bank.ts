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
]);

const WRITABLE_TAGS: ReadonlySet<number> = new Set([Tag.targetSetpoint, Tag.setpointRateLimit]);

/**
 * The Eurotherm's Modbus registers over a ThermalSimulation: the register map
 * of drivers/temperature/eurotherm/register-map.ts from the instrument's side,
 * shared by the Modbus TCP and RTU fronts. Rate limit in °C per minute. On
 * sensor break the PV reads full scale, as a thermocouple input with upscale
 * burn-out protection does. Setpoints outside the preset's setpoint limits
 * are refused with ILLEGAL_DATA_VALUE, as the instrument refuses them.
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

  /** All or nothing: the whole request is checked before anything changes. */
  write(address: number, values: readonly number[]): void {
    this.accesses.next({ kind: 'write', address, values });
    const changes = address >= FLOAT_REGION_BASE ? [this.floatWrite(address, values)] : values.map((word, i) => this.integerWrite(address + i, word));
    for (const [tag, value] of changes) this.check(tag, value);
    for (const [tag, value] of changes) {
      if (tag === Tag.targetSetpoint) this.simulation.setTargetSetpoint(celsiusToKelvin(value));
      else this.simulation.setRamp(value === 0 ? null : value);
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

  private check(tag: number, value: number): void {
    const { setpointLowK, setpointHighK } = this.simulation.preset;
    const valid =
      tag === Tag.targetSetpoint ? celsiusToKelvin(value) >= setpointLowK && celsiusToKelvin(value) <= setpointHighK : Number.isFinite(value) && value >= 0;
    if (!valid) throw new ModbusException(`tag ${tag}: ${value} is outside the instrument's range`, 'ILLEGAL_DATA_VALUE', { tag, value });
  }
}

function illegalAddress(address: number): ModbusException {
  return new ModbusException(`no register at ${address}`, 'ILLEGAL_DATA_ADDRESS', { address });
}
