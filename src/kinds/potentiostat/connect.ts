import { MethodScriptPotentiostat } from '../../../drivers/potentiostat/methodscript/potentiostat.js';
import type { Clock } from '../../core/clock.js';
import { errorMessage } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { DeviceLink } from '../../instruments/device-link.js';
import { openTransport } from '../../transport/index.js';
import type { ConnectableInstrument, ConnectDeps } from '../kind.js';
import type { PotentiostatInstrumentConfig } from './config.js';
import type { PotentiostatDevice } from './device.js';
import { PotentiostatInstrument } from './instrument.js';

/**
 * The driver a potentiostat's lab-file entry names, on its transport, behind
 * the instrument's limits; each (re)connect opens a new link. In a simulated
 * lab, what the entry's sample does not say is taken from the simulated cell
 * (mass, area, radius, capacity).
 */
export async function connectPotentiostat(config: PotentiostatInstrumentConfig, deps: ConnectDeps): Promise<ConnectableInstrument> {
  const simulated = deps.simulator?.sample;
  const sample = simulated ? { ...simulated, ...config.sample } : config.sample;
  return new PotentiostatInstrument({ ...config, ...(sample && { sample }) }, () => openPotentiostatLink(deps.url, deps), deps.logger);
}

/** A MethodSCRIPT driver on a new transport to `url`; the link is lost when the transport errors or ends. */
export async function openPotentiostatLink(url: string, deps: { clock: Clock; logger: Logger }): Promise<DeviceLink<PotentiostatDevice>> {
  // MethodSCRIPT devices talk at 230400 baud (EmStat Pico) unless the URL says otherwise (921600 for EmStat4/Nexus).
  const transport = await openTransport(url, { defaultBaudRate: 230400 });
  const device = new MethodScriptPotentiostat(transport, { clock: deps.clock, logger: deps.logger });
  const lost = new Promise<string>((resolve) =>
    transport.data$.subscribe({ error: (e: unknown) => resolve(errorMessage(e)), complete: () => resolve(`${url}: closed`) }),
  );
  return { device, lost, close: () => device.close() };
}
