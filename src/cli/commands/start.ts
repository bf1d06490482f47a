import { loadLabConfig } from '../../config/load.js';
import { startLab } from '../../lab/lab.js';
import { parseCommandArgs, UsageError, type CliRunner } from '../command.js';
import { DEFAULT_LAB_FILE } from '../defaults.js';
import { stderrLogger, untilSignal } from '../long-running.js';

export const startCommand: CliRunner = {
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
