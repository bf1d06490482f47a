import { NDP_PRESET_NAMES, SAMPLE_PRESET_NAMES } from '../../../simulators/ndp/preset-names.js';
import type { ConfigProblem } from '../kind.js';
import type { McaInstrumentConfig, McaSimulatorConfig } from './config.js';
import { DEFAULT_MCA_CHANNELS } from './device.js';

/**
 * An energy calibration must increase over the channels: every spectrum
 * carries it, the NDP reduction maps channels to depths by it, and a
 * simulated detector bins its counts by it.
 */
export function mcaInstrumentProblem(config: McaInstrumentConfig): ConfigProblem | null {
  const calibration = config.options?.energyCalibrationKeV;
  if (!calibration) return null;
  const [c0, c1, c2] = calibration;
  const channels = config.options?.channels ?? DEFAULT_MCA_CHANNELS;
  // dE/dch = c1 + 2 c2 ch is linear: positive at both ends of the spectrum means positive throughout.
  if (c1 - c2 > 0 && c1 + 2 * c2 * (channels - 0.5) > 0) return null;
  return { path: '/options/energyCalibrationKeV', message: `E = ${c0} + ${c1} ch + ${c2} ch^2 keV does not increase over channels 0..${channels - 1}` };
}

/** A preset that profiles a cell needs its `sample`, and only such a preset takes one; `ndp` is for the NDP presets. */
export function mcaSimulatorProblem(config: McaSimulatorConfig): ConfigProblem | null {
  const preset = config.preset ?? 'two-peaks';
  const needsSample = SAMPLE_PRESET_NAMES.includes(preset);
  if (needsSample && config.sample === undefined) {
    return { path: '/sample', message: `preset ${preset} profiles the cell of a potentiostat simulator: name it with sample: SIMULATOR-ID (one with cell: Li-on-Cu)` };
  }
  if (!needsSample && config.sample !== undefined) return { path: '/sample', message: `preset ${preset} has a sample of its own: sample is for preset ${SAMPLE_PRESET_NAMES.join(' or ')}` };
  if (config.ndp !== undefined && !NDP_PRESET_NAMES.includes(preset)) return { path: '/ndp', message: `ndp sets the beam and detector of the NDP presets (${NDP_PRESET_NAMES.join(', ')}), not of ${preset}` };
  return null;
}
