import { ScaledClock } from '../../core/clock.js';
import type { SimulatorModel, StandaloneSimulatorSettings } from '../../kinds/kind.js';
import { SIMULATOR_MODELS, SimulatorSettingsError, checkSimulatorSettings, isSimulatorModelName, startStandaloneSimulator } from '../../kinds/simulator-models.js';
import { parseCommandArgs, UsageError, type CliRunner } from '../command.js';
import { stderrLogger, untilSignal } from '../long-running.js';

const OPTIONS = {
  link: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  cell: { type: 'string' },
  preset: { type: 'string' },
  'time-scale': { type: 'string' },
  seed: { type: 'string' },
  debug: { type: 'boolean' },
} as const;

interface SimulateRequest {
  readonly name: string;
  readonly model: SimulatorModel;
  /** Checked: the variant is one of the model's. */
  readonly settings: StandaloneSimulatorSettings;
  readonly timeScale: number;
  readonly debug: boolean;
}

/**
 * `operando simulate MODEL`: one simulator on its own, for a lab file's
 * `tcp://` or `modbus-tcp://` transport or for third-party software. The URL
 * to open is the only line on stdout (scripts read it); a summary goes to
 * stderr. Runs until SIGINT or SIGTERM, then stops the simulator (its port,
 * its socat) and exits 0.
 */
export const simulateCommand: CliRunner = {
  async run(args, io) {
    const request = parseRequest(args);
    // Listening before the start: a Ctrl-C while it starts still closes what was started.
    const stopped = untilSignal();
    // The summary below says what started; the simulator's own info lines only with --debug.
    const log = stderrLogger(io, request.debug);
    const logger = request.debug ? log : { ...log, info: () => {} };
    const simulator = await startStandaloneSimulator(request.name, request.settings, { clock: new ScaledClock(request.timeScale), logger });
    io.stdout(`${simulator.url}\n`);
    io.stderr(
      `operando simulate: ${request.name}, ${request.model.description}; ${request.model.variant.key} ${request.settings.variant}, seed ${request.settings.seed}, ` +
        `lab time x${request.timeScale}. Stop with Ctrl-C (SIGINT) or SIGTERM.\n`,
    );
    const signal = await stopped;
    await simulator.close();
    io.stderr(`operando simulate: ${signal}: stopped\n`);
    return 0;
  },
};

function parseRequest(args: string[]): SimulateRequest {
  const { values, positionals } = parseCommandArgs(args, OPTIONS, true);
  const models = Object.keys(SIMULATOR_MODELS).join(', ');
  if (positionals.length !== 1) throw new UsageError(`name one simulator model (${models})${positionals.length > 1 ? `, not ${positionals.length}` : ''}`);
  const name = positionals[0]!;
  if (!isSimulatorModelName(name)) throw new UsageError(`unknown model "${name}": one of ${models}`);
  const model = SIMULATOR_MODELS[name]!;
  const { key, choices } = model.variant;
  for (const option of ['cell', 'preset'] as const) {
    if (values[option] !== undefined && option !== key) throw new UsageError(`--${option} does not apply to ${name}, which takes --${key} ${choices.join('|')}`);
  }
  let settings: StandaloneSimulatorSettings;
  try {
    settings = checkSimulatorSettings(model, {
      link: values.link ?? 'tcp',
      ...(values[key] !== undefined && { variant: values[key] }),
      seed: values.seed === undefined ? 0 : integer('--seed', values.seed),
      ...(values.port !== undefined && { port: integer('--port', values.port) }),
      ...(values.host !== undefined && { host: values.host }),
    });
  } catch (e) {
    if (e instanceof SimulatorSettingsError) throw new UsageError(e.message);
    throw e;
  }
  return { name, model, settings, timeScale: timeScale(values['time-scale']), debug: values.debug ?? false };
}

function integer(option: string, text: string): number {
  const value = Number(text);
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(value)) throw new UsageError(`${option} must be an integer, got "${text}"`);
  return value;
}

/** Lab seconds per real second (ScaledClock): positive and finite. */
function timeScale(text: string | undefined): number {
  if (text === undefined) return 1;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) throw new UsageError(`--time-scale must be a number > 0, got "${text}"`);
  return value;
}
