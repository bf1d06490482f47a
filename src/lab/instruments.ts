import type { InstrumentConfig } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Instrument } from '../instruments/instrument.js';
import type { RunningSimulator } from '../kinds/kind.js';
import { kindOf } from '../kinds/registry.js';
import { resolveTransportUrl, simulatorOf } from './simulators.js';

/**
 * Builds an instrument through its kind's factory and makes its first
 * connection attempt. An instrument that cannot be reached is still
 * registered, as `error`, and keeps trying (with backoff) in the background,
 * so the lab comes up and the API shows what is wrong.
 */
export async function connectInstrument(config: InstrumentConfig, deps: { clock: Clock; logger: Logger; simulators: readonly RunningSimulator[] }): Promise<Instrument> {
  const { clock, logger, simulators } = deps;
  const url = resolveTransportUrl(config.transport, simulators);
  const simulator = simulatorOf(config.transport, simulators);
  const instrument = await kindOf(config).connect(config, { clock, logger, url, ...(simulator && { simulator }) });
  if (!(await instrument.connect())) {
    logger.error({ instrument: config.id, url, err: instrument.status().lastError }, `${config.kind} ${config.id} could not be reached: registered as error, retrying in the background`);
  }
  return instrument;
}
