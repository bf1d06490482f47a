import { MethodScriptError } from './errors.js';

/** MethodSCRIPT's SI prefixes and their powers of ten (space = none; `i` = integer). */
export const SI_PREFIX_EXPONENTS: Readonly<Record<string, number>> = {
  a: -18,
  f: -15,
  p: -12,
  n: -9,
  u: -6,
  m: -3,
  ' ': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
  i: 0,
};

/** The SI prefixes from the finest to the coarsest (no space, no `i`). */
const FINE_TO_COARSE = ['a', 'f', 'p', 'n', 'u', 'm', '', 'k', 'M', 'G', 'T', 'P', 'E'] as const;

function exponentOf(prefix: string): number {
  return SI_PREFIX_EXPONENTS[prefix === '' ? ' ' : prefix] ?? 0;
}

/**
 * mantissa x 10^exponent, exactly rounded: dividing by 10^-e (an exact double
 * up to 1e22) gives -0.499905 for -499905u, where multiplying by 1e-6 gives
 * -0.49990499999999997.
 */
export function scaleByPowerOfTen(mantissa: number, exponent: number): number {
  return exponent < 0 ? mantissa / 10 ** -exponent : mantissa * 10 ** exponent;
}

/**
 * The mantissa of `value` with the finest prefix that keeps it below 10^8 in
 * magnitude: how the devices write package values (the PROTOCOLS.md vectors:
 * +100 mV is 100000u, not 100000000n; 9885.956 ohm is 9885956m).
 */
export function finestMantissa(value: number, limit = 1e8): { mantissa: number; prefix: string } {
  if (!Number.isFinite(value)) throw new MethodScriptError(`${value} has no MethodSCRIPT representation`, 'BAD_NUMBER', { value });
  for (const prefix of FINE_TO_COARSE) {
    const mantissa = Math.round(scaleByPowerOfTen(value, -exponentOf(prefix)));
    if (Math.abs(mantissa) < limit) return { mantissa: mantissa === 0 ? 0 : mantissa, prefix: prefix === '' ? ' ' : prefix };
  }
  throw new MethodScriptError(`${value} is too large for MethodSCRIPT`, 'BAD_NUMBER', { value });
}

/** Script literals are 32-bit signed integers with a prefix. */
const LITERAL_LIMIT = 2 ** 31;

/**
 * A number as a script literal: an integer with an SI prefix (`100m`, `2`,
 * `500u`, `100k`). Takes the coarsest prefix that writes the value exactly
 * (to 1e-9 relative); a value no prefix writes exactly (1/30 mA) is rounded
 * with the finest prefix whose mantissa fits 32 bits (7 significant digits or more).
 */
export function formatSi(value: number): string {
  if (!Number.isFinite(value)) throw new MethodScriptError(`${value} cannot be written in a script`, 'BAD_NUMBER', { value });
  if (value === 0) return '0';
  for (const prefix of [...FINE_TO_COARSE].reverse()) {
    const scaled = scaleByPowerOfTen(value, -exponentOf(prefix));
    const rounded = Math.round(scaled);
    if (rounded !== 0 && Math.abs(scaled - rounded) <= 1e-9 * Math.abs(scaled) && Math.abs(rounded) < LITERAL_LIMIT) return `${rounded}${prefix}`;
  }
  const { mantissa, prefix } = finestMantissa(value, LITERAL_LIMIT);
  return `${mantissa}${prefix.trim()}`;
}

/** An integer literal (`11i`): counts such as the number of EIS frequencies. */
export function formatInteger(value: number): string {
  if (!Number.isSafeInteger(value)) throw new MethodScriptError(`${value} is not an integer`, 'BAD_NUMBER', { value });
  return `${value}i`;
}

const LITERAL = /^([-+]?\d+)([afpnumkMGTPEi]?)$/;

/** Reads a script literal (`-500m`, `11i`, `2`); undefined when the text is not one. */
export function parseSiLiteral(text: string): { value: number; integer: boolean } | undefined {
  const match = LITERAL.exec(text);
  if (!match) return undefined;
  const [, digits = '', prefix = ''] = match;
  const mantissa = Number(digits);
  if (!Number.isSafeInteger(mantissa)) return undefined;
  return { value: scaleByPowerOfTen(mantissa, exponentOf(prefix)), integer: prefix === 'i' };
}
