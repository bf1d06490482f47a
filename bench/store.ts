/**
 * Store benchmarks, run compiled by `npm run bench`:
 *
 * 1. Throughput: DC events (potential and current of one sample) per second
 *    published on the DocumentBus, through the write-ahead journal (one
 *    v8-encoded record written per tick, fsynced every 50 ms) and the
 *    StoreWriter into SQLite, against the same events appended straight to the
 *    same kind of store in batches of the same size. The ratio is the cost of
 *    the bus, the journal and the writer (batching, queue, acknowledgements);
 *    the goal is >= 0.8. The same path without the journal is measured too, to
 *    show what the journal itself costs.
 * 2. Size: bytes on disk per 4096-channel spectrum event (uint32 counts, live
 *    and real time), for a sparse NDP-like spectrum and a dense noisy one,
 *    against the 16 KiB of the raw counts and the length of the same counts as
 *    JSON text; and spectra stored per second (batches of 50, committed),
 *    against the raw counts appended to a plain file with an fsync per batch,
 *    the least a durable store of them must do.
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { DocumentBus } from '../src/core/bus.js';
import type { DataKey, Descriptor, RunStart, StreamEvent } from '../src/core/documents.js';
import { silentLogger } from '../src/core/logger.js';
import { STORE_DEFAULTS } from '../src/store/defaults.js';
import { journalDirOf, openJournal } from '../src/store/journal/journal.js';
import { STORE_CONSUMER } from '../src/store/journal/replay.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { StoreWriter } from '../src/store/writer.js';
import { median } from './median.js';

const EVENTS = 200_000;
const BATCH = STORE_DEFAULTS.maxBatch;
const ROUNDS = 3;
const RUN_ID = 'bench';
const T0_NS = 1_700_000_000_000_000_000n;
const CHANNELS = 4096;
const SPECTRA = 400;

const START: RunStart = { kind: 'run-start', runId: RUN_ID, timestampNs: T0_NS, protocol: 'bench@1', parameters: {}, metadata: {}, instruments: {} };

const scalar = (unit: string): DataKey => ({ dtype: 'number', shape: [], unit, source: 'bench', nativeQuantity: 'bench', description: 'bench' });

function descriptor(stream: string, dataKeys: Record<string, DataKey>): Descriptor {
  return { kind: 'descriptor', runId: RUN_ID, descriptorId: stream, stream, timestampNs: T0_NS, dataKeys, flags: { overload: 2 }, configuration: {}, hints: {} };
}

const DC = descriptor('pstat.dc', { potential: scalar('V'), current: scalar('A') });

function dcEvents(): StreamEvent[] {
  return Array.from({ length: EVENTS }, (_, i) => ({
    kind: 'event',
    runId: RUN_ID,
    descriptorId: DC.descriptorId,
    stream: DC.stream,
    seq: i + 1,
    timestampNs: T0_NS + BigInt(i) * 250_000n,
    data: { potential: 3.7 + Math.sin(i / 1000) * 0.1, current: -1e-4 + Math.cos(i / 700) * 1e-6 },
    flags: i % 1000 === 0 ? 2 : 0,
  }));
}

/**
 * Publishes one batch's worth per event-loop turn, as an instrument stream
 * would, and waits for the last commit. With `journaled`, the journal takes
 * every document first, as in the lab, and is synced and emptied at the end
 * (inside the timing).
 */
async function throughWriter(file: string, events: readonly StreamEvent[], journaled: boolean): Promise<number> {
  const store = await openSqliteStore(file);
  const journal = journaled ? await openJournal({ dir: journalDirOf(file), consumers: [STORE_CONSUMER], logger: silentLogger }) : null;
  const bus = new DocumentBus(silentLogger, journal);
  const writer = new StoreWriter(bus, store, { logger: silentLogger, maxBatch: BATCH, ...(journal && { journal }) });
  try {
    bus.publish(START);
    bus.publish(DC);
    await writer.flush();
    const t0 = performance.now();
    for (let i = 0; i < events.length; i += BATCH) {
      for (const e of events.slice(i, i + BATCH)) bus.publish(e);
      await nextTurn();
    }
    const stats = await writer.flush();
    await journal?.close();
    const seconds = (performance.now() - t0) / 1000;
    if (stats.committed !== events.length + 2) throw new Error(`writer committed ${stats.committed} of ${events.length + 2} documents`);
    if (journal && journal.usage().segments !== 0) throw new Error(`the journal kept ${journal.usage().segments} segments after the writer committed everything`);
    return events.length / seconds;
  } finally {
    await writer.close();
    await journal?.close();
    await store.close();
  }
}

async function directAppends(file: string, events: readonly StreamEvent[]): Promise<number> {
  const store = await openSqliteStore(file);
  try {
    await store.append([START, DC]);
    const t0 = performance.now();
    for (let i = 0; i < events.length; i += BATCH) await store.append(events.slice(i, i + BATCH));
    return events.length / ((performance.now() - t0) / 1000);
  } finally {
    await store.close();
  }
}

/** Counts of an NDP spectrum: a triton and an alpha peak with tails over a low background, zeros above the alpha energy. */
function sparseSpectrum(k: number): Uint32Array {
  const counts = new Uint32Array(CHANNELS);
  for (let ch = 0; ch < CHANNELS; ch++) {
    const peak = (center: number, width: number, height: number) => height * Math.exp(-(((ch - center) / width) ** 2));
    const expected = ch < 3000 ? 0.3 + peak(2200, 60, 400) + peak(1650, 120, 150 + k) : 0;
    counts[ch] = Math.round(expected + (ch % 7 === k % 7 && expected > 0 ? 1 : 0));
  }
  return counts;
}

