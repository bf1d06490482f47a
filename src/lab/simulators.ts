import type { SimulatorConfig } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { RunningSimulator } from '../kinds/kind.js';
import { kindOf } from '../kinds/registry.js';

/**
 * Starts the lab file's simulators through their kinds' factories, then
 * places each simulator that sits `inside` another (a pellet in a furnace)
 * into that host's plant, and points each NDP detector at the Li of its
 * `sample` (the plating cell of a potentiostat simulator). Returns them in
 * file order and the undo of the placements; on a failure, what was started
 * is closed.
 */
export async function startSimulators(configs: readonly SimulatorConfig[], deps: { clock: Clock; logger: Logger }): Promise<{ simulators: RunningSimulator[]; unplace: () => void }> {
  const simulators: RunningSimulator[] = [];
  const undo: Array<() => void> = [];
  try {
    for (const config of configs) simulators.push(await kindOf(config).startSimulator(config, deps));
    for (const config of configs) {
      const inside = 'inside' in config ? config.inside : undefined;
      if (inside === undefined) continue;
      const guest = simulators.find((s) => s.id === config.id)!;
      const host = simulators.find((s) => s.id === inside)?.thermalHost;
      if (!host || !guest.placeInside) throw new Error(`simulator ${config.id} cannot sit inside ${inside}`);
      undo.push(guest.placeInside(host));
    }
    for (const config of configs) {
      const sample = 'sample' in config ? config.sample : undefined;
      if (sample === undefined) continue;
      const detector = simulators.find((s) => s.id === config.id)!;
      const deposit = simulators.find((s) => s.id === sample)?.liDeposit;
      if (!deposit || !detector.profileLiOf) throw new Error(`simulator ${config.id} cannot profile the Li of ${sample}`);
      undo.push(detector.profileLiOf(deposit));
    }
  } catch (e) {
    for (const u of undo) u();
    await Promise.allSettled(simulators.map((s) => s.close()));
    throw e;
  }
  return { simulators, unplace: () => undo.splice(0).forEach((u) => u()) };
}

/** The simulator a `sim://ID` transport names, if any. */
export function simulatorOf(url: string, simulators: readonly RunningSimulator[]): RunningSimulator | undefined {
  const sim = /^sim:\/\/(.+)$/.exec(url);
  return sim ? simulators.find((s) => s.id === sim[1]) : undefined;
}

/** `sim://ID` in a lab file means the URL the simulator ID serves on. */
export function resolveTransportUrl(url: string, simulators: readonly RunningSimulator[]): string {
  if (!url.startsWith('sim://')) return url;
  const found = simulatorOf(url, simulators);
  if (!found) throw new Error(`no running simulator ${url.slice('sim://'.length)}`);
  return found.url;
}
