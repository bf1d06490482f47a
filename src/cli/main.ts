import { errorMessage, isOperandoError } from '../core/errors.js';
import { UsageError, type CliCommand, type CliIo } from './command.js';
import { commands } from './commands/index.js';
import { extent } from '../core/extent.js';

/**
 * `operando <command words> [args]`: picks the command whose name matches the
 * longest run of leading words, so `analyze gitt` and `analyze eis` can sit
 * beside `start`, then loads and runs that command only. Help comes from the
 * command table without loading any command.
 */
export async function main(argv: string[], io: CliIo, available: readonly CliCommand[] = commands): Promise<number> {
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    io.stdout(helpText(available));
    return argv.length === 0 ? 2 : 0;
  }
  const command = [...available]
    .sort((a, b) => b.name.split(' ').length - a.name.split(' ').length)
    .find((c) => {
      const words = c.name.split(' ');
      return words.every((w, i) => argv[i] === w);
    });
  if (!command) {
    io.stderr(`operando: unknown command "${argv.slice(0, 2).join(' ')}"\n\n${helpText(available)}`);
    return 2;
  }
  const args = argv.slice(command.name.split(' ').length);
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(`${command.summary}\n\nusage: ${command.usage}\n`);
    return 0;
  }
  try {
    return await (await command.load()).run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`operando ${command.name}: ${e.message}\nusage: ${command.usage}\n`);
      return 2;
    }
    // Known errors carry a clear message; anything else is a bug, still without a stack trace by default.
    const code = isOperandoError(e) ? ` [${e.code}]` : '';
    io.stderr(`operando ${command.name}: ${errorMessage(e)}${code}\n`);
    if (process.env.OPERANDO_DEBUG && e instanceof Error && e.stack) io.stderr(`${e.stack}\n`);
    return 1;
  }
}

function helpText(available: readonly CliCommand[]): string {
  const width = Math.max(extent(available.map((c) => c.name.length))?.max ?? 0, 4);
  const lines = available.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `operando: instrument control and operando acquisition\n\nusage: operando <command> [options]   (operando <command> --help for its options)\n\ncommands:\n${lines.join('\n')}\n`;
}
