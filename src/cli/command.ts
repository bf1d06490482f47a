import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * A subcommand of the `operando` CLI as the command table describes it:
 * `name` is the words that select it (`analyze gitt`), `summary` and `usage`
 * its help. `load` imports the command's module, so a start loads only the
 * chosen command and what it needs (an `analyze` command never loads the lab,
 * the API or the serial ports).
 */
export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  load(): Promise<CliRunner>;
}

/** A command's work: `run` gets the arguments after the command's name and returns the exit code: 0 success, 1 failure of the work, 2 bad usage. */
export interface CliRunner {
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
