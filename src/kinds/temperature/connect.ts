import { openTemperatureController } from '../../../drivers/temperature/open-temperature-controller.js';
import type { DeviceLink } from '../../instruments/device-link.js';
import type { ConnectableInstrument, ConnectDeps } from '../kind.js';
import type { TemperatureInstrumentConfig } from './config.js';
import { TemperatureInstrument } from './instrument.js';
import { LimitedTemperatureController } from './limits.js';

/** The driver a controller's lab-file entry names, on its transport, behind the limits guard; each (re)connect opens a new link. */
export async function connectTemperatureController(config: TemperatureInstrumentConfig, deps: ConnectDeps): Promise<ConnectableInstrument> {
  return new TemperatureInstrument(config, () => openTemperatureLink(config, deps.url), deps.logger);
}

/** The lab file's driver on a new link to `url`, behind a guard with the entry's limits. */
export async function openTemperatureLink(config: Pick<TemperatureInstrumentConfig, 'id' | 'driver' | 'limits' | 'options'>, url: string): Promise<DeviceLink<LimitedTemperatureController>> {
  const controller = await openTemperatureController({ driver: config.driver, url, ...(config.options && { options: config.options }) });
  const guarded = new LimitedTemperatureController(controller, config.limits, config.id);
  return { device: guarded, lost: guarded.linkLost, close: () => guarded.close() };
}
