import path from 'node:path';
import { loadLabConfig } from '../config/load.js';
import type { DocumentStore, RunSummary } from '../store/document-store.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import { UsageError, type CliIo } from './command.js';
import { DEFAULT_LAB_FILE } from './defaults.js';

/** The options that name a stored run: the lab file's store (`--config`) or a store file (`--store`), and `--run ID` or `--run latest`. */
export const STORED_RUN_OPTIONS = {
  config: { type: 'string' },
  store: { type: 'string' },
  run: { type: 'string' },
} as const;

/**
 * Opens the store the options name, without starting the lab, finds the run
 * and hands both to `use`; the store is closed afterwards. A missing run is
 * bad usage, naming the store.
 */
export async function withStoredRun<T>(
  io: CliIo,
  options: { readonly config?: string; readonly store?: string; readonly run?: string },
  use: (store: DocumentStore, run: RunSummary, storePath: string) => Promise<T>,
): Promise<T> {
  if (options.run === undefined) throw new UsageError('--run ID (or --run latest) is required');
  if (options.store !== undefined && options.config !== undefined) throw new UsageError('give --config or --store, not both');
  const storePath = options.store !== undefined ? path.resolve(io.cwd, options.store) : (await loadLabConfig(options.config ?? DEFAULT_LAB_FILE)).config.store.path;
  const store = await openSqliteStore(storePath);
  try {
    const runs = await store.listRuns();
    const run = options.run === 'latest' ? runs[0] : runs.find((r) => r.runId === options.run);
    if (!run) throw new UsageError(options.run === 'latest' ? `${storePath} holds no run` : `${storePath} holds no run ${options.run}`);
    return await use(store, run, storePath);
  } finally {
    await store.close();
  }
}
