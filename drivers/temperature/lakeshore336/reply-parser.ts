import { TemperatureError } from '../errors.js';
import type { TemperatureIdentity } from '../temperature-controller.js';

/**
 * Lake Shore 336 replies (pure). The driver appends `;*ESR?` to every line, so
 * a reply is the answers of the line's queries separated by `;`, then the
 * standard event status register. Any text gives either the answers or a
 * typed TemperatureError, never another exception.
 */

/** Bits of *ESR? that mean the line failed (IEEE 488.2 standard event status register). */
export const EsrBit = { queryError: 2, executionError: 4, commandError: 5 } as const;

/** Bits of RDGST? (reading status of an input). */
export const ReadingStatusBit = {
  invalidReading: 0,
  temperatureUnderrange: 4,
  temperatureOverrange: 5,
  sensorUnitsZero: 6,
  sensorUnitsOverrange: 7,
} as const;

/** HTRST? codes: 0 no error, 1 heater open load, 2 heater short. */
export const HeaterStatus = { ok: 0, openLoad: 1, short: 2 } as const;

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d{1,10}$/;

/**
 * The answers of `queryCount` queries from a reply line that ends with the
 * *ESR? value. ESR error bits become COMMAND_ERROR, EXECUTION_ERROR or
 * QUERY_ERROR (in that order of precedence: a command error also leaves the
 * answers short); anything malformed is BAD_REPLY.
 */
export function parseReply(line: string, queryCount: number): string[] {
  const fields = line.split(';').map((field) => field.trim());
  const esr = parseInteger(fields.pop() ?? '', 'the event status register');
  if (esr < 0 || esr > 255) throw badReply(line, `event status register ${esr} is not a byte`);
  const failed = (bit: number): boolean => (esr & (1 << bit)) !== 0;
  if (failed(EsrBit.commandError)) throw new TemperatureError(`command error (ESR ${esr}) in reply "${line}"`, 'COMMAND_ERROR', { esr });
  if (failed(EsrBit.executionError)) throw new TemperatureError(`execution error (ESR ${esr}): a parameter is out of range`, 'EXECUTION_ERROR', { esr });
  if (failed(EsrBit.queryError)) throw new TemperatureError(`query error (ESR ${esr})`, 'QUERY_ERROR', { esr });
  if (fields.length !== queryCount) throw badReply(line, `expected ${queryCount} answer(s) before the status, got ${fields.length}`);
  return fields;
}

export function parseNumber(field: string, what: string): number {
  if (!NUMBER.test(field)) throw badReply(field, `${what} is not a number`);
  return Number(field);
}

export function parseInteger(field: string, what: string): number {
  if (!INTEGER.test(field)) throw badReply(field, `${what} is not an integer`);
  return Number(field);
}

/** `*IDN?`: `LSCI,MODEL336,<serial>,<firmware>`. */
export function parseIdentity(field: string): TemperatureIdentity {
  const parts = field.split(',').map((p) => p.trim());
  const [maker, model, serial, firmware] = parts;
  if (parts.length !== 4 || maker === '' || model === '') throw badReply(field, 'an identity is four comma-separated fields');
  return { model: `${maker} ${model}`, serial: serial!, firmware: firmware! };
}

/** RDGST? bits to what the common status says. */
export function decodeReadingStatus(bits: number): { sensorBreak: boolean; outOfRange: boolean } {
  const on = (bit: number): boolean => (bits & (1 << bit)) !== 0;
  return {
    // Open (units overrange) or shorted (units zero) sensor, or no valid reading at all.
    sensorBreak: on(ReadingStatusBit.invalidReading) || on(ReadingStatusBit.sensorUnitsZero) || on(ReadingStatusBit.sensorUnitsOverrange),
    outOfRange: on(ReadingStatusBit.temperatureUnderrange) || on(ReadingStatusBit.temperatureOverrange),
  };
}

function badReply(text: string, why: string): TemperatureError {
  return new TemperatureError(`bad reply "${text}": ${why}`, 'BAD_REPLY', { reply: text });
}
