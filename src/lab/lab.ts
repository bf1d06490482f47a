import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { asapScheduler, observeOn } from 'rxjs';
import { buildApi } from '../api/app.js';
import { DocumentBus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import { PACKAGE_ROOT } from '../core/package-root.js';
import type { Logger } from '../core/logger.js';
import type { LoadedConfig } from '../config/load.js';
import { RunEngine } from '../engine/run-engine.js';
import { abortRunsOfFailedBatches } from '../engine/store-failures.js';
import { attachLiveEisFit } from '../fits/live-eis.js';
import { attachLiveGittFit } from '../fits/live-gitt.js';
import { attachLiveNdpFit } from '../fits/live-ndp.js';
import { SampleCompositions } from './sample-compositions.js';
import { attachLiveVtFit } from '../fits/live-vt.js';
import { ExternalHolds } from '../ingest/external-holds.js';
import { ingestExternal } from '../ingest/ingest.js';
import { WatchedFolder } from '../ingest/watched-folder.js';
import { InstrumentRegistry } from '../instruments/registry.js';
import { createProtocols } from '../protocols/index.js';
import type { DocumentStore } from '../store/document-store.js';
import { journalDirOf, openJournal, type Journal } from '../store/journal/journal.js';
import { STORE_CONSUMER, replayJournal } from '../store/journal/replay.js';
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
  /** The write-ahead journal in front of the store (`<store>.journal/`). */
  readonly journal: Journal;
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
  const cleanups: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch((e) => logger.error({ err: String(e) }, 'error while closing the lab'));
  };
  try {
    const storePath = options.storePath ?? config.store.path;
    await mkdir(path.dirname(storePath), { recursive: true });
    const store = await openSqliteStore(storePath);
    cleanups.push(() => store.close());
    const journal = await openJournal({ dir: journalDirOf(storePath), consumers: [STORE_CONSUMER], maxBytes: config.store.journal.maxBytes, logger });
    cleanups.push(() => journal.close());
    // Before anything publishes, and before the clock and the interrupted runs read the store: what a crash left in the journal goes into it.
    await replayJournal(journal, store, logger);
    const bus = new DocumentBus(logger, journal);
    const clock = options.clock ?? labClock(config.lab.timeScale, await store.latestTimestampNs(), logger);
    await closeInterruptedRuns(store, clock, logger);
    const writer = new StoreWriter(bus, store, { windowMs: config.store.batchWindowMs, logger, journal });
    cleanups.push(async () => {
      bus.close();
      const { committed, failed, dropped } = await writer.close();
      const usage = journal.usage();
      const behind = usage.consumers[STORE_CONSUMER]?.behind ?? 0;
      logger.info(
        { committed, failed, dropped, journalBehind: behind },
        `store: ${committed} documents committed this session, ${failed + dropped} not stored; ${behind === 0 ? 'the journal holds nothing the store lacks' : `${behind} documents wait in the journal for the next start`}`,
      );
    });
    attachLiveGittFit(bus, logger);
    attachLiveEisFit(bus, logger);
    attachLiveVtFit(bus, logger);
    attachLiveNdpFit(bus, logger);

    const { simulators, unplace } = await startSimulators(config.simulators, { clock, logger });
    for (const running of simulators) cleanups.push(() => running.close());
    cleanups.push(async () => unplace());

    const instruments = new InstrumentRegistry();
    cleanups.push(() => instruments.closeAll());
    for (const inst of config.instruments) {
      instruments.add(await connectInstrument(inst, { clock, logger, simulators }));
    }

    const holds = new ExternalHolds();
    // Where each sample was left by the runs in the store, then by the live GITT fits.
    const compositions = await SampleCompositions.load(store, logger);
    compositions.attach(bus);
    const engine = new RunEngine({ bus, clock, logger, instruments, protocols: createProtocols({ holds }), compositions });
    cleanups.push(() => engine.shutdown());
    // A failed store write must not go unnoticed: the runs whose documents it lost are aborted (they stop safely), no others.
    abortRunsOfFailedBatches(writer.failures$, engine, logger);
    // So must a document the journal refuses (at its bound, or on a failing disk): its run is aborted with the reason,
    // a microtask later: the refusal is reported inside the publish call, which an abort must not re-enter.
    abortRunsOfFailedBatches(journal.refusals$.pipe(observeOn(asapScheduler)), engine, logger);

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
      api = await buildApi({
        engine,
        bus,
        clock,
        holds,
        store,
        storeStatus: () => ({ writer: writer.status(), journal: journal.usage() }),
        instruments,
        tokens: loaded.tokens,
        logger,
        dashboardDir: DASHBOARD_DIR,
      });
      cleanups.push(() => api!.close());
      url = await api.listen({ host: config.api.host, port: options.port ?? config.api.port });
    }
    return { loaded, clock, bus, store, journal, writer, instruments, engine, simulators, holds, api, url, close: closeAll };
  } catch (e) {
    await closeAll();
    throw e;
  }
}
