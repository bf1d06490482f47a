import { AmptekDp5 } from '../../../drivers/mca/amptek-dp5/amptek-dp5.js';
import { DP5_MCA_TRAITS, Dp5McaDevice } from '../../../drivers/mca/amptek-dp5/dp5-mca-device.js';
import type { DeviceLink } from '../../instruments/device-link.js';
import type { ConnectableInstrument, ConnectDeps, RunningSimulator } from '../kind.js';
import type { McaInstrumentConfig, McaOptions } from './config.js';
import { DEFAULT_MCA_CHANNELS, type McaDevice } from './device.js';
import { McaInstrument } from './instrument.js';

/** The driver an MCA's lab-file entry names (the DP5), on its transport; each (re)connect opens a new link. */
export async function connectMca(config: McaInstrumentConfig, deps: ConnectDeps): Promise<ConnectableInstrument> {
  const calibrated = withSimulatedCalibration(config, deps.simulator);
  return new McaInstrument(calibrated, () => openMcaLink(deps.url, config.options), deps.logger, deps.clock, DP5_MCA_TRAITS);
}

/**
 * On a simulated detector (`sim://`) the instrument and the simulator use one
 * energy calibration, the one every spectrum records: the lab file's when it
 * gives one (the simulator adopts it), else the simulator's (as a simulated
 * cell fills in what a potentiostat's sample leaves out).
 */
function withSimulatedCalibration(config: McaInstrumentConfig, simulator: RunningSimulator | undefined): McaInstrumentConfig {
  if (!simulator?.agreeEnergyCalibration) return config;
  const channels = config.options?.channels ?? DEFAULT_MCA_CHANNELS;
  const [c0, c1, c2] = simulator.agreeEnergyCalibration(channels, config.options?.energyCalibrationKeV ?? null);
  return { ...config, options: { ...config.options, energyCalibrationKeV: [c0, c1, c2] } };
}

/** A DP5 driver on a new transport to `url`; the link is lost when the transport errors or ends. */
export async function openMcaLink(url: string, options: McaOptions = {}): Promise<DeviceLink<McaDevice>> {
  const { replyTimeoutMs, connectTimeoutMs, udpPort, lineBaudRate } = options;
  const driver = await AmptekDp5.open(url, {
    ...(replyTimeoutMs !== undefined && { replyTimeoutMs }),
    ...(connectTimeoutMs !== undefined && { connectTimeoutMs }),
    ...(udpPort !== undefined && { udpPort }),
    ...(lineBaudRate !== undefined && { lineBaudRate }),
  });
  const device = new Dp5McaDevice(driver);
  return { device, lost: driver.lost, close: () => device.close() };
}
