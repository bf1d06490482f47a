import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { DC_STREAM, DURABILITY_RUN_ID, sequenceEvent, tempDir } from '../support/store-fixtures.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHILD = path.join(ROOT, 'tests/support/store-writer-child.ts');

/**
 * Runs the writer child until it has acknowledged `acks` commits, then kills it
 * with SIGKILL at once (no chance to flush or close). Resolves with the
 * highest seq it acknowledged.
 */
async function killAfterAcks(dbPath: string, acks: number): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dbPath], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  let lastSeq = 0;
  let seen = 0;
  for await (const line of createInterface({ input: child.stdout })) {
    const ack = JSON.parse(line) as { lastSeq: number };
    expect(ack.lastSeq).toBeGreaterThan(lastSeq);
    lastSeq = ack.lastSeq;
    if (++seen === acks) {
      child.kill('SIGKILL');
      break;
    }
  }
  const ending = await exited;
  expect(seen, `child ended early (${String(ending)}): ${stderr}`).toBe(acks);
  expect(ending).toBe('SIGKILL');
  return lastSeq;
}

describe('store durability across kill -9', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.remove());

  it.each([5, 40, 120])('keeps every event acknowledged before a SIGKILL after %i commits, with no holes', async (acks) => {
    const dbPath = path.join(tmp.dir, 'lab.db');
    const lastAcked = await killAfterAcks(dbPath, acks);
    // The commits are in the write-ahead log the killed process left behind: reopening has to recover them.
    expect(existsSync(`${dbPath}-wal`)).toBe(true);

    const raw = new Database(dbPath);
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(raw.pragma('foreign_key_check')).toEqual([]);
    raw.close();

    const store = await openSqliteStore(dbPath);
    try {
      const [stream, ...others] = await store.queryEvents({ runId: DURABILITY_RUN_ID });
      expect(others).toEqual([]);
      if (!stream || stream.downsampled) throw new Error('expected raw events');
      expect(stream.stream).toBe(DC_STREAM);
      // Batches commit whole and in order: what is stored is the prefix 1..n, at least up to the last acknowledged seq.
      expect(stream.seq.length).toBeGreaterThanOrEqual(lastAcked);
      stream.seq.forEach((seq, i) => {
        const expected = sequenceEvent(DURABILITY_RUN_ID, i + 1);
        expect(seq).toBe(i + 1);
        expect(stream.timestampsNs[i]).toBe(expected.timestampNs);
        expect(stream.data.potential![i]).toBe(expected.data.potential);
        expect(stream.data.current![i]).toBe(expected.data.current);
        expect(stream.flags[i]).toBe(expected.flags);
      });
      const [run] = await store.listRuns();
      expect(run).toMatchObject({ runId: DURABILITY_RUN_ID, events: stream.seq.length, stopNs: null });
    } finally {
      await store.close();
    }
  });
});
