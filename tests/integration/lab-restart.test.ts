import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadLabConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/core/logger.js';
import { startLab } from '../../src/lab/lab.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

/**
 * Lab time across restarts: a simulated lab at 20000x runs weeks of lab
 * time in a minute, so a restart that began again at real time would put new
 * runs before the old ones. Its clock continues from the store's latest time.
 */
describe('lab time across restarts of an accelerated lab', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'operando-restart-'));
    file = path.join(dir, 'lab.yaml');
    await writeFile(
      file,
      `lab: { name: restart lab, timeScale: 20000 }
store: { kind: sqlite, path: lab.db }
api: { port: 0, tokens: [ { name: op, role: operator, token: operator-token-restart-01 } ] }
simulators:
  - { id: cell-sim, kind: potentiostat, cell: LixV2O5, link: tcp, seed: 4, cellParameters: { initialX: 0.3 } }
instruments:
  - { id: pstat1, kind: potentiostat, driver: methodscript, transport: sim://cell-sim, limits: { minV: 2.0, maxV: 4.0, maxAbsCurrentA: 0.005 } }
`,
    );
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const gitt = { instrument: 'pstat1', current: '-100 uA', pulse: '10 min', rest: { duration: '2 h' }, pulses: 2, restSampleInterval: '10 min', initialRest: '1 h' };

  it('orders runs by time across a restart, and a run a crash left open stops after it started', async () => {
    const first = await startLab(await loadLabConfig(file), { logger: silentLogger, api: false });
    const one = first.engine.start({ protocol: 'gitt', parameters: gitt });
    await first.engine.whenDone(one.runId);
    await first.close();

    // A run the service was running when it died: its run-start and some events are in the store, no run-stop.
    const store = await openSqliteStore(path.join(dir, 'lab.db'));
    const latestBeforeCrash = (await store.latestTimestampNs())!;
    const crashedStartNs = latestBeforeCrash + 3_600_000_000_000n;
    await store.append([{ kind: 'run-start', runId: 'crashed', timestampNs: crashedStartNs, protocol: 'gitt@1', parameters: {}, metadata: {}, instruments: {} }]);
    await store.close();

    const second = await startLab(await loadLabConfig(file), { logger: silentLogger, api: false });
    try {
      expect(second.clock.nowNs()).toBeGreaterThan(crashedStartNs);
      const crashed = (await second.store.getRun('crashed'))!;
      expect(crashed.stop).toMatchObject({ exitStatus: 'fail' });
      expect(crashed.stop!.timestampNs).toBeGreaterThan(crashed.startNs);
      const two = second.engine.start({ protocol: 'gitt', parameters: gitt });
      await second.engine.whenDone(two.runId);
      await second.writer.flush();
      const runs = await second.store.listRuns();
      // Newest first: the second run, the crashed one, the first run, each later than the one before.
      expect(runs.map((r) => r.runId)).toEqual([two.runId, 'crashed', one.runId]);
      for (const r of runs) if (r.stopNs !== null) expect(r.stopNs).toBeGreaterThan(r.startNs);
    } finally {
      await second.close();
    }
  });
});
