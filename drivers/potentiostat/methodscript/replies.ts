import { decodePackage, type DataPackage } from './data-package.js';
import { MethodScriptError } from './errors.js';

/** A line of script output, by its first character (PROTOCOLS.md). */
export type Reply =
  /** Empty line: the script has ended. */
  | { readonly kind: 'end' }
  /** A command's one-letter acknowledgement: `e` script accepted and running, `Z` abort accepted. */
  | { readonly kind: 'ack'; readonly command: string }
  | { readonly kind: 'measurement-loop-start'; readonly id: number }
  | { readonly kind: 'measurement-loop-end' }
  | { readonly kind: 'loop-start' }
  | { readonly kind: 'loop-end' }
  | { readonly kind: 'scan-start' }
  | { readonly kind: 'scan-end' }
  | { readonly kind: 'package'; readonly package: DataPackage }
  /** `T` + text of `send_string`. */
  | { readonly kind: 'text'; readonly text: string }
  /** `!XXXX` (or an echoed command letter first: `Z!0006`, `e!4004: Line 2, Col 5`). */
  | { readonly kind: 'error'; readonly error: MethodScriptError };

/** Commands the device acknowledges with their letter alone. */
const ACKNOWLEDGED = new Set(['e', 'l', 'r', 'Z']);
const DEVICE_ERROR = /^([A-Za-z])?!([0-9A-Fa-f]{4})(?::\s*(.*))?$/;
/** Position of a script error: format unverified (PalmSens' examples only show `!XXXX` then `:`). */
const POSITION = /line\s*(\d+)(?:\s*,\s*col(?:umn)?\s*(\d+))?/i;

/**
 * Classifies one line of script output. Throws MethodScriptError: BAD_PACKAGE
 * for a broken `P` line, UNEXPECTED_REPLY for a line no reply starts like.
 */
export function classifyReply(line: string): Reply {
  if (line === '') return { kind: 'end' };
  if (ACKNOWLEDGED.has(line)) return { kind: 'ack', command: line };
  const error = parseDeviceError(line);
  if (error) return { kind: 'error', error };
  switch (line[0]) {
    case 'P':
      return { kind: 'package', package: decodePackage(line) };
    case 'M':
      if (/^M[0-9A-Fa-f]{4}$/.test(line)) return { kind: 'measurement-loop-start', id: Number.parseInt(line.slice(1), 16) };
      break;
    case '*':
      if (line === '*') return { kind: 'measurement-loop-end' };
      break;
    case 'L':
      if (line === 'L') return { kind: 'loop-start' };
      break;
    case '+':
      if (line === '+') return { kind: 'loop-end' };
      break;
    case 'C':
      if (/^C(?:[0-9A-Fa-f]{4})?$/.test(line)) return { kind: 'scan-start' };
      break;
    case '-':
      if (line === '-') return { kind: 'scan-end' };
      break;
    case 'T':
      return { kind: 'text', text: line.slice(1) };
  }
  throw new MethodScriptError('unexpected reply line', 'UNEXPECTED_REPLY', { line: line.slice(0, 200) });
}

/** `!XXXX` errors as typed errors; undefined for any other line. */
export function parseDeviceError(line: string): MethodScriptError | undefined {
  const match = DEVICE_ERROR.exec(line);
  if (!match) return undefined;
  const [, command, hex = '', details] = match;
  const deviceCode = Number.parseInt(hex, 16);
  const position = details === undefined ? null : POSITION.exec(details);
  const scriptLine = position?.[1] === undefined ? undefined : Number(position[1]);
  const column = position?.[2] === undefined ? undefined : Number(position[2]);
  const where = scriptLine === undefined ? '' : ` at script line ${scriptLine}${column === undefined ? '' : `, column ${column}`}`;
  const context: Record<string, unknown> = { deviceCode, deviceCodeHex: hex.toUpperCase() };
  if (command !== undefined) context['command'] = command;
  if (scriptLine !== undefined) context['line'] = scriptLine;
  if (column !== undefined) context['column'] = column;
  if (details !== undefined) context['details'] = details;
  return new MethodScriptError(`device error 0x${hex.toUpperCase()}${command ? ` (reply to "${command}")` : ''}${where}`, 'DEVICE_ERROR', context);
}
