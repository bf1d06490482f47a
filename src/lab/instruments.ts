import type { InstrumentConfig, SampleConfig } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { MethodScriptPotentiostat } from '../../drivers/potentiostat/methodscript/potentiostat.js';
import { openTemperatureController } from '../../drivers/temperature/open-temperature-controller.js';
import type { CellParameters } from '../../simulators/potentiostat/cell/index.js';
import type { Instrument } from '../instruments/instrument.js';
import { PotentiostatInstrument } from '../instruments/potentiostat-instrument.js';
import { TemperatureInstrument } from '../instruments/temperature-instrument.js';
import { openTransport } from '../transport/index.js';
import { resolveTransportUrl, type RunningSimulator } from './simulators.js';

/**
 * Opens an instrument's driver on its transport and identifies it. An
 * instrument that cannot be reached is still registered, as `error`, so the
 * lab comes up and the API shows what is wrong.
 */
export async function connectInstrument(config: InstrumentConfig, deps: { clock: Clock; logger: Logger; simulators: readonly RunningSimulator[] }): Promise<Instrument> {
  const { clock, logger, simulators } = deps;
  const url = resolveTransportUrl(config.transport, simulators);
  if (config.kind === 'potentiostat') {
    const sample = simulatedSample(config.sample, config.transport, simulators);
    // MethodSCRIPT devices talk at 230400 baud (EmStat Pico) unless the URL says otherwise (921600 for EmStat4/Nexus).
    const transport = await openTransport(url, { defaultBaudRate: 230400 });
    const device = new MethodScriptPotentiostat(transport, { clock, logger });
    const instrument = new PotentiostatInstrument({ ...config, ...(sample && { sample }) }, device, logger);
    transport.data$.subscribe({ error: (e: unknown) => instrument.markDisconnected(errorMessage(e)) });
    try {
      await instrument.connect();
    } catch (e) {
      logger.error({ instrument: config.id, url, err: errorMessage(e) }, 'potentiostat did not answer');
    }
    return instrument;
  }
  const controller = await openTemperatureController({ driver: config.driver, url, ...(config.options && { options: config.options }) });
  const instrument = new TemperatureInstrument(config, controller, logger);
  try {
    await instrument.connect();
  } catch (e) {
    logger.error({ instrument: config.id, url, err: errorMessage(e) }, 'temperature controller did not answer');
  }
  return instrument;
}

/**
 * In a simulated lab the sample is the simulated cell: what the lab file does
 * not say of it is taken from the cell model's true parameters, so GITT and
 * EIS analyses have mass, area, radius and capacity to work with.
 */
function sampleOfCell(p: CellParameters): SampleConfig {
  if (p.kind === 'blocking-pellet') return { name: `${p.material} pellet (simulated)`, thicknessCm: p.thicknessCm, areaCm2: p.areaCm2 };
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

function simulatedSample(sample: SampleConfig | undefined, transport: string, simulators: readonly RunningSimulator[]): SampleConfig | undefined {
  const id = /^sim:\/\/(.+)$/.exec(transport)?.[1];
  const sim = simulators.find((s) => s.id === id);
  if (!sim || sim.kind !== 'potentiostat') return sample;
  return { ...sampleOfCell(sim.simulator.cell.parameters), ...sample };
}
