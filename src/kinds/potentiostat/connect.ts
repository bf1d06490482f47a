import { MethodScriptPotentiostat } from '../../../drivers/potentiostat/methodscript/potentiostat.js';
import { errorMessage } from '../../core/errors.js';
import { openTransport } from '../../transport/index.js';
import type { ConnectableInstrument, ConnectDeps } from '../kind.js';
import type { PotentiostatInstrumentConfig } from './config.js';
import { PotentiostatInstrument } from './instrument.js';

/**
 * The driver a potentiostat's lab-file entry names, on its transport, behind
 * the instrument's limits. In a simulated lab, what the entry's sample does
 * not say is taken from the simulated cell (mass, area, radius, capacity).
 */
export async function connectPotentiostat(config: PotentiostatInstrumentConfig, deps: ConnectDeps): Promise<ConnectableInstrument> {
  // MethodSCRIPT devices talk at 230400 baud (EmStat Pico) unless the URL says otherwise (921600 for EmStat4/Nexus).
  const transport = await openTransport(deps.url, { defaultBaudRate: 230400 });
  const device = new MethodScriptPotentiostat(transport, { clock: deps.clock, logger: deps.logger });
  const simulated = deps.simulator?.sample;
  const sample = simulated ? { ...simulated, ...config.sample } : config.sample;
  const instrument = new PotentiostatInstrument({ ...config, ...(sample && { sample }) }, device, deps.logger);
  transport.data$.subscribe({ error: (e: unknown) => instrument.markDisconnected(errorMessage(e)) });
  return instrument;
}
