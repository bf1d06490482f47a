import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { exportStreamCsv } from '../../export/stream-csv.js';
import { parseCommandArgs, type CliRunner } from '../command.js';
import { STORED_RUN_OPTIONS, withStoredRun } from '../stored-run.js';

/**
 * `operando export`: one stream of a stored run as the CSV the API serves
 * (`time_s,potential_V,current_A,flags,seq,timestamp_ns`), from the lab
 * file's store, without starting the lab. `analyze gitt` and `analyze eis`
 * read the file as it is.
 */
export const exportCommand: CliRunner = {
  async run(args, io) {
    const { values } = parseCommandArgs(args, { ...STORED_RUN_OPTIONS, stream: { type: 'string' }, keys: { type: 'string' }, out: { type: 'string' } });
    return withStoredRun(io, values, async (store, run) => {
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
    });
  },
};
