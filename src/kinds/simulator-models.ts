import { OperandoError } from '../core/errors.js';
import type { RunningSimulator, SimulatorDeps, SimulatorModel, StandaloneSimulatorSettings } from './kind.js';
import { KINDS, kindOf, type KindName } from './registry.js';

/**
 * The simulator models of every kind, by name (`potentiostat`, `eurotherm`,
 * `lakeshore336`, next `dp5`): what `operando simulate` starts on its own.
 * A model makes a lab-file simulator entry from the command's settings, and
 * the kind's simulator factory, the one the lab uses, starts it. Reading the
 * table loads no simulator (the factories import theirs when they start).
 */
export const SIMULATOR_MODELS: Readonly<Record<string, SimulatorModel & { readonly kind: KindName }>> = Object.fromEntries(
  KINDS.flatMap((kind) => Object.entries(kind.simulatorModels).map(([name, model]) => [name, { ...model, kind: kind.name }])),
);

export const SIMULATOR_LINKS = ['tcp', 'pty'] as const;

export const SIMULATOR_SETTINGS_ERROR_CODES = [
  /** No such cell or preset for the model. */
  'BAD_VARIANT',
  /** Not tcp or pty, or a port or host for a pty. */
  'BAD_LINK',
  /** A port outside 0..65535. */
  'BAD_PORT',
  /** A seed that is not a safe integer. */
  'BAD_SEED',
] as const;

/** Settings a simulator model does not take, refused before anything starts. */
export class SimulatorSettingsError extends OperandoError<(typeof SIMULATOR_SETTINGS_ERROR_CODES)[number]> {}

/** The settings as given: the variant may be absent (the model's default) and the link is not checked yet. */
export type SimulatorSettings = Omit<StandaloneSimulatorSettings, 'variant' | 'link'> & { readonly variant?: string; readonly link: string };

export function isSimulatorModelName(name: string): boolean {
  return Object.hasOwn(SIMULATOR_MODELS, name);
}

/**
 * Checks settings against a model before anything starts and returns them
 * with the chosen variant (the default when none is given). Throws
 * SimulatorSettingsError with a message naming the setting.
 */
export function checkSimulatorSettings(model: SimulatorModel, settings: SimulatorSettings): StandaloneSimulatorSettings {
  const { variant, link, port, host } = settings;
  if (!(SIMULATOR_LINKS as readonly string[]).includes(link)) throw new SimulatorSettingsError(`link must be ${SIMULATOR_LINKS.join(' or ')}, got "${link}"`, 'BAD_LINK', { link });
  if (link === 'pty' && (port !== undefined || host !== undefined)) {
    throw new SimulatorSettingsError('a port or host is for a tcp link: a pty link makes its own pseudo-terminal', 'BAD_LINK', { link, port, host });
  }
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new SimulatorSettingsError(`port must be an integer 0..65535, got ${port}`, 'BAD_PORT', { port });
  if (!Number.isSafeInteger(settings.seed)) throw new SimulatorSettingsError(`seed must be an integer, got ${settings.seed}`, 'BAD_SEED', { seed: settings.seed });
  const chosen = variant ?? model.variant.default;
  if (!model.variant.choices.includes(chosen)) {
    throw new SimulatorSettingsError(`unknown ${model.variant.key} "${chosen}": one of ${model.variant.choices.join(', ')}`, 'BAD_VARIANT', { [model.variant.key]: chosen });
  }
  return { ...settings, link: link as StandaloneSimulatorSettings['link'], variant: chosen };
}

/** Starts model `name` on its own, through its kind's simulator factory; `url` is what a driver opens. */
export async function startStandaloneSimulator(name: string, settings: SimulatorSettings, deps: SimulatorDeps): Promise<RunningSimulator> {
  const model = SIMULATOR_MODELS[name];
  if (!model) throw new SimulatorSettingsError(`unknown model "${name}": one of ${Object.keys(SIMULATOR_MODELS).join(', ')}`, 'BAD_VARIANT', { model: name });
  const entry = model.entry(name, checkSimulatorSettings(model, settings));
  return kindOf(entry).startSimulator(entry, deps);
}
