import type { Logger } from '../core/logger.js';
import type { CliIo } from './command.js';

/** Log lines as JSON on stderr, one per event (stdout stays for results). */
export function stderrLogger(io: CliIo, debug = false): Logger {
  const line = (level: string) => (obj: object | string, msg?: string) => {
    const fields = typeof obj === 'string' ? { msg: obj } : { ...obj, ...(msg !== undefined && { msg }) };
    io.stderr(`${JSON.stringify({ level, time: new Date().toISOString(), ...fields })}\n`);
  };
  return { info: line('info'), warn: line('warn'), error: line('error'), debug: debug ? line('debug') : () => {} };
}

/** Resolves when SIGINT or SIGTERM arrives. */
export function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string) => () => resolve(signal);
    process.once('SIGINT', on('SIGINT'));
    process.once('SIGTERM', on('SIGTERM'));
  });
}
