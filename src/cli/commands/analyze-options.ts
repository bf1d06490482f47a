import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { decodeText } from '../../io/text.js';
import { parseCommandArgs, UsageError, type CliIo } from '../command.js';

/** Arguments of the `analyze` commands: options and the input file(s) as positionals. */
export function parseAnalyzeArgs<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  return parseCommandArgs(args, options, true);
}

/** The one positional argument (the data file). */
export function onePositional(positionals: string[], what: string): string {
  if (positionals.length !== 1) throw new UsageError(`expected one ${what}, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`);
  return positionals[0]!;
}

/** A required option that must be a finite number > 0, in the unit its flag names. */
export function positiveNumber(value: string | undefined, flag: string): number {
  if (value === undefined) throw new UsageError(`--${flag} is required`);
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number <= 0) throw new UsageError(`--${flag} must be a number > 0, got "${value}"`);
  return number;
}

/** Reads a text file (UTF-8 or the Latin-1 of instrument exports) named relative to the working directory; a missing file is a usage error. */
export async function readInputFile(io: CliIo, path: string): Promise<string> {
  try {
    return decodeText(await readFile(isAbsolute(path) ? path : join(io.cwd, path)));
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/** A value with its standard error for the readable summaries, e.g. `0.315 ± 0.004 eV`. */
export function withError(estimate: { value: number; stderr: number }, unit: string, digits = 4): string {
  return `${estimate.value.toPrecision(digits)} ± ${estimate.stderr.toPrecision(2)} ${unit}`;
}
