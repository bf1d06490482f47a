import type { Clock } from '../../src/core/clock.js';
import type { TcpListenOptions } from '../common/tcp-endpoint.js';
import { EurothermSimulator } from './eurotherm/eurotherm-simulator.js';
import { LakeShore336Simulator } from './lakeshore336/lakeshore336-simulator.js';
import { THERMAL_PRESETS, type ThermalPresetName } from './presets.js';
import type { TemperatureSimulator } from './temperature-simulator.js';

/** What the lab file says of a temperature simulator (src/kinds/temperature/config.ts, TemperatureSimulatorSchema); `port` and `host` for a TCP link. */
export interface TemperatureSimulatorSpec extends TcpListenOptions {
  readonly model: 'eurotherm' | 'lakeshore336';
  readonly preset: ThermalPresetName;
  readonly link: 'tcp' | 'pty';
  /** Default 0. */
  readonly seed?: number;
}

/** Starts the simulator of a model on its link; its `url` is what the matching driver opens. */
export function startTemperatureSimulator(spec: TemperatureSimulatorSpec, clock: Clock): Promise<TemperatureSimulator> {
  const options = { clock, preset: THERMAL_PRESETS[spec.preset], seed: spec.seed ?? 0, link: spec.link, port: spec.port, host: spec.host };
  return spec.model === 'eurotherm' ? EurothermSimulator.start(options) : LakeShore336Simulator.start(options);
}
