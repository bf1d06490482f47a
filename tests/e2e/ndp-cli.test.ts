import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operando, ROOT } from '../support/compiled-cli.js';



interface Cycle {
  index: number;
  platedLiPerCm2: number;
  strippedLiPerCm2: number;
  liEfficiency: number;
  coulombicEfficiency: number;
  inactiveLiPerCm2: number;
}

/**
 * Operando NDP from the CLI: `run ndp` on a lab file with the simulated
 * Li-on-Cu cell and the DP5 behind the simulated beam (the stack file of
 * the simulated lab, config/ndp-stack.json), then `analyze li-efficiency`
 * on the stored run gives the same cycles.
 */
describe('operando run ndp and analyze li-efficiency, end to end', () => {
  let dir: string;
  let labFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'operando-ndp-cli-'));
    labFile = path.join(dir, 'lab.yaml');
    await writeFile(
      labFile,
      `lab: { name: ndp cli lab, timeScale: 2000 }
store: { kind: sqlite, path: lab.db }
api: { port: 0, tokens: [ { name: op, role: operator, token: operator-token-ndp-cli-01 } ] }
simulators:
  - { id: cell-sim, kind: potentiostat, cell: Li-on-Cu, link: tcp, seed: 81 }
  - { id: ndp-sim, kind: mca, model: dp5, link: udp, seed: 82, preset: ndp-li-on-cu, sample: cell-sim }
instruments:
  - { id: pstat3, kind: potentiostat, driver: methodscript, transport: sim://cell-sim, limits: { minV: -1.5, maxV: 3.8, maxAbsCurrentA: 0.005 } }
  - { id: mca1, kind: mca, driver: amptek-dp5, transport: sim://ndp-sim, options: { channels: 4096, energyCalibrationKeV: [0, 0.75, 0] } }
`,
    );
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs two cycles headless with their Li and Coulombic efficiencies, and the stored run gives them again', async () => {
    const ndp = await operando(
      'run', 'ndp', '--config', labFile, '--potentiostat', 'pstat3', '--mca', 'mca1', '--current-density', '1 mA/cm2', '--plating-capacity', '0.5 mAh/cm2',
      '--strip-cutoff', '1 V', '--strip-max', '1 h', '--cycles', '2', '--rest', '12 min', '--spectrum', '5 min', '--monitor-rate', '1000 /s',
      '--stack', path.join(ROOT, 'config', 'ndp-stack.json'), '--calibration', '1e-17', '--json',
    );
    expect(ndp.code).toBe(0);
    const live = JSON.parse(ndp.stdout) as { runId: string; exitStatus: string; cycles: Cycle[]; spectra: number };
    expect(live.exitStatus).toBe('success');
    expect(live.cycles.map((c) => c.index)).toEqual([1, 2]);
    for (const c of live.cycles) {
      // The simulated cell leaves 20 % of the plated Li inactive and loses 5 % of the plating charge to side reactions.
      expect(Math.abs(c.liEfficiency - 0.8)).toBeLessThan(0.03);
      // Within two 10 s samples of the 23 min stripping: it ends at the sample past the cut-off.
      expect(Math.abs(c.coulombicEfficiency - 0.76)).toBeLessThan(0.01);
    }
    expect(live.spectra).toBeGreaterThan(10);

    const offline = await operando('analyze', 'li-efficiency', '--config', labFile, '--run', live.runId, '--json');
    expect(offline.code).toBe(0);
    const stored = JSON.parse(offline.stdout) as { runId: string; cycles: Cycle[]; excludedSpectra: number };
    expect(stored.runId).toBe(live.runId);
    expect(stored.excludedSpectra).toBe(0);
    stored.cycles.forEach((c, k) => {
      for (const key of ['platedLiPerCm2', 'strippedLiPerCm2', 'liEfficiency', 'coulombicEfficiency', 'inactiveLiPerCm2'] as const) expect(c[key]).toBe(live.cycles[k]![key]);
    });

    const human = await operando('analyze', 'li-efficiency', '--config', labFile, '--run', 'latest');
    expect(human.stdout).toMatch(/cycle 2: plated \d\.\d+e\+19 Li\/cm2, stripped .*, Li efficiency \d+\.\d %, CE 7\d\.\d %/);
    const wrong = await operando('analyze', 'li-efficiency', '--config', labFile, '--run', 'no-such-run');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/holds no run no-such-run/);
  });
});
