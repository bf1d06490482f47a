import type { Clock } from '../../src/core/clock.js';
import type { Logger } from '../../src/core/logger.js';
import type { TcpListenOptions } from '../common/tcp-endpoint.js';
import { createCell, type CellPresetName } from './cell/index.js';
import type { DeviceIdentity } from './defaults.js';
import { PotentiostatSimulator } from './potentiostat-simulator.js';
import type { NoiseSettings } from './simulated-channel.js';

export type { PotentiostatSimulator } from './potentiostat-simulator.js';

export interface PotentiostatSimulatorConfig extends TcpListenOptions {
  readonly cell: CellPresetName;
  /** `pty`: a socat pseudo-terminal pair (the URL is `serial://...`); `tcp`: a port (`port`, `host`; default a free loopback port). */
  readonly link: 'pty' | 'tcp';
  readonly seed: number;
  readonly noise?: NoiseSettings;
  readonly identity?: Partial<DeviceIdentity>;
  /** Overrides of the preset's parameters (e.g. `initialX`); the cell model validates them. */
  readonly cellParameters?: Readonly<Record<string, number>>;
}

/** A simulator of the lab file: a cell of the preset, serving on its link; `simulator.url` is where. */
export async function startPotentiostatSimulator(config: PotentiostatSimulatorConfig, clock: Clock, logger?: Logger): Promise<PotentiostatSimulator> {
  const simulator = new PotentiostatSimulator({
    cell: createCell(config.cell, config.cellParameters as Parameters<typeof createCell>[1]),
    clock,
    seed: config.seed,
    ...(config.noise && { noise: config.noise }),
    ...(config.identity && { identity: config.identity }),
    ...(logger && { logger }),
  });
  try {
    if (config.link === 'pty') await simulator.servePty();
    else await simulator.listen(config.port, config.host);
  } catch (e) {
    await simulator.close();
    throw e;
  }
  return simulator;
}
