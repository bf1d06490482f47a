import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCell, type InsertionCellParameters } from '../../simulators/potentiostat/cell/index.js';
import { operando } from '../support/compiled-cli.js';



describe('operando CLI, end to end', () => {
  let dir: string;
  let labFile: string;
  const truth = createCell('LixV2O5').parameters as InsertionCellParameters;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'operando-cli-'));
    labFile = path.join(dir, 'lab.yaml');
    await writeFile(
      labFile,
      `lab: { name: cli test lab, timeScale: 20000 }
store: { kind: sqlite, path: lab.db }
api: { port: 0, tokens: [ { name: op, role: operator, token: operator-token-cli-0001 } ] }
simulators:
  - { id: cell, kind: potentiostat, cell: LixV2O5, link: pty, seed: 3, noise: { potentialV: 0.00002, currentA: 1.0e-10 }, cellParameters: { initialX: 0.3 } }
  - { id: pellet, kind: potentiostat, cell: LAGP-pellet, link: tcp, seed: 4 }
instruments:
  - { id: pstat1, kind: potentiostat, driver: methodscript, transport: sim://cell, limits: { minV: 2.0, maxV: 4.0, maxAbsCurrentA: 0.005 } }
  - { id: pstat2, kind: potentiostat, driver: methodscript, transport: sim://pellet, limits: { minV: -1, maxV: 1, maxAbsCurrentA: 0.001 } }
`,
    );
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs a GITT headless, then reanalyses its data offline with analyze gitt', async () => {
    const currentA = -(0.01 * truth.capacityPerUnitXMAh * 3.6) / 120;
    const gitt = await operando(
      'run', 'gitt', '--config', labFile, '--instrument', 'pstat1', `--current=${currentA} A`, '--pulse', '2 min', '--rest', '5 h',
      '--pulses', '3', '--sample-interval', '2 s', '--rest-sample-interval', '1 min', '--initial-rest', '1 h', '--json',
    );
    expect(gitt.code).toBe(0);
    const result = JSON.parse(gitt.stdout) as { runId: string; exitStatus: string; events: Record<string, number>; pulses: Array<{ diffusionCm2PerS: number }> };
    expect(result.exitStatus).toBe('success');
    expect(result.pulses).toHaveLength(3);

    // Export the stored run's DC stream as the CSV a user hands to analyze gitt, as it is.
    const exported = await operando('export', '--config', labFile, '--run', result.runId, '--stream', 'pstat1.dc', '--out', path.join(dir, 'gitt.csv'));
    expect(exported.code).toBe(0);
    expect(exported.stderr).toMatch(/^operando: \d+ events of pstat1\.dc \(run [0-9a-f-]+\) written to /);
    const csv = await readFile(path.join(dir, 'gitt.csv'), 'utf8');
    expect(csv.slice(0, csv.indexOf('\n'))).toBe('time_s,potential_V,current_A,flags,seq,timestamp_ns');
    expect(csv.trim().split('\n')).toHaveLength(result.events['pstat1.dc']! + 1);
    // The sample as the lab file's simulated cell gives it (the live fit uses the same).
    const { massG, molarMassGPerMol, molarVolumeCm3PerMol, areaCm2 } = truth;
    await writeFile(path.join(dir, 'params.json'), JSON.stringify({ massG, molarMassGPerMol, molarVolumeCm3PerMol, areaCm2 }));

    const analysis = await operando('analyze', 'gitt', path.join(dir, 'gitt.csv'), '--params', path.join(dir, 'params.json'), '--json');
    expect(analysis.code).toBe(0);
    const { pulses, warnings } = JSON.parse(analysis.stdout) as { pulses: Array<Record<string, number | null>>; warnings: string[] };
    expect(Array.isArray(warnings)).toBe(true);
    expect(pulses).toHaveLength(3);
    for (const key of ['index', 'startS', 'durationS', 'currentA', 'e0V', 'esV', 'dEsV', 'dEtV', 'irDropV', 'resistanceOhm', 'diffusionCm2PerS', 'diffusionSqrtTCm2PerS', 'sqrtTR2']) {
      expect(pulses[0]).toHaveProperty(key);
    }
    pulses.forEach((p, k) => {
      expect(p.diffusionCm2PerS! / truth.diffusionCm2PerS).toBeGreaterThan(0.7);
      expect(p.diffusionCm2PerS! / truth.diffusionCm2PerS).toBeLessThan(1.3);
      // Offline and live analyses are one implementation: the exported data give the live D, to the last bit.
      expect(p.diffusionCm2PerS).toBe(result.pulses[k]!.diffusionCm2PerS);
    });
  });

  it('runs an EIS sweep on the simulated pellet and prints the fit as JSON', async () => {
    const eis = await operando('run', 'eis', '--config', labFile, '--instrument', 'pstat2', '--start', '1 MHz', '--end', '10 Hz', '--points-per-decade', '6', '--circuit', 'p(R1,CPE1)-p(R2,CPE2)-CPE3', '--json');
    expect(eis.code).toBe(0);
    const out = JSON.parse(eis.stdout) as {
      exitStatus: string;
      sweeps: Array<{ ok: boolean; conductivitySPerCm: number; kk: { pass: boolean }; points: number; parameters: Record<string, { value: number }> }>;
    };
    expect(out.exitStatus).toBe('success');
    expect(out.sweeps).toHaveLength(1);
    const [sweep] = out.sweeps;
    expect(sweep).toMatchObject({ ok: true, kk: { pass: true } });
    const pellet = createCell('LAGP-pellet');
    expect(sweep!.conductivitySPerCm / pellet.trueConductivitySPerCm()).toBeCloseTo(1, 1);

    // The sweep exported as CSV is a file analyze eis reads as it is, with the live fit's result.
    const exported = await operando('export', '--config', labFile, '--run', 'latest', '--stream', 'pstat2.eis', '--out', path.join(dir, 'sweep.csv'));
    expect(exported.code).toBe(0);
    const csv = await readFile(path.join(dir, 'sweep.csv'), 'utf8');
    expect(csv.slice(0, csv.indexOf('\n'))).toBe('time_s,frequency_Hz,z_re_ohm,z_im_ohm,sweep,attempt,flags,seq,timestamp_ns');
    const offline = await operando('analyze', 'eis', path.join(dir, 'sweep.csv'), '--circuit', 'p(R1,CPE1)-p(R2,CPE2)-CPE3', '--weighting', 'modulus', '--json');
    expect(offline.code).toBe(0);
    // One sweep in the export: one spectrum in the file's list.
    const { spectra } = JSON.parse(offline.stdout) as { spectra: Array<{ points: number; parameters: Record<string, { value: number }> }> };
    expect(spectra).toHaveLength(1);
    const fit = spectra[0]!;
    expect(fit.points).toBe(out.sweeps[0]!.points);
    expect(fit.parameters.R1!.value / out.sweeps[0]!.parameters.R1!.value).toBeCloseTo(1, 3);
  });

  it('runs a galvanostatic sweep with --mode galvanostatic and a current amplitude', async () => {
    const geis = await operando('run', 'eis', '--config', labFile, '--instrument', 'pstat2', '--mode', 'galvanostatic', '--amplitude', '10 uA', '--start', '1 MHz', '--end', '10 Hz', '--points-per-decade', '6', '--circuit', 'p(R1,CPE1)-p(R2,CPE2)-CPE3', '--json');
    expect(geis.code).toBe(0);
    const out = JSON.parse(geis.stdout) as { sweeps: Array<{ ok: boolean; conductivitySPerCm: number }> };
    expect(out.sweeps[0]!.ok).toBe(true);
    expect(out.sweeps[0]!.conductivitySPerCm / createCell('LAGP-pellet').trueConductivitySPerCm()).toBeCloseTo(1, 1);
    const noAmplitude = await operando('run', 'eis', '--config', labFile, '--instrument', 'pstat2', '--mode', 'galvanostatic');
    expect(noAmplitude.code).toBe(2);
    expect(noAmplitude.stderr).toMatch(/needs --amplitude as a current/);
  });

  it('stops start-up on an invalid lab file with the file, the path and the problem, and no stack trace', async () => {
    const bad = path.join(dir, 'bad.yaml');
    await writeFile(bad, (await readFile(labFile, 'utf8')).replace('maxAbsCurrentA: 0.005', 'maxAbsCurrentA: lots'));
    const start = await operando('start', '--config', bad);
    expect(start.code).toBe(1);
    expect(start.stderr).toContain(`${bad}: /instruments/0/limits/maxAbsCurrentA: expected number`);
    expect(start.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses an option value without its unit as bad usage (exit code 2), naming the parameter and a value that would do', async () => {
    const pulse = await operando('run', 'gitt', '--config', labFile, '--instrument', 'pstat1', '--current=-20uA', '--pulse', '5', '--rest', '5 h', '--pulses', '1');
    expect(pulse.code).toBe(2);
    expect(pulse.stderr).toContain('operando run gitt: parameters/pulse: "5" needs a unit, e.g. "5 s"');
    expect(pulse.stderr).toMatch(/usage: operando run gitt/);
    const current = await operando('run', 'gitt', '--config', labFile, '--instrument', 'pstat1', '--current=-20', '--pulse', '5 min', '--rest', '5 h', '--pulses', '1');
    expect(current.code).toBe(2);
    expect(current.stderr).toContain('parameters/current: "-20" needs a unit, e.g. "-20 A"');
    expect(`${pulse.stdout}${current.stdout}`).not.toMatch(/run .*: (success|fail|abort)/);
  });

  it('answers bad usage with exit code 2 and the usage line', async () => {
    const r = await operando('run', 'gitt', '--instrument', 'pstat1');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--current is required/);
    expect(r.stderr).toMatch(/usage: operando run gitt/);
  });
});
