/**
 * Child process of tests/integration/store-durability.test.ts: publishes
 * about 1,000 events a second (nine DC events and one 64-channel spectrum
 * every 10 ms) through the bus, with the write-ahead journal in front of the
 * store writer, into DBPATH (journal in DBPATH.journal/), until it is killed.
 *
 * After each turn's documents, once the end-of-tick journal write has
 * happened, it prints what it has published, one JSON line:
 * `{"published":{"pstat.dc":n,"mca.spectrum":m}}`: every event up to those
 * seqs must survive a SIGKILL. It also prints `{"committed":true}` after
 * each store commit (the test uses it to time a kill without the journal).
 *
 *   node --import tsx tests/support/store-writer-child.ts DBPATH [--no-journal]
 *
 * With --no-journal the bus and the writer run without the journal, as before
 * it existed, and the writer holds its batch for a minute (the lab's window
 * stretched so that the control cannot depend on the machine's speed): the
 * same kill then loses what the writer held in memory.
 */
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { DocumentBus } from '../../src/core/bus.js';
import { silentLogger } from '../../src/core/logger.js';
import { journalDirOf, openJournal, type Journal } from '../../src/store/journal/journal.js';
import { STORE_CONSUMER } from '../../src/store/journal/replay.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { StoreWriter } from '../../src/store/writer.js';
import { DC_STREAM, descriptor, DURABILITY_RUN_ID, runStart, sequenceEvent, sequenceSpectrum, SPECTRUM_KEYS, SPECTRUM_STREAM } from './store-fixtures.js';

const DC_PER_TURN = 9;
/** One turn every 10 ms: about 1,000 events a second, as a fast acquisition would publish. */
const TURN_MS = 10;
/** Small segments, so kills land among rotations and drops of acknowledged segments too. */
const SEGMENT_BYTES = 64 * 1024;
/**
 * The writer's batch window, in both modes: longer than the lab's 250 ms, so
 * the writer holds up to a second of events in memory. With the journal that
 * makes the test harder; without it, a kill sent right after a commit still
 * lands inside the next window on a loaded machine, so the loss it shows is certain.
 */
const WINDOW_MS = 1_000;
/** Without the journal: a window no test run outlasts, and batches no run fills. */
const HOLDING_WINDOW_MS = 60_000;
const HOLDING_MAX_BATCH = 1_000_000;

const [dbPath, flag] = process.argv.slice(2);
if (!dbPath || (flag !== undefined && flag !== '--no-journal')) {
  process.stderr.write('usage: store-writer-child.ts DBPATH [--no-journal]\n');
  process.exit(2);
}
const fail = (why: string): never => {
  process.stderr.write(`${why}\n`);
  process.exit(1);
};

const store = await openSqliteStore(dbPath);
const journal: Journal | null =
  flag === '--no-journal' ? null : await openJournal({ dir: journalDirOf(dbPath), consumers: [STORE_CONSUMER], logger: silentLogger, segmentBytes: SEGMENT_BYTES });
journal?.refusals$.subscribe((e) => fail(`journal refused a document: ${e.code} ${e.message}`));
const bus = new DocumentBus(silentLogger, journal);
const writer = new StoreWriter(bus, store, {
  logger: silentLogger,
  ...(journal ? { journal, windowMs: WINDOW_MS } : { windowMs: HOLDING_WINDOW_MS, maxBatch: HOLDING_MAX_BATCH, maxQueued: HOLDING_MAX_BATCH }),
});
writer.committed$.subscribe(() => process.stdout.write('{"committed":true}\n'));
writer.failures$.subscribe((e) => fail(`store write failed: ${e.code} ${e.message}`));

bus.publish(runStart(DURABILITY_RUN_ID));
bus.publish(descriptor(DURABILITY_RUN_ID));
bus.publish(descriptor(DURABILITY_RUN_ID, SPECTRUM_STREAM, SPECTRUM_KEYS));
let dc = 0;
let spectra = 0;
for (;;) {
  for (let i = 0; i < DC_PER_TURN; i++) bus.publish(sequenceEvent(DURABILITY_RUN_ID, ++dc));
  bus.publish(sequenceSpectrum(DURABILITY_RUN_ID, ++spectra));
  const last = journal?.lastPosition() ?? 0;
  // The journal writes at the end of the tick: by the next turn of the event loop it has.
  await nextTurn();
  if (journal && journal.usage().writtenPosition < last) fail(`journal wrote up to ${journal.usage().writtenPosition}, not ${last}, by the next turn`);
  // Pipes to a parent are written synchronously on Linux: the parent reads this line only after the write above.
  process.stdout.write(`${JSON.stringify({ published: { [DC_STREAM]: dc, [SPECTRUM_STREAM]: spectra } })}\n`);
  await sleep(TURN_MS);
}
