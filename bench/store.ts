/**
 * Store throughput: readings per second published on the DocumentBus through
 * the StoreWriter into SQLite, against the same readings appended straight to
 * the same kind of store in batches of the same size. The ratio is the cost of
 * the bus and the writer (batching, queue, acknowledgements).
 *
 *   node --import tsx bench/store.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { DocumentBus } from '../src/core/bus.js';
import type { Reading, RunStart } from '../src/core/documents.js';
import { silentLogger } from '../src/core/logger.js';
import { STORE_DEFAULTS } from '../src/store/defaults.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { StoreWriter } from '../src/store/writer.js';

const READINGS = 200_000;
const BATCH = STORE_DEFAULTS.maxBatch;
const ROUNDS = 3;
const RUN_ID = 'bench';
const QUANTITIES = [
  ['potential', 'V'],
  ['current', 'A'],
  ['temperature', 'K'],
  ['charge', 'C'],
] as const;

const START: RunStart = { kind: 'run-start', runId: RUN_ID, timestampNs: 0n, protocol: 'bench@1', parameters: {}, metadata: {}, instruments: {} };

function makeReadings(): Reading[] {
  return Array.from({ length: READINGS }, (_, seq) => {
    const [quantity, unit] = QUANTITIES[seq % QUANTITIES.length]!;
    return { kind: 'reading', runId: RUN_ID, seq, instrument: 'pstat', quantity, unit, value: Math.sin(seq / 1000), timestampNs: 1_700_000_000_000_000_000n + BigInt(seq) * 250_000n };
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Publishes one batch's worth per event-loop turn, as an instrument stream would, and waits for the last commit. */
async function throughWriter(file: string, readings: readonly Reading[]): Promise<number> {
  const store = await openSqliteStore(file);
  const bus = new DocumentBus(silentLogger);
  const writer = new StoreWriter(bus, store, { logger: silentLogger, maxBatch: BATCH });
  try {
    bus.publish(START);
    await writer.flush();
    const t0 = performance.now();
    for (let i = 0; i < readings.length; i += BATCH) {
      for (const r of readings.slice(i, i + BATCH)) bus.publish(r);
      await nextTurn();
    }
    const stats = await writer.flush();
    const seconds = (performance.now() - t0) / 1000;
    if (stats.committed !== readings.length + 1) throw new Error(`writer committed ${stats.committed} of ${readings.length + 1} documents`);
    return readings.length / seconds;
  } finally {
    await writer.close();
    await store.close();
  }
}

async function directAppends(file: string, readings: readonly Reading[]): Promise<number> {
  const store = await openSqliteStore(file);
  try {
    await store.append([START]);
    const t0 = performance.now();
    for (let i = 0; i < readings.length; i += BATCH) await store.append(readings.slice(i, i + BATCH));
    return readings.length / ((performance.now() - t0) / 1000);
  } finally {
    await store.close();
  }
}

export async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'operando-bench-store-'));
  try {
    const readings = makeReadings();
    // Warm up the JIT and the file system on a throwaway store first.
    await directAppends(path.join(dir, 'warmup.db'), readings.slice(0, 20_000));
    // Alternate the two, a few rounds, and keep the medians: other processes share the cores.
    const writerRates: number[] = [];
    const directRates: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      directRates.push(await directAppends(path.join(dir, `direct-${round}.db`), readings));
      writerRates.push(await throughWriter(path.join(dir, `writer-${round}.db`), readings));
    }
    const writer = median(writerRates);
    const direct = median(directRates);
    const fmt = (perS: number) => `${Math.round(perS).toLocaleString('en-US')} readings/s`;
    console.log(`store: ${READINGS.toLocaleString('en-US')} readings, 4 series, batches of ${BATCH}, SQLite WAL synchronous=FULL, median of ${ROUNDS} rounds`);
    console.log(`  bus -> writer -> store   ${fmt(writer)}`);
    console.log(`  direct store.append      ${fmt(direct)}`);
    console.log(`  ratio writer / direct    ${(writer / direct).toFixed(2)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
