import type { CliCommand } from '../command.js';

/** Every CLI subcommand; `operando help` lists them in this order. */
export const commands: CliCommand[] = [];
