import { loadLabConfig } from '../../config/load.js';
import type { Logger } from '../../core/logger.js';
import { startLab } from '../../lab/lab.js';
import { parseCommandArgs, UsageError, type CliCommand, type CliIo } from '../command.js';

export const DEFAULT_LAB_FILE = 'config/simulated-lab.yaml';

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

export const startCommand: CliCommand = {
  name: 'start',
  summary: 'Start the lab of a lab file: simulators, instruments, store, API and dashboard',
  usage: `operando start [--config FILE] [--port N] [--debug]   (default FILE: ${DEFAULT_LAB_FILE})`,
  async run(args, io) {
    const { values } = parseCommandArgs(args, { config: { type: 'string' }, port: { type: 'string' }, debug: { type: 'boolean' } });
    const port = values.port !== undefined ? Number(values.port) : undefined;
    if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new UsageError(`--port must be 0..65535, got ${values.port}`);
    const logger = stderrLogger(io, values.debug);
    const loaded = await loadLabConfig(values.config ?? DEFAULT_LAB_FILE);
    const lab = await startLab(loaded, { logger, api: true, ...(port !== undefined && { port }) });
    const { config } = loaded;
    io.stdout(
      `operando: ${config.lab.name} is up at ${lab.url} (lab time x${config.lab.timeScale})\n` +
        `  instruments: ${lab.instruments.all().map((i) => `${i.id} (${i.status().connection})`).join(', ')}\n` +
        `  store: ${config.store.path}\n  dashboard: ${lab.url}/  API description: ${lab.url}/docs/openapi.json\n` +
        `  stop with Ctrl-C (runs are aborted, cells switched off, heaters to their safe setpoints)\n`,
    );
    const signal = await untilSignal();
    io.stdout(`operando: ${signal}: shutting down\n`);
    await lab.close();
    return 0;
  },
};
