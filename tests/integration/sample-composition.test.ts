import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadLabConfig } from '../../src/config/load.js';
import type { FitResult } from '../../src/core/documents.js';
import { silentLogger } from '../../src/core/logger.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import type { GittPlan } from '../../src/protocols/gitt/gitt-parameters.js';

/**
 * The composition x of a GITT sample carries over from run to run: stored
 * with the fits, per instrument and sample, read back when the lab starts,
 * and overridable by the parameters.
 */
describe('the composition x of a sample across GITT runs and restarts', () => {
  let dir: string;
  let file: string;
  let lab: Lab | null = null;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'operando-composition-'));
    file = path.join(dir, 'lab.yaml');
    await writeFile(
      file,
      `lab: { name: composition lab, timeScale: 20000 }
store: { kind: sqlite, path: lab.db }
api: { port: 0, tokens: [ { name: op, role: operator, token: operator-token-composition-1 } ] }
simulators:
  - { id: cell-sim, kind: potentiostat, cell: LixV2O5, link: tcp, seed: 91, cellParameters: { initialX: 0.3 } }
instruments:
  - { id: pstat1, kind: potentiostat, driver: methodscript, transport: sim://cell-sim, limits: { minV: 2.0, maxV: 4.0, maxAbsCurrentA: 0.005 }, sample: { name: V2O5 composite A } }
`,
    );
  });
  afterEach(async () => {
    await lab?.close();
    lab = null;
    await rm(dir, { recursive: true, force: true });
  });

  const gitt = (sample: Record<string, unknown> = {}) => ({
    instrument: 'pstat1',
    current: '-100 uA',
    pulse: '10 min',
    rest: { duration: '1 h' },
    pulses: 2,
    sampleInterval: '10 s',
    restSampleInterval: '5 min',
    initialRest: '30 min',
    ...(Object.keys(sample).length > 0 && { sample }),
  });

  /** Runs a GITT; resolves with its plan and the x of its pulses. */
  async function run(parameters: ReturnType<typeof gitt>): Promise<{ runId: string; plan: GittPlan; xs: number[] }> {
    const fits: FitResult[] = [];
    const { runId } = lab!.engine.start({ protocol: 'gitt', parameters });
    lab!.bus.attach(`test-fits-${runId}`, (d) => d.kind === 'fit' && d.runId === runId && d.method === 'gitt' && fits.push(d));
    expect(await lab!.engine.whenDone(runId)).toMatchObject({ exitStatus: 'success' });
    await lab!.writer.flush();
    const plan = (await lab!.store.getRun(runId))!.start.parameters as unknown as GittPlan;
    return { runId, plan, xs: fits.map((f) => f.result.x as number) };
  }

  it('starts the next run where the last one left the sample, also after a restart, unless the parameters say otherwise', async () => {
    lab = await startLab(await loadLabConfig(file), { logger: silentLogger, api: false });
    const first = await run(gitt());
    expect(first.plan.sample?.initialX).toBe(0.3);
    expect(first.plan.initialXFrom).toBeUndefined();
    expect(first.xs).toHaveLength(2);
    // Discharging inserts Li: x grows pulse by pulse.
    expect(first.xs[1]!).toBeGreaterThan(first.xs[0]!);
    expect(first.xs[0]!).toBeGreaterThan(0.3);

    const second = await run(gitt());
    expect(second.plan.sample?.initialX).toBe(first.xs[1]);
    expect(second.plan.initialXFrom).toEqual({ runId: first.runId, pulse: 2 });
    expect(second.xs[0]!).toBeGreaterThan(first.xs[1]!);

    // The store remembers it: a restarted lab continues from the second run.
    await lab.close();
    lab = await startLab(await loadLabConfig(file), { logger: silentLogger, api: false });
    const third = await run(gitt());
    expect(third.plan.sample?.initialX).toBe(second.xs[1]);
    expect(third.plan.initialXFrom).toEqual({ runId: second.runId, pulse: 2 });

    // The parameters override it.
    const fourth = await run(gitt({ initialX: 0.5 }));
    expect(fourth.plan.sample?.initialX).toBe(0.5);
    expect(fourth.plan.initialXFrom).toBeUndefined();
    // Another sample on the same instrument starts from the lab file's.
    const other = await run(gitt({ name: 'V2O5 composite B' }));
    expect(other.plan.initialXFrom).toBeUndefined();
  });
});
