import type { SampleConfig } from '../../config/sample.js';
import { startPotentiostatSimulator, type PotentiostatSimulator } from '../../../simulators/potentiostat/start-potentiostat-simulator.js';
import { LiPlatingCell, type CellParameters } from '../../../simulators/potentiostat/cell/index.js';
import type { RunningSimulator, SimulatorDeps } from '../kind.js';
import type { PotentiostatSimulatorConfig } from './config.js';

/** A simulated MethodSCRIPT potentiostat with the lab file's cell, serving on its link. */
export async function startPotentiostatSimulatorOf(config: PotentiostatSimulatorConfig, deps: SimulatorDeps): Promise<RunningSimulator> {
  const simulator = await startPotentiostatSimulator(
    {
      cell: config.cell,
      link: config.link,
      seed: config.seed ?? 0,
      ...(config.port !== undefined && { port: config.port }),
      ...(config.host !== undefined && { host: config.host }),
      ...(config.noise && { noise: config.noise }),
      ...(config.cellParameters && { cellParameters: config.cellParameters }),
    },
    deps.clock,
    deps.logger,
  );
  deps.logger.info({ simulator: config.id, url: simulator.url, cell: config.cell }, 'potentiostat simulator up');
  const cell = simulator.cell;
  return {
    id: config.id,
    kind: 'potentiostat',
    url: simulator.url,
    instance: simulator,
    sample: sampleOfCell(cell.parameters),
    ...(cell instanceof LiPlatingCell && { liDeposit: () => cell.deposit() }),
    placeInside: (host) => {
      cell.setTemperatureK(host.temperatureK());
      const subscription = host.temperatureK$.subscribe((k) => cell.setTemperatureK(k));
      return () => subscription.unsubscribe();
    },
    close: () => simulator.close(),
  };
}

/** The potentiostat simulator behind a running simulator of this kind (tests, fault injection). */
export function potentiostatSimulatorOf(running: RunningSimulator): PotentiostatSimulator {
  if (running.kind !== 'potentiostat') throw new Error(`simulator ${running.id} is a ${running.kind}, not a potentiostat`);
  return running.instance as PotentiostatSimulator;
}

/**
 * The sample as the simulated cell knows it: what GITT and EIS analyses need
 * (mass, molar mass and volume, area, radius, capacity; pellet geometry).
 */
function sampleOfCell(p: CellParameters): SampleConfig {
  if (p.kind === 'blocking-pellet') return { name: `${p.material} pellet (simulated)`, thicknessCm: p.thicknessCm, areaCm2: p.areaCm2 };
  if (p.kind === 'li-plating') return { name: 'Li plated on Cu (simulated)', areaCm2: p.areaCm2 };
  return {
    name: `${p.hostFormula} (simulated)`,
    massG: p.massG,
    molarMassGPerMol: p.molarMassGPerMol,
    molarVolumeCm3PerMol: p.molarVolumeCm3PerMol,
    areaCm2: p.areaCm2,
    particleRadiusCm: p.particleRadiusCm,
    theoreticalCapacityMah: p.theoreticalCapacityMAh,
    capacityPerUnitXMah: p.capacityPerUnitXMAh,
    initialX: p.initialX,
  };
}
