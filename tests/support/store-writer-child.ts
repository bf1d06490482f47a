/**
 * Child process of tests/integration/store-durability.test.ts: publishes
 * readings as fast as the writer takes them, through the bus and the store
 * writer into DBPATH, and prints one JSON line per committed batch,
 * `{"lastSeq": n}`, after the commit has returned. It runs until killed.
 *
 *   node --import tsx tests/support/store-writer-child.ts DBPATH
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { DocumentBus } from '../../src/core/bus.js';
import { silentLogger } from '../../src/core/logger.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { StoreWriter } from '../../src/store/writer.js';
import { DURABILITY_RUN_ID, runStart, sequenceReading } from './store-fixtures.js';

/** Small batches so acknowledgements come often and the kill lands among many commits. */
const MAX_BATCH = 200;
const READINGS_PER_TURN = 50;

const dbPath = process.argv[2];
if (!dbPath) {
  process.stderr.write('usage: store-writer-child.ts DBPATH\n');
  process.exit(2);
}

const store = await openSqliteStore(dbPath);
const bus = new DocumentBus(silentLogger);
const writer = new StoreWriter(bus, store, { logger: silentLogger, maxBatch: MAX_BATCH });
writer.committed$.subscribe(({ lastSeqByRun }) => {
  const lastSeq = lastSeqByRun[DURABILITY_RUN_ID];
  if (lastSeq !== undefined) process.stdout.write(`${JSON.stringify({ lastSeq })}\n`);
});
writer.failures$.subscribe((e) => {
  process.stderr.write(`store write failed: ${e.code} ${e.message}\n`);
  process.exit(1);
});

bus.publish(runStart(DURABILITY_RUN_ID));
for (let seq = 0; ; ) {
  for (let i = 0; i < READINGS_PER_TURN; i++, seq++) bus.publish(sequenceReading(DURABILITY_RUN_ID, seq));
  // Let the commits queued by full batches run before publishing more.
  await nextTurn();
}
