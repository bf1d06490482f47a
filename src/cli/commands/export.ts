import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadLabConfig } from '../../config/load.js';
import { exportStreamCsv } from '../../export/stream-csv.js';
import { openSqliteStore } from '../../store/sqlite/sqlite-store.js';
import { parseCommandArgs, UsageError, type CliRunner } from '../command.js';
import { DEFAULT_LAB_FILE } from '../defaults.js';

/**
 * `operando export`: one stream of a stored run as the CSV the API serves
 * (`time_s,potential_V,current_A,flags,seq,timestamp_ns`), from the lab
 * file's store, without starting the lab. `analyze gitt` and `analyze eis`
 * read the file as it is.
 */
export const exportCommand: CliRunner = {
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      config: { type: 'string' },
      store: { type: 'string' },
      run: { type: 'string' },
      stream: { type: 'string' },
      keys: { type: 'string' },
      out: { type: 'string' },
    });
    if (values.run === undefined) throw new UsageError('--run ID (or --run latest) is required');
    if (values.store !== undefined && values.config !== undefined) throw new UsageError('give --config or --store, not both');
    const storePath = values.store !== undefined ? path.resolve(io.cwd, values.store) : (await loadLabConfig(values.config ?? DEFAULT_LAB_FILE)).config.store.path;
    const store = await openSqliteStore(storePath);
    try {
      const runs = await store.listRuns();
      const run = values.run === 'latest' ? runs[0] : runs.find((r) => r.runId === values.run);
      if (!run) throw new UsageError(values.run === 'latest' ? `${storePath} holds no run` : `${storePath} holds no run ${values.run}`);
      const keys = values.keys?.split(',').map((k) => k.trim()).filter((k) => k !== '');
      const { stream, chunks } = await exportStreamCsv(store, run, { ...(values.stream !== undefined && { stream: values.stream }), ...(keys && { keys }) });
      if (values.out === undefined) {
        for await (const chunk of chunks) io.stdout(chunk);
        return 0;
      }
      const out = path.resolve(io.cwd, values.out);
      await pipeline(Readable.from(chunks), createWriteStream(out));
      io.stderr(`operando: ${stream.count} events of ${stream.stream} (run ${run.runId}) written to ${out}\n`);
      return 0;
    } finally {
      await store.close();
    }
  },
};
