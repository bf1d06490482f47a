/**
 * Child process of tests/integration/store-durability.test.ts: publishes
 * DC events as fast as the writer takes them, through the bus and the store
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
import { DC_STREAM, descriptor, DURABILITY_RUN_ID, runStart, sequenceEvent } from './store-fixtures.js';

/** Small batches so acknowledgements come often and the kill lands among many commits. */
const MAX_BATCH = 200;
const EVENTS_PER_TURN = 50;

const dbPath = process.argv[2];
if (!dbPath) {
  process.stderr.write('usage: store-writer-child.ts DBPATH\n');
  process.exit(2);
}

const store = await openSqliteStore(dbPath);
const bus = new DocumentBus(silentLogger);
const writer = new StoreWriter(bus, store, { logger: silentLogger, maxBatch: MAX_BATCH });
writer.committed$.subscribe(({ lastSeq: byRun }) => {
  const lastSeq = byRun[DURABILITY_RUN_ID]?.[DC_STREAM];
  if (lastSeq !== undefined) process.stdout.write(`${JSON.stringify({ lastSeq })}\n`);
});
writer.failures$.subscribe((e) => {
  process.stderr.write(`store write failed: ${e.code} ${e.message}\n`);
  process.exit(1);
});

bus.publish(runStart(DURABILITY_RUN_ID));
bus.publish(descriptor(DURABILITY_RUN_ID));
for (let seq = 1; ; ) {
  for (let i = 0; i < EVENTS_PER_TURN; i++, seq++) bus.publish(sequenceEvent(DURABILITY_RUN_ID, seq));
  // Let the commits queued by full batches run before publishing more.
  await nextTurn();
}
