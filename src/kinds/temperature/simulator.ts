import { map } from 'rxjs';
import { startTemperatureSimulator } from '../../../simulators/temperature/start-temperature-simulator.js';
import type { TemperatureSimulator } from '../../../simulators/temperature/temperature-simulator.js';
import type { RunningSimulator, SimulatorDeps } from '../kind.js';
import type { TemperatureSimulatorConfig } from './config.js';

/** A simulated controller of the lab file's model with its thermal plant; other simulators can sit inside it. */
export async function startTemperatureSimulatorOf(config: TemperatureSimulatorConfig, deps: SimulatorDeps): Promise<RunningSimulator> {
  const { model, preset, link, seed, port, host } = config;
  const simulator = await startTemperatureSimulator({ model, preset, link, seed: seed ?? 0, ...(port !== undefined && { port }), ...(host !== undefined && { host }) }, deps.clock);
  deps.logger.info({ simulator: config.id, url: simulator.url, model: config.model }, 'temperature simulator up');
  const { simulation } = simulator;
  return {
    id: config.id,
    kind: 'temperature',
    url: simulator.url,
    instance: simulator,
    thermalHost: {
      temperatureK: () => simulation.snapshot().trueTemperatureK,
      temperatureK$: simulation.state$.pipe(map((s) => s.trueTemperatureK)),
    },
    close: () => simulator.close(),
  };
}

/** The temperature simulator behind a running simulator of this kind (tests, fault injection). */
export function temperatureSimulatorOf(running: RunningSimulator): TemperatureSimulator {
  if (running.kind !== 'temperature') throw new Error(`simulator ${running.id} is a ${running.kind}, not a temperature controller`);
  return running.instance as TemperatureSimulator;
}
