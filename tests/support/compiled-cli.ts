import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The repository's root: the compiled CLI runs from here (`npm run build` first; scripts/test.sh does). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'bin', 'operando.js');
/** A loader hook that logs every module loaded (`--import HOOK`, log file in OPERANDO_MODULE_LOG). */
export const MODULE_LOG_HOOK = join(ROOT, 'tests', 'support', 'log-loaded-modules.js');
/** The URL prefix of the compiled command modules. */
export const COMMAND_MODULES = pathToFileURL(join(ROOT, 'dist', 'src', 'cli', 'commands')).href + '/';
/** Packages that only the lab, its API and the instruments need: an analyze command must not load them. */
export const LAB_ONLY_PACKAGES = /\/node_modules\/(fastify|@fastify|serialport|@serialport|better-sqlite3|ws|modbus-serial)\//;

export interface ProcessOutcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs node with `args` (e.g. `[BIN, 'analyze', ...]`, or with `--import` first) from the root; resolves with the exit code and both streams. */
export async function runNode(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<ProcessOutcome> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, args, { cwd: ROOT, env, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** The compiled CLI as a user runs it. */
export function operando(...args: string[]): Promise<ProcessOutcome> {
  return operandoWith(args);
}

/** The same, with the arguments as one list (built by the test). */
export function operandoWith(args: readonly string[]): Promise<ProcessOutcome> {
  return runNode([BIN, ...args]);
}
