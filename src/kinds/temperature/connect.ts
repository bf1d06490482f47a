import { openTemperatureController } from '../../../drivers/temperature/open-temperature-controller.js';
import type { ConnectableInstrument, ConnectDeps } from '../kind.js';
import type { TemperatureInstrumentConfig } from './config.js';
import { TemperatureInstrument } from './instrument.js';

/** The driver a controller's lab-file entry names, on its transport, behind the limits guard. */
export async function connectTemperatureController(config: TemperatureInstrumentConfig, deps: ConnectDeps): Promise<ConnectableInstrument> {
  const controller = await openTemperatureController({ driver: config.driver, url: deps.url, ...(config.options && { options: config.options }) });
  return new TemperatureInstrument(config, controller, deps.logger);
}