/** Counts with noise in every channel: the worst case for compression. */
function denseSpectrum(k: number): Uint32Array {
  let state = 2166136261 ^ k;
  return Uint32Array.from({ length: CHANNELS }, () => {
    state = Math.imul(state ^ (state >>> 13), 1597334677) >>> 0;
    return 1000 + (state % 5000);
  });
}

/** Raw counts appended to a plain file, an fsync per batch of 50: spectra per second. */
function rawAppends(file: string, spectrum: (k: number) => Uint32Array): number {
  const spectra = Array.from({ length: SPECTRA }, (_, k) => spectrum(k));
  const fd = openSync(file, 'w');
  const start = performance.now();
  try {
    spectra.forEach((counts, k) => {
      writeSync(fd, counts);
      if ((k + 1) % 50 === 0) fsyncSync(fd);
    });
  } finally {
    closeSync(fd);
  }
  return SPECTRA / ((performance.now() - start) / 1000);
}

/** File size growth per spectrum event (WAL checkpointed), and spectra stored per second, for SPECTRA spectra. */
async function bytesPerSpectrum(file: string, spectrum: (k: number) => Uint32Array): Promise<{ bytes: number; perS: number }> {
  const keys = {
    counts: { dtype: 'array', shape: [CHANNELS], elementType: 'uint32', unit: 'counts', source: 'mca', nativeQuantity: 'DP5 spectrum', description: 'counts per channel' },
    live_time: scalar('s'),
    real_time: scalar('s'),
  } satisfies Record<string, DataKey>;
  const stream = descriptor('mca.spectrum', keys);
  const store = await openSqliteStore(file);
  await store.append([START, stream]);
  await store.close();
  const empty = statSync(file).size;
  const reopened = await openSqliteStore(file);
  const spectra = Array.from({ length: SPECTRA }, (_, k) => spectrum(k));
  const start = performance.now();
  for (let k = 0; k < SPECTRA; k += 50) {
    await reopened.append(
      Array.from({ length: 50 }, (_, j) => ({
        kind: 'event' as const,
        runId: RUN_ID,
        descriptorId: stream.descriptorId,
        stream: stream.stream,
        seq: k + j + 1,
        timestampNs: T0_NS + BigInt(k + j) * 60_000_000_000n,
        data: { counts: spectra[k + j]!, live_time: 59.2, real_time: 60 },
        flags: 0,
      })),
    );
  }
  const perS = SPECTRA / ((performance.now() - start) / 1000);
  // Closing checkpoints the WAL into the database file.
  await reopened.close();
  return { bytes: (statSync(file).size - empty) / SPECTRA, perS };
}

export async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'operando-bench-store-'));
  try {
    const events = dcEvents();
    // Warm up the JIT and the file system on a throwaway store first.
    await directAppends(path.join(dir, 'warmup.db'), events.slice(0, 20_000));
    // Alternate the two, a few rounds, and keep the medians: other processes share the cores.
    const journaledRates: number[] = [];
    const writerRates: number[] = [];
    const directRates: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      directRates.push(await directAppends(path.join(dir, `direct-${round}.db`), events));
      journaledRates.push(await throughWriter(path.join(dir, `journaled-${round}.db`), events, true));
      writerRates.push(await throughWriter(path.join(dir, `writer-${round}.db`), events, false));
    }
    const journaled = median(journaledRates);
    const writer = median(writerRates);
    const direct = median(directRates);
    const fmt = (perS: number) => `${Math.round(perS).toLocaleString('en-US')} events/s`;
    console.log(`store: ${EVENTS.toLocaleString('en-US')} DC events (potential, current, flags), batches of ${BATCH}, SQLite WAL synchronous=FULL, median of ${ROUNDS} rounds`);
    console.log(`  bus -> journal -> writer -> store   ${fmt(journaled)}`);
    console.log(`  bus -> writer -> store (no journal) ${fmt(writer)}`);
    console.log(`  direct store.append                 ${fmt(direct)}`);
    console.log(`  ratio journaled / direct            ${(journaled / direct).toFixed(2)}   (goal >= 0.80)`);
    console.log(`  ratio without journal / direct      ${(writer / direct).toFixed(2)}`);

    const raw = CHANNELS * 4;
    console.log(`store: bytes on disk per ${CHANNELS}-channel spectrum event (uint32 counts + live/real time), ${SPECTRA} spectra, WAL checkpointed`);
    for (const [name, spectrum] of [
      ['sparse (NDP-like: two peaks, zeros above)', sparseSpectrum],
      ['dense (noise in every channel)', denseSpectrum],
    ] as const) {
      const key = name.split(' ')[0]!;
      const rounds = [];
      const rawRates = [];
      for (let round = 0; round < ROUNDS; round++) {
        rounds.push(await bytesPerSpectrum(path.join(dir, `spectra-${key}-${round}.db`), spectrum));
        rawRates.push(rawAppends(path.join(dir, `spectra-${key}-${round}.raw`), spectrum));
      }
      const bytes = median(rounds.map((r) => r.bytes));
      const perS = median(rounds.map((r) => r.perS));
      const rawPerS = median(rawRates);
      const json = JSON.stringify(Array.from(spectrum(0))).length;
      console.log(`  ${name.padEnd(42)} ${Math.round(bytes).toLocaleString('en-US').padStart(7)} B   (raw counts ${raw.toLocaleString('en-US')} B: ${(bytes / raw).toFixed(2)}x; as JSON text ${json.toLocaleString('en-US')} B)`);
      console.log(
        `  ${''.padEnd(42)} ${Math.round(perS).toLocaleString('en-US').padStart(7)} spectra/s stored (raw counts to a file, fsync per 50: ${Math.round(rawPerS).toLocaleString('en-US')}/s; ratio ${(perS / rawPerS).toFixed(2)})`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
