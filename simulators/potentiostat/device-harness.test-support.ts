import { filter, firstValueFrom } from 'rxjs';
import { decodePackage, type DataPackage } from '../../drivers/potentiostat/methodscript/data-package.js';
import { silentLogger } from '../../src/core/logger.js';
import { Random } from '../common/random.js';
import { createCell, type CellModel, type CellPresetName } from './cell/index.js';
import { SIMULATOR_DEFAULTS, type DeviceIdentity } from './defaults.js';
import { MethodScriptDevice } from './device.js';
import type { RunEnding } from './interpreter.js';
import { InstantClock } from './instant-clock.test-support.js';
import { SimulatedChannel, type NoiseSettings } from './simulated-channel.js';

export interface DeviceHarnessOptions {
  readonly preset?: CellPresetName;
  readonly identity?: Partial<DeviceIdentity>;
  readonly seed?: number;
  /** Without noise by default: values are the model's to the packed resolution. */
  readonly noise?: NoiseSettings;
  /** Each output line as it goes out, with a way to answer it (a host's reply). */
  readonly onLine?: (line: string, send: (text: string) => void) => void;
}

/** The simulated MethodSCRIPT device on an instant clock, talked to as a host would, byte for byte. */
export function deviceHarness(options: DeviceHarnessOptions = {}) {
  const clock = new InstantClock();
  const cell: CellModel = createCell(options.preset ?? 'LixV2O5');
  const channel = new SimulatedChannel(cell, new Random(options.seed ?? 1), options.noise ?? { potentialV: 0, currentA: 0 }, clock.nowMs());
  const lines: string[] = [];
  const send = (text: string) => device.receive(new Uint8Array(Buffer.from(text, 'latin1')));
  const device: MethodScriptDevice = new MethodScriptDevice({
    identity: { ...SIMULATOR_DEFAULTS.identity, ...options.identity },
    channel,
    clock,
    logger: silentLogger,
    output: (line) => {
      lines.push(line);
      options.onLine?.(line, send);
    },
  });
  /** Executes a script to its end: its ending, every line it wrote and its data packages decoded. */
  const run = async (script: readonly string[]): Promise<{ ending: RunEnding; output: string[]; packages: DataPackage[] }> => {
    const ended = firstValueFrom(device.events$.pipe(filter((e) => e.kind === 'script-ended')));
    const from = lines.length;
    send(`e\n${script.join('\n')}\n\n`);
    const { ending } = (await ended) as { ending: RunEnding };
    const output = lines.slice(from);
    return { ending, output, packages: output.filter((l) => l.startsWith('P')).map((l) => decodePackage(l)) };
  };
  return { clock, cell, channel, device, lines, send, run };
}
