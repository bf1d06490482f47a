import { Dp5Simulator } from '../../../simulators/ndp/dp5-simulator.js';
import { spectrumSourceForPreset } from '../../../simulators/ndp/ndp-presets.js';
import { NdpSpectrumSource } from '../../../simulators/ndp/ndp-source.js';
import { SAMPLE_PRESET_NAMES } from '../../../simulators/ndp/preset-names.js';
import type { RunningSimulator, SimulatorDeps } from '../kind.js';
import type { McaSimulatorConfig } from './config.js';

/**
 * A simulated DP5 of the lab file, serving on its link, with what its
 * detector sees (`preset`): two peaks, or the NDP model of a fixed Li layer
 * or of the cell of the potentiostat simulator named by `sample` (the lab
 * hands that cell's deposit to `profileLiOf`). An NDP detector agrees its
 * energy calibration with the instrument that reads it.
 */
export async function startMcaSimulatorOf(config: McaSimulatorConfig, deps: SimulatorDeps): Promise<RunningSimulator> {
  const preset = config.preset ?? 'two-peaks';
  const source = spectrumSourceForPreset(preset, config.ndp ?? {}, deps.clock, deps.logger);
  const ndp = source instanceof NdpSpectrumSource ? source : null;
  let simulator: Dp5Simulator;
  try {
    simulator = await Dp5Simulator.start({
      clock: deps.clock,
      link: config.link,
      source,
      seed: config.seed ?? 0,
      logger: deps.logger,
      ...(config.port !== undefined && { port: config.port }),
      ...(config.host !== undefined && { host: config.host }),
    });
  } catch (e) {
    ndp?.close();
    throw e;
  }
  deps.logger.info({ simulator: config.id, url: simulator.url, model: config.model, preset }, 'MCA simulator up');
  return {
    id: config.id,
    kind: 'mca',
    url: simulator.url,
    instance: simulator,
    ...(ndp && SAMPLE_PRESET_NAMES.includes(preset) && { profileLiOf: (deposit) => ndp.follow(deposit) }),
    ...(ndp && { agreeEnergyCalibration: (channels, instrumentKeV) => ndp.agreeEnergyCalibration(channels, instrumentKeV) }),
    close: async () => {
      ndp?.close();
      await simulator.close();
    },
  };
}

/** The DP5 simulator behind a running simulator of this kind (tests, fault injection, another spectrum source). */
export function dp5SimulatorOf(running: RunningSimulator): Dp5Simulator {
  if (running.kind !== 'mca') throw new Error(`simulator ${running.id} is a ${running.kind}, not an MCA`);
  return running.instance as Dp5Simulator;
}

/** The NDP model behind a running simulator with an NDP preset (tests and fault injection: the beam, the calibration). */
export function ndpSourceOf(running: RunningSimulator): NdpSpectrumSource {
  const source = dp5SimulatorOf(running).device.currentSource();
  if (!(source instanceof NdpSpectrumSource)) throw new Error(`simulator ${running.id} has no NDP source (presets ndp-li-layer, ndp-li-on-cu)`);
  return source;
}
