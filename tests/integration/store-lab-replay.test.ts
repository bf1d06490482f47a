import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadLabConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/core/logger.js';
import { startLab } from '../../src/lab/lab.js';
import { journalDirOf, openJournal } from '../../src/store/journal/journal.js';
import { STORE_CONSUMER } from '../../src/store/journal/replay.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { DC_STREAM, descriptor, runStart, sequenceEvent } from '../support/store-fixtures.js';

const VIEWER = 'viewer-token-replay-0001';

/**
 * What a kill -9 leaves behind, met by the next start: the store holds part
 * of a run, the journal all of it. The lab replays the journal before the
 * clock and the interrupted runs read the store, so the run is closed with
 * every event it published, and the journal is empty.
 */
describe('the lab at start-up after a crash', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'operando-replay-'));
    file = path.join(dir, 'lab.yaml');
    await writeFile(
      file,
      `lab: { name: replay lab, timeScale: 600 }
store: { kind: sqlite, path: lab.db, journal: { maxBytes: 67108864 } }
api: { port: 0, tokens: [ { name: viewer, role: viewer, token: ${VIEWER} } ] }
simulators:
  - { id: cell-sim, kind: potentiostat, cell: LixV2O5, link: tcp, seed: 4 }
instruments:
  - { id: pstat1, kind: potentiostat, driver: methodscript, transport: sim://cell-sim, limits: { minV: 2.0, maxV: 4.0, maxAbsCurrentA: 0.005 } }
`,
    );
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('replays the journal into the store before closing the interrupted run, and empties it', async () => {
    const dbPath = path.join(dir, 'lab.db');
    const docs = [runStart('crashed'), descriptor('crashed'), ...Array.from({ length: 50 }, (_, i) => sequenceEvent('crashed', i + 1))];
    const store = await openSqliteStore(dbPath);
    await store.append(docs.slice(0, 12));
    await store.close();
    const journal = await openJournal({ dir: journalDirOf(dbPath), consumers: [STORE_CONSUMER], logger: silentLogger });
    for (const d of docs) journal.append(d);
    // Closed without an acknowledgement: the segment stays, as after a kill.
    await journal.close();
    expect(readdirSync(journalDirOf(dbPath))).toHaveLength(1);

    const lab = await startLab(await loadLabConfig(file), { logger: silentLogger, api: true, port: 0 });
    try {
      const crashed = await lab.store.getRun('crashed');
      expect(crashed).toMatchObject({ events: 50, exitStatus: 'fail' });
      expect(crashed?.stop?.events).toEqual({ [DC_STREAM]: 50 });
      expect(lab.clock.nowNs()).toBeGreaterThan(sequenceEvent('crashed', 50).timestampNs);
      expect(readdirSync(journalDirOf(dbPath))).toEqual([]);

      const status = await fetch(`${lab.url}/api/store`, { headers: { authorization: `Bearer ${VIEWER}` } });
      expect(status.status).toBe(200);
      expect(await status.json()).toMatchObject({ writer: { mode: 'live' }, journal: { state: 'ok', maxBytes: 67_108_864, segments: 0 } });
    } finally {
      await lab.close();
    }
  });
});
