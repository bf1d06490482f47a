import type { SimulatorConfig } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { startPotentiostatSimulator, type PotentiostatSimulator } from '../../simulators/potentiostat/start-potentiostat-simulator.js';
import { startTemperatureSimulator } from '../../simulators/temperature/start-temperature-simulator.js';
import type { TemperatureSimulator } from '../../simulators/temperature/temperature-simulator.js';

/** A simulator of the lab file, serving its instrument's wire protocol at `url`. */
export type RunningSimulator =
  | { readonly id: string; readonly kind: 'potentiostat'; readonly url: string; readonly simulator: PotentiostatSimulator; close(): Promise<void> }
  | { readonly id: string; readonly kind: 'temperature'; readonly url: string; readonly simulator: TemperatureSimulator; close(): Promise<void> };

/**
 * Puts a simulated cell inside a simulated furnace or NMR probe: the cell's
 * temperature follows the plant's true temperature. Returns the unsubscribe.
 */
export function placeCellInside(cellSim: RunningSimulator, host: RunningSimulator): () => void {
  if (cellSim.kind !== 'potentiostat' || host.kind !== 'temperature') throw new Error(`${cellSim.id} cannot sit inside ${host.id}`);
  const cell = cellSim.simulator.cell;
  cell.setTemperatureK(host.simulator.simulation.snapshot().trueTemperatureK);
  const subscription = host.simulator.simulation.state$.subscribe((s) => cell.setTemperatureK(s.trueTemperatureK));
  return () => subscription.unsubscribe();
}

export async function startSimulator(config: SimulatorConfig, deps: { clock: Clock; logger: Logger }): Promise<RunningSimulator> {
  if (config.kind === 'potentiostat') {
    const simulator = await startPotentiostatSimulator(
      { cell: config.cell, link: config.link, seed: config.seed ?? 0, ...(config.noise && { noise: config.noise }), ...(config.cellParameters && { cellParameters: config.cellParameters }) },
      deps.clock,
      deps.logger,
    );
    deps.logger.info({ simulator: config.id, url: simulator.url, cell: config.cell }, 'potentiostat simulator up');
    return { id: config.id, kind: 'potentiostat', url: simulator.url, simulator, close: () => simulator.close() };
  }
  const simulator = await startTemperatureSimulator({ model: config.model, preset: config.preset, link: config.link, seed: config.seed ?? 0 }, deps.clock);
  deps.logger.info({ simulator: config.id, url: simulator.url, model: config.model }, 'temperature simulator up');
  return { id: config.id, kind: 'temperature', url: simulator.url, simulator, close: () => simulator.close() };
}

/** `sim://ID` in a lab file means the URL the simulator ID serves on. */
export function resolveTransportUrl(url: string, simulators: readonly RunningSimulator[]): string {
  const sim = /^sim:\/\/(.+)$/.exec(url);
  if (!sim) return url;
  const found = simulators.find((s) => s.id === sim[1]);
  if (!found) throw new Error(`no running simulator ${sim[1]}`);
  return found.url;
}
