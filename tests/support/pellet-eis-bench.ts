import type { PotentiostatInstrumentConfig } from '../../src/kinds/potentiostat/config.js';
import { DocumentBus } from '../../src/core/bus.js';
import { ScaledClock } from '../../src/core/clock.js';
import type { Document, StreamEvent } from '../../src/core/documents.js';
import { silentLogger } from '../../src/core/logger.js';
import { RunEngine } from '../../src/engine/run-engine.js';
import { attachLiveEisFit } from '../../src/fits/live-eis.js';
import { openPotentiostatLink } from '../../src/kinds/potentiostat/connect.js';
import { PotentiostatInstrument } from '../../src/kinds/potentiostat/instrument.js';
import { InstrumentRegistry } from '../../src/instruments/registry.js';
import { eisProtocol } from '../../src/protocols/eis/eis-protocol.js';
import type { PelletCell } from '../../simulators/potentiostat/cell/index.js';
import { startPotentiostatSimulator, type PotentiostatSimulator } from '../../simulators/potentiostat/start-potentiostat-simulator.js';

/** The bulk arc of the LAGP pellet lies near 9 MHz at room temperature: a circuit with it resolves its low-frequency side. */
export const PELLET_CIRCUIT = 'p(R1,CPE1)-p(R2,CPE2)-CPE3';

export interface PelletEisBench {
  readonly clock: ScaledClock;
  readonly simulator: PotentiostatSimulator;
  readonly cell: PelletCell;
  readonly engine: RunEngine;
  /** Every document on the bus, with the lab time it arrived. */
  readonly recorded: Array<{ doc: Document; receivedMs: number }>;
  documents(): Document[];
  /** The events of one stream of the pellet (`dc` or `eis`), in order. */
  events(what: 'dc' | 'eis'): StreamEvent[];
  close(): Promise<void>;
}

/**
 * The simulated LAGP pellet behind the real MethodSCRIPT driver on a real
 * link, with a run engine that knows the `eis` protocol and the live EIS fit.
 */
export async function startPelletEisBench(options: { link: 'pty' | 'tcp'; seed: number; scale: number }): Promise<PelletEisBench> {
  const clock = new ScaledClock(options.scale);
  const simulator = await startPotentiostatSimulator({ cell: 'LAGP-pellet', link: options.link, seed: options.seed }, clock);
  const cell = simulator.cell as PelletCell;
  const config: PotentiostatInstrumentConfig = {
    id: 'pellet',
    kind: 'potentiostat',
    driver: 'methodscript',
    transport: simulator.url,
    limits: { minV: -1, maxV: 1, maxAbsCurrentA: 1e-3 },
    sample: { name: 'LAGP pellet', thicknessCm: cell.parameters.thicknessCm, areaCm2: cell.parameters.areaCm2 },
  };
  const pstat = new PotentiostatInstrument(config, () => openPotentiostatLink(simulator.url, { clock, logger: silentLogger }), silentLogger);
  await pstat.connect();
  const instruments = new InstrumentRegistry();
  instruments.add(pstat);
  const bus = new DocumentBus(silentLogger);
  const recorded: Array<{ doc: Document; receivedMs: number }> = [];
  bus.attach('test-recorder', (doc) => recorded.push({ doc, receivedMs: clock.nowMs() }));
  attachLiveEisFit(bus, silentLogger);
  const engine = new RunEngine({ bus, clock, logger: silentLogger, instruments, protocols: [eisProtocol] });
  return {
    clock,
    simulator,
    cell,
    engine,
    recorded,
    documents: () => recorded.map((r) => r.doc),
    events: (what) => recorded.map((r) => r.doc).filter((d): d is StreamEvent => d.kind === 'event' && d.stream === `pellet.${what}`),
    close: async () => {
      await engine.shutdown();
      await pstat.close();
      await simulator.close();
      bus.close();
    },
  };
}
