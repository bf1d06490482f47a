import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * A subcommand of the `operando` CLI. `name` is the words that select it
 * (`analyze gitt`); `run` gets the remaining arguments and returns the exit
 * code: 0 success, 1 failure of the work, 2 bad usage.
 */
export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** Where a command writes; tests pass collectors instead of the process streams. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly cwd: string;
}

/** Thrown for bad arguments: the CLI prints the message and the usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** node:util parseArgs for a command: strict, and any parse failure is a UsageError. */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
