import { MethodScriptError } from './errors.js';
import { finestMantissa, scaleByPowerOfTen, SI_PREFIX_EXPONENTS } from './si-number.js';

/** One variable of a data package: `ba48D503Dp,10,288`. */
export interface PackageVariable {
  /** Two-letter variable type: `ab` WE potential, `ba` WE current, `eb` time, `dc` frequency... */
  readonly type: string;
  /** SI value (V, A, Hz, ohm, s); NaN when the device sent `nan`. */
  readonly value: number;
  /** Status bits (`1x`): 0x1 timing error, 0x2 overload, 0x4 underload, 0x8 overload warning. */
  readonly status?: number;
  /** Range index (`2xx`); bit 0x80 marks a high-speed range. */
  readonly rangeIndex?: number;
  /** Noise metadata (`4...`), kept as sent: its format is not documented. */
  readonly noise?: string;
  /** Metadata of kinds this codec does not know, kept as sent. */
  readonly otherMetadata?: readonly string[];
}

export interface DataPackage {
  readonly variables: readonly PackageVariable[];
}

/** The 28-bit offset of package values: value = (int(hex) - 2^27) x prefix. */
const OFFSET = 2 ** 27;
const NAN_FIELD = '     nan';
const TYPE = /^[a-z]{2}$/;
const HEX7 = /^[0-9A-Fa-f]{7}$/;

/** Decodes a `P...` line (without its newline). Throws MethodScriptError BAD_PACKAGE. */
export function decodePackage(line: string): DataPackage {
  if (!line.startsWith('P')) throw badPackage(line, 'does not start with P');
  const body = line.slice(1);
  if (body === '') throw badPackage(line, 'has no variables');
  return { variables: body.split(';').map((field) => decodeVariable(field, line)) };
}

function decodeVariable(field: string, line: string): PackageVariable {
  const [head = '', ...metadata] = field.split(',');
  if (head.length !== 10) throw badPackage(line, `variable "${head}" is not 2 type letters, 7 hex digits and a prefix`);
  const type = head.slice(0, 2);
  if (!TYPE.test(type)) throw badPackage(line, `"${type}" is not a variable type`);
  const valueField = head.slice(2);
  let value: number;
  if (valueField === NAN_FIELD) {
    value = Number.NaN;
  } else {
    const hex = valueField.slice(0, 7);
    const prefix = valueField.slice(7);
    const exponent = SI_PREFIX_EXPONENTS[prefix];
    if (!HEX7.test(hex) || exponent === undefined) throw badPackage(line, `"${valueField}" is not a value`);
    value = scaleByPowerOfTen(Number.parseInt(hex, 16) - OFFSET, exponent);
  }
  const variable: { -readonly [K in keyof PackageVariable]: PackageVariable[K] } = { type, value };
  const other: string[] = [];
  for (const token of metadata) {
    if (/^1[0-9A-Fa-f]$/.test(token)) variable.status = Number.parseInt(token.slice(1), 16);
    else if (/^2[0-9A-Fa-f]{2}$/.test(token)) variable.rangeIndex = Number.parseInt(token.slice(1), 16);
    else if (/^4\S*$/.test(token)) variable.noise = token.slice(1);
    else if (token === '') throw badPackage(line, 'empty metadata');
    else other.push(token);
  }
  if (other.length > 0) variable.otherMetadata = other;
  return variable;
}

/**
 * A value as a package carries it: rounded to the finest prefix that holds
 * it (1 uV at a few volts). A device's variable holds what it packs, so a
 * script's condition and the package it sends agree on which side of a limit
 * a reading lies. Non-finite values are returned as they are.
 */
export function packagedValue(value: number): number {
  if (!Number.isFinite(value)) return value;
  const { mantissa, prefix } = finestMantissa(value);
  return scaleByPowerOfTen(mantissa, SI_PREFIX_EXPONENTS[prefix] ?? 0);
}

/** Encodes a package as a device sends it (without the newline). Throws BAD_NUMBER for unencodable values. */
export function encodePackage(pkg: DataPackage): string {
  if (pkg.variables.length === 0) throw new MethodScriptError('a package needs at least one variable', 'BAD_NUMBER');
  return `P${pkg.variables.map(encodeVariable).join(';')}`;
}

function encodeVariable(variable: PackageVariable): string {
  if (!TYPE.test(variable.type)) throw new MethodScriptError(`"${variable.type}" is not a variable type`, 'BAD_NUMBER', { type: variable.type });
  let field: string;
  if (Number.isNaN(variable.value)) {
    field = NAN_FIELD;
  } else {
    const { mantissa, prefix } = finestMantissa(variable.value);
    field = (mantissa + OFFSET).toString(16).toUpperCase().padStart(7, '0') + prefix;
  }
  const metadata: string[] = [];
  if (variable.status !== undefined) metadata.push(`1${hexDigits(variable.status, 1, 'status')}`);
  if (variable.rangeIndex !== undefined) metadata.push(`2${hexDigits(variable.rangeIndex, 2, 'range index')}`);
  if (variable.noise !== undefined) metadata.push(`4${variable.noise}`);
  for (const other of variable.otherMetadata ?? []) metadata.push(other);
  return [variable.type + field, ...metadata].join(',');
}

function hexDigits(value: number, digits: number, what: string): string {
  if (!Number.isInteger(value) || value < 0 || value >= 16 ** digits) {
    throw new MethodScriptError(`${what} ${value} does not fit ${digits} hex digit(s)`, 'BAD_NUMBER', { value });
  }
  return value.toString(16).toUpperCase().padStart(digits, '0');
}

function badPackage(line: string, why: string): MethodScriptError {
  return new MethodScriptError(`bad data package: ${why}`, 'BAD_PACKAGE', { line: line.slice(0, 200) });
}
