import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { journalDirOf, openJournal } from '../../src/store/journal/journal.js';
import { STORE_CONSUMER, replayJournal } from '../../src/store/journal/replay.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { DC_STREAM, DURABILITY_RUN_ID, sequenceEvent, sequenceSpectrum, SPECTRUM_STREAM, tempDir } from '../support/store-fixtures.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHILD = path.join(ROOT, 'tests/support/store-writer-child.ts');
const STREAMS = [DC_STREAM, SPECTRUM_STREAM] as const;
type Published = Record<(typeof STREAMS)[number], number>;

type ChildLine = { published: Published } | { committed: true };

/**
 * Runs the publishing child until `killNow` says so after one of its lines,
 * then kills it with SIGKILL at once (no chance to flush or close), and reads
 * what it printed before it died. Resolves with the highest seq per stream it
 * reported published.
 */
async function killChild(dbPath: string, journal: boolean, killNow: (line: ChildLine) => boolean): Promise<Published> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dbPath, ...(journal ? [] : ['--no-journal'])], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  const published: Published = { [DC_STREAM]: 0, [SPECTRUM_STREAM]: 0 };
  let killed = false;
  try {
    // Every line the child printed before it died counts, also those read after the kill.
    for await (const text of createInterface({ input: child.stdout })) {
      const line = JSON.parse(text) as ChildLine;
      if ('published' in line) {
        for (const s of STREAMS) {
          expect(line.published[s]).toBeGreaterThanOrEqual(published[s]);
          published[s] = line.published[s];
        }
      }
      if (!killed && killNow(line)) killed = child.kill('SIGKILL');
    }
  } finally {
    if (!killed) child.kill('SIGKILL');
  }
  const ending = await exited;
  expect(killed, `child ended before the kill (${String(ending)}): ${stderr}`).toBe(true);
  expect(ending).toBe('SIGKILL');
  return published;
}

/** The seqs stored per stream, each event checked against what the child published as that seq. */
async function storedAfterReopen(dbPath: string, replay: boolean): Promise<Published> {
  const raw = new Database(dbPath);
  expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
  expect(raw.pragma('foreign_key_check')).toEqual([]);
  raw.close();

  const store = await openSqliteStore(dbPath);
  try {
    if (replay) {
      const journal = await openJournal({ dir: journalDirOf(dbPath), consumers: [STORE_CONSUMER], logger: silentLogger });
      await replayJournal(journal, store, silentLogger);
      await journal.close();
      expect(readdirSync(journalDirOf(dbPath))).toEqual([]);
    }
    const counts = { [DC_STREAM]: 0, [SPECTRUM_STREAM]: 0 };
    for (const streamName of STREAMS) {
      const [stream] = await store.queryEvents({ runId: DURABILITY_RUN_ID, stream: streamName, keys: streamName === DC_STREAM ? ['potential', 'current'] : ['counts', 'live_time'] });
      if (!stream || stream.downsampled) throw new Error('expected raw events');
      // Stored by stream and seq: 1..n, no holes, each as published.
      stream.seq.forEach((seq, i) => {
        expect(seq).toBe(i + 1);
        const expected = streamName === DC_STREAM ? sequenceEvent(DURABILITY_RUN_ID, seq) : sequenceSpectrum(DURABILITY_RUN_ID, seq);
        expect(stream.timestampsNs[i]).toBe(expected.timestampNs);
        expect(stream.flags[i]).toBe(expected.flags);
        for (const [key, values] of Object.entries(stream.data)) expect(values[i], `${streamName} ${seq} ${key}`).toEqual(expected.data[key]);
      });
      counts[streamName] = stream.seq.length;
    }
    const [run] = await store.listRuns();
    expect(run).toMatchObject({ runId: DURABILITY_RUN_ID, events: counts[DC_STREAM] + counts[SPECTRUM_STREAM], stopNs: null });
    return counts;
  } finally {
    await store.close();
  }
}

/** Random kill points, in reports of the child (one every ~10 ms, a commit about every second): shown in the test names. */
const KILLS = Array.from({ length: 5 }, () => 10 + Math.floor(Math.random() * 290));

describe('store durability across kill -9', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.remove());

  it.each(KILLS)('keeps every event published before a SIGKILL after %i reports, with the journal replayed at reopening', async (reports) => {
    const dbPath = path.join(tmp.dir, 'lab.db');
    let seen = 0;
    const published = await killChild(dbPath, true, (line) => 'published' in line && ++seen === reports);
    expect(published[DC_STREAM]).toBeGreaterThanOrEqual(reports * 9);
    const stored = await storedAfterReopen(dbPath, true);
    for (const s of STREAMS) expect(stored[s], `${s}: published ${published[s]}, stored ${stored[s]}`).toBeGreaterThanOrEqual(published[s]);
  });

  it('without the journal, the same kill loses what the writer held: the check above can fail', async () => {
    const dbPath = path.join(tmp.dir, 'lab.db');
    let seen = 0;
    // The writer (without the journal, its batch held a minute in this child) holds every event published so far.
    const published = await killChild(dbPath, false, (line) => 'published' in line && ++seen === 100);
    expect(published[DC_STREAM]).toBeGreaterThanOrEqual(900);
    const store = await openSqliteStore(dbPath);
    try {
      const [run] = await store.listRuns();
      expect(run?.runId).toBe(DURABILITY_RUN_ID);
      expect(run!.events).toBeLessThan(published[DC_STREAM] + published[SPECTRUM_STREAM]);
    } finally {
      await store.close();
    }
  });
});
