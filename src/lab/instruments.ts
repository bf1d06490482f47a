import type { InstrumentConfig } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Instrument } from '../instruments/instrument.js';
import type { RunningSimulator } from '../kinds/kind.js';
import { kindOf } from '../kinds/registry.js';
import { resolveTransportUrl, simulatorOf } from './simulators.js';

/**
 * Opens an instrument's driver on its transport through its kind's factory
 * and identifies it. An instrument that does not answer is still registered,
 * as `error`, so the lab comes up and the API shows what is wrong.
 */
export async function connectInstrument(config: InstrumentConfig, deps: { clock: Clock; logger: Logger; simulators: readonly RunningSimulator[] }): Promise<Instrument> {
  const { clock, logger, simulators } = deps;
  const url = resolveTransportUrl(config.transport, simulators);
  const simulator = simulatorOf(config.transport, simulators);
  const instrument = await kindOf(config).connect(config, { clock, logger, url, ...(simulator && { simulator }) });
  try {
    await instrument.connect();
  } catch (e) {
    logger.error({ instrument: config.id, url, err: errorMessage(e) }, `${config.kind} did not answer`);
  }
  return instrument;
}
