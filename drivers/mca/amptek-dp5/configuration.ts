import { Dp5Error } from './errors.js';

/**
 * The DP5's ASCII configuration: `NAME=VALUE;` commands, e.g.
 * `PRET=60;MCAC=4096;` (preset real time 60 s, 4096 channels). Names are four
 * letters or digits (every DP5 command is: PRET, MCAC, GAIN, TPEA...);
 * values are printable ASCII without `;`, `=` or spaces. A readback request
 * asks `NAME=?;` for each name and the device answers with the commands as
 * set (unverified against hardware: the `=?` form follows public DP5 host code).
 */
export interface ConfigurationCommand {
  readonly name: string;
  readonly value: string;
}

const COMMAND = /^([A-Z0-9]{4})=([\x21-\x3a\x3c\x3e-\x7e]+)$/;
const NAME = /^[A-Z0-9]{4}$/;

/** The commands of a configuration text; BAD_CONFIGURATION (naming the first bad command) when it is not one. */
export function parseConfiguration(text: string): ConfigurationCommand[] {
  if (!text.endsWith(';')) throw badConfiguration(text, 'every command ends with ";"');
  const commands: ConfigurationCommand[] = [];
  for (const part of text.slice(0, -1).split(';')) {
    const match = COMMAND.exec(part);
    if (!match) throw badConfiguration(text, `"${printable(part)}" is not NAME=VALUE (a name of four capital letters or digits, a value of printable ASCII)`);
    commands.push({ name: match[1]!, value: match[2]! });
  }
  return commands;
}

/** Commands as text: `NAME=VALUE;` each. */
export function formatConfiguration(commands: readonly ConfigurationCommand[]): string {
  return commands.map((c) => `${c.name}=${c.value};`).join('');
}

/** A configuration text checked for sending: well formed and at most `maxBytes` long. */
export function checkedConfiguration(text: string, maxBytes: number): string {
  parseConfiguration(text);
  if (text.length > maxBytes) throw badConfiguration(text, `${text.length} bytes, more than the ${maxBytes} one packet takes`);
  return text;
}

/** The readback request's text for `names`: `NAME=?;` each. */
export function readbackText(names: readonly string[]): string {
  if (names.length === 0) throw new Dp5Error('name at least one configuration command to read back', 'BAD_CONFIGURATION', { names });
  for (const name of names) {
    if (!NAME.test(name)) throw new Dp5Error(`"${printable(name)}" is not a DP5 command name (four capital letters or digits)`, 'BAD_CONFIGURATION', { name: printable(name) });
  }
  return formatConfiguration(names.map((name) => ({ name, value: '?' })));
}

/** ASCII bytes of a checked text (every character is ASCII once checked). */
export function asciiBytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'latin1'));
}

/** Text of bytes that must be printable ASCII (a readback), or null. */
export function asciiText(bytes: Uint8Array): string | null {
  for (const byte of bytes) if (byte < 0x20 || byte > 0x7e) return null;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

function badConfiguration(text: string, why: string): Dp5Error {
  return new Dp5Error(`DP5 configuration "${printable(text).slice(0, 80)}": ${why}`, 'BAD_CONFIGURATION', { text: printable(text).slice(0, 200) });
}

/** Text safe to print (control and non-ASCII characters escaped). */
function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
