import { liPlatingPresets } from '../../../simulators/potentiostat/cell/presets.js';
import { cellPresetNames } from '../../../simulators/potentiostat/cell/types.js';
import type { InstrumentKind } from '../kind.js';
import { PotentiostatInstrumentSchema, PotentiostatSimulatorSchema, type PotentiostatInstrumentConfig, type PotentiostatSimulatorConfig } from './config.js';

/** Potentiostats: GITT, EIS and every electrochemical step (drivers/potentiostat/, simulators/potentiostat/). */
export const potentiostatKind: InstrumentKind<PotentiostatInstrumentConfig, PotentiostatSimulatorConfig> = {
  name: 'potentiostat',
  instrumentSchema: PotentiostatInstrumentSchema,
  simulatorIsThermalHost: false,
  simulatorSchema: PotentiostatSimulatorSchema,
  configProblem: (config) => (config.limits.minV < config.limits.maxV ? null : { path: '/limits', message: 'minV must be below maxV' }),
  simulatorMismatch: () => null,
  simulatorHasLiDeposit: (config) => Object.hasOwn(liPlatingPresets, config.cell),
  connect: async (config, deps) => (await import('./connect.js')).connectPotentiostat(config, deps),
  startSimulator: async (config, deps) => (await import('./simulator.js')).startPotentiostatSimulatorOf(config, deps),
  simulatorModels: {
    potentiostat: {
      description: 'PalmSens MethodSCRIPT potentiostat (EmStat4) with a simulated cell',
      variant: { key: 'cell', choices: cellPresetNames, default: 'LixV2O5' },
      entry: (id, { variant, ...listen }) => ({ id, kind: 'potentiostat', cell: variant, ...listen }),
    },
  },
};
