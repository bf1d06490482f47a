import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../api/app.js';
import { DocumentBus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import { PACKAGE_ROOT } from '../core/package-root.js';
import type { Logger } from '../core/logger.js';
import type { LoadedConfig } from '../config/load.js';
import { RunEngine } from '../engine/run-engine.js';
import { attachLiveEisFit } from '../fits/live-eis.js';
import { attachLiveGittFit } from '../fits/live-gitt.js';
import { attachLiveVtFit } from '../fits/live-vt.js';
import { ExternalHolds } from '../ingest/external-holds.js';
import { ingestExternal } from '../ingest/ingest.js';
import { WatchedFolder } from '../ingest/watched-folder.js';
import { InstrumentRegistry } from '../instruments/registry.js';
import { createProtocols } from '../protocols/index.js';
import type { DocumentStore } from '../store/document-store.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import { StoreWriter } from '../store/writer.js';
import type { RunningSimulator } from '../kinds/kind.js';
import { connectInstrument } from './instruments.js';
import { closeInterruptedRuns } from './interrupted-runs.js';
import { labClock } from './lab-clock.js';
import { startSimulators } from './simulators.js';

export interface Lab {
  readonly loaded: LoadedConfig;
  readonly clock: Clock;
  readonly bus: DocumentBus;
  readonly store: DocumentStore;
  readonly writer: StoreWriter;
  readonly instruments: InstrumentRegistry;
  readonly engine: RunEngine;
  readonly simulators: readonly RunningSimulator[];
  /** Where runs wait for external (NMR) acquisitions; the upload route and the watched folder end the waits. */
  readonly holds: ExternalHolds;
  /** The API, when started with `api: true`; `url` is where it listens. */
  readonly api: FastifyInstance | null;
  readonly url: string | null;
  /** Aborts runs (instruments safe), closes instruments, flushes the store, stops simulators. */
  close(): Promise<void>;
}

export interface StartLabOptions {
  readonly logger: Logger;
  /** Serve the API (and dashboard); false for headless runs such as `operando run`. */
  readonly api: boolean;
  /** Overrides of the lab file for tests: port 0 picks a free port, another store path. */
  readonly port?: number;
  readonly storePath?: string;
  /** The lab clock; by default one at `lab.timeScale` that continues from the store's latest time. */
  readonly clock?: Clock;
}

const DASHBOARD_DIR = path.join(PACKAGE_ROOT, 'dashboards');

/** Assembles a lab from its file: simulators, instruments, store, engine, live fits, API. */
export async function startLab(loaded: LoadedConfig, options: StartLabOptions): Promise<Lab> {
  const { config } = loaded;
  const { logger } = options;
  const bus = new DocumentBus(logger);
  const cleanups: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch((e) => logger.error({ err: String(e) }, 'error while closing the lab'));
  };
  try {
    const storePath = options.storePath ?? config.store.path;
    await mkdir(path.dirname(storePath), { recursive: true });
    const store = await openSqliteStore(storePath);
    cleanups.push(() => store.close());
    const clock = options.clock ?? labClock(config.lab.timeScale, await store.latestTimestampNs(), logger);
    await closeInterruptedRuns(store, clock, logger);
    const writer = new StoreWriter(bus, store, { windowMs: config.store.batchWindowMs, logger });
    cleanups.push(async () => {
      bus.close();
      await writer.close();
    });
    attachLiveGittFit(bus, logger);
    attachLiveEisFit(bus, logger);
    attachLiveVtFit(bus, logger);

    const { simulators, unplace } = await startSimulators(config.simulators, { clock, logger });
    for (const running of simulators) cleanups.push(() => running.close());
    cleanups.push(async () => unplace());

    const instruments = new InstrumentRegistry();
    cleanups.push(() => instruments.closeAll());
    for (const inst of config.instruments) {
      instruments.add(await connectInstrument(inst, { clock, logger, simulators }));
    }

    const holds = new ExternalHolds();
    const engine = new RunEngine({ bus, clock, logger, instruments, protocols: createProtocols({ holds }) });
    cleanups.push(() => engine.shutdown());
    // A failed store write must not go unnoticed: running runs are aborted (they stop safely).
    writer.failures$.subscribe((e) => {
      logger.error({ err: e.message }, 'store write failed; aborting running runs');
      void engine.shutdown(`store write failed: ${e.message}`);
    });

    if (config.ingest) {
      await mkdir(config.ingest.folder, { recursive: true });
      const folder = await WatchedFolder.start({
        dir: config.ingest.folder,
        ingest: (submission) => ingestExternal({ bus, clock, runs: engine, holds }, submission),
        logger,
      });
      cleanups.push(() => folder.close());
    }

    let api: FastifyInstance | null = null;
    let url: string | null = null;
    if (options.api) {
      api = await buildApi({ engine, bus, clock, holds, store, instruments, tokens: loaded.tokens, logger, dashboardDir: DASHBOARD_DIR });
      cleanups.push(() => api!.close());
      url = await api.listen({ host: config.api.host, port: options.port ?? config.api.port });
    }
    return { loaded, clock, bus, store, writer, instruments, engine, simulators, holds, api, url, close: closeAll };
  } catch (e) {
    await closeAll();
    throw e;
  }
}
