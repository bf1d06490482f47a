import { THERMAL_PRESETS } from '../../../simulators/temperature/presets.js';
import type { InstrumentKind, SimulatorModel } from '../kind.js';
import { TemperatureInstrumentSchema, TemperatureSimulatorSchema, type TemperatureInstrumentConfig, type TemperatureSimulatorConfig } from './config.js';
import { temperatureLimitsProblem } from './limits.js';

/** Temperature controllers: furnaces and NMR VT units (drivers/temperature/, simulators/temperature/). */
export const temperatureKind: InstrumentKind<TemperatureInstrumentConfig, TemperatureSimulatorConfig> = {
  name: 'temperature',
  instrumentSchema: TemperatureInstrumentSchema,
  simulatorIsThermalHost: true,
  simulatorSchema: TemperatureSimulatorSchema,
  configProblem: (config) => {
    const problem = temperatureLimitsProblem(config.limits);
    return problem && { path: problem.field === 'minK' ? '/limits' : `/limits/${problem.field}`, message: problem.message };
  },
  simulatorMismatch: (config, simulator) => (simulator.model === config.driver ? null : `simulator "${simulator.id}" speaks ${simulator.model}, the driver is ${config.driver}`),
  connect: async (config, deps) => (await import('./connect.js')).connectTemperatureController(config, deps),
  startSimulator: async (config, deps) => (await import('./simulator.js')).startTemperatureSimulatorOf(config, deps),
  simulatorModels: {
    eurotherm: controllerModel('eurotherm', 'Eurotherm 2000/3000 temperature controller (Modbus TCP, or Modbus RTU on a pseudo-terminal)'),
    lakeshore336: controllerModel('lakeshore336', 'Lake Shore 336 temperature controller (text commands over TCP or a pseudo-terminal)'),
  },
};

function controllerModel(model: TemperatureSimulatorConfig['model'], description: string): SimulatorModel {
  return {
    description,
    variant: { key: 'preset', choices: Object.keys(THERMAL_PRESETS), default: 'furnace' },
    entry: (id, { variant, ...listen }) => ({ id, kind: 'temperature', model, preset: variant, ...listen }),
  };
}
