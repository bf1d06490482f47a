import { STANDALONE_MCA_PRESET_NAMES } from '../../../simulators/ndp/preset-names.js';
import type { InstrumentKind } from '../kind.js';
import { McaInstrumentSchema, McaSimulatorSchema, type McaInstrumentConfig, type McaSimulatorConfig } from './config.js';
import { mcaInstrumentProblem, mcaSimulatorProblem } from './config-problems.js';

/** Multichannel analysers: the NDP detector's spectra and its neutron monitor (drivers/mca/, simulators/ndp/). */
export const mcaKind: InstrumentKind<McaInstrumentConfig, McaSimulatorConfig> = {
  name: 'mca',
  instrumentSchema: McaInstrumentSchema,
  simulatorIsThermalHost: false,
  simulatorSchema: McaSimulatorSchema,
  configProblem: mcaInstrumentProblem,
  simulatorConfigProblem: mcaSimulatorProblem,
  simulatorMismatch: (config, simulator) =>
    config.driver === 'amptek-dp5' && simulator.model === 'dp5' ? null : `simulator "${simulator.id}" is a ${simulator.model}, the driver is ${config.driver}`,
  connect: async (config, deps) => (await import('./connect.js')).connectMca(config, deps),
  startSimulator: async (config, deps) => (await import('./simulator.js')).startMcaSimulatorOf(config, deps),
  simulatorModels: {
    dp5: {
      description: 'Amptek DP5 multichannel analyser (DP5 packets over TCP or a pseudo-terminal; UDP from a lab file)',
      // ndp-li-on-cu needs a cell of another simulator: from a lab file only.
      variant: { key: 'preset', choices: STANDALONE_MCA_PRESET_NAMES, default: 'two-peaks' },
      entry: (id, { variant, ...listen }) => ({ id, kind: 'mca', model: 'dp5', preset: variant, ...listen }),
    },
  },
};
