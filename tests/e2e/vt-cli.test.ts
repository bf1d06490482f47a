import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCell } from '../../simulators/potentiostat/cell/index.js';
import { operandoWith } from '../support/compiled-cli.js';

/**
 * `operando run vt` as a user runs it (the compiled CLI), on the LAGP pellet in
 * the simulated furnace with the README's circuit and amplitude and the
 * settling of tests/integration/vt-series-pellet.test.ts: what the live VT
 * fits publish reaches the terminal and the JSON result, per temperature the
 * bulk and grain-boundary conductivities with their notes, at the end the
 * bulk and grain-boundary activation energies with their standard errors.
 */
describe('operando run vt, end to end', () => {
  let dir: string;
  let labFile: string;
  const pellet = createCell('LAGP-pellet');
  const args = () => [
    'run', 'vt', '--config', labFile, '--controller', 'furnace1', '--potentiostat', 'pstat2', '--temperatures', '300 K,320 K,340 K',
    '--band', '0.5 K', '--max-rate', '0.1 K/min', '--hold', '5 min', '--timeout', '3 h', '--poll', '10 s',
    '--circuit', 'R0-p(R1,CPE1)-p(R2,CPE2)-CPE3', '--amplitude', '50 mV',
  ];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'operando-vt-cli-'));
    labFile = path.join(dir, 'lab.yaml');
    await writeFile(
      labFile,
      `lab: { name: vt cli test lab, timeScale: 1200 }
store: { kind: sqlite, path: lab.db }
api: { port: 0, tokens: [ { name: op, role: operator, token: operator-token-vt-cli-01 } ] }
simulators:
  - { id: furnace-sim, kind: temperature, model: eurotherm, preset: furnace, link: tcp, seed: 21 }
  - { id: pellet-sim, kind: potentiostat, cell: LAGP-pellet, link: tcp, seed: 22, inside: furnace-sim }
instruments:
  - { id: furnace1, kind: temperature, driver: eurotherm, transport: sim://furnace-sim, limits: { minK: 250, maxK: 450, maxRampKPerMin: 10, safeK: 298.15 } }
  - { id: pstat2, kind: potentiostat, driver: methodscript, transport: sim://pellet-sim, limits: { minV: -1, maxV: 1, maxAbsCurrentA: 0.001 } }
`,
    );
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints each temperature’s bulk and grain-boundary conductivity with its notes, then both activation energies', async () => {
    const run = await operandoWith(args());
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    // One conductivity line per temperature, both processes with their unit, and the note that the bulk arc lies above the window.
    const conductivity = lines.filter((l) => /^ {2}step \d: at \d+\.\d\d K bulk sigma /.test(l));
    expect(conductivity).toHaveLength(3);
    for (const line of conductivity) expect(line).toMatch(/bulk sigma \d\.\d{3}e-4 S\/cm, grain boundary sigma \d\.\d{3}e-\d S\/cm$/);
    expect(lines.filter((l) => /^ {4}note: bulk arc \(R1\) relaxes at .* above the measured window 100 mHz to 1\.00 MHz/.test(l))).toHaveLength(3);
    // The final fits of both processes, Ea with its standard error in eV, come last before the run's line.
    const run1 = lines.findIndex((l) => l.startsWith('run '));
    const finals = lines.slice(0, run1).filter((l) => l.includes(', final): '));
    expect(finals).toHaveLength(2);
    const ea = (process: string) => {
      const line = finals.find((l) => l.startsWith(`  Arrhenius (conductivity, ${process}, 3 temperatures `));
      const m = line?.match(/Ea = (\S+) ± (\S+) eV, R\^2 /);
      expect(m, `final ${process} line in:\n${run.stdout}`).toBeTruthy();
      return { value: Number(m![1]), stderr: Number(m![2]) };
    };
    const bulk = ea('bulk');
    const boundary = ea('grain boundary');
    expect(Math.abs(bulk.value - pellet.parameters.bulkActivationEnergyEv) / pellet.parameters.bulkActivationEnergyEv).toBeLessThan(0.05);
    expect(Math.abs(boundary.value - pellet.parameters.grainBoundaryActivationEnergyEv) / pellet.parameters.grainBoundaryActivationEnergyEv).toBeLessThan(0.1);
    expect(bulk.stderr).toBeGreaterThan(0);
    expect(lines[run1]).toMatch(/^run \S+: success \(completed\), \d+ events/);
    // Whatever the store counted as flagged follows the run's line, one warning a line, as for every run command.
    expect(lines.slice(run1 + 1).filter((l) => l !== '').every((l) => l.startsWith('  warning: '))).toBe(true);

    // The same run's figures in --json: the fields of before, and the new ones.
    const json = await operandoWith([...args(), '--json']);
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout) as {
      exitStatus: string;
      warnings: string[];
      steps: unknown[];
      conductivity: Array<{ step: number; temperatureK: number; conductivitySPerCm: number; grainBoundaryConductivitySPerCm: number; from: string; notes: string[]; included: boolean }>;
      arrhenius: Array<{ process: string; final: boolean; activationEnergyEv: { value: number } }>;
      arrheniusGrainBoundary: Array<{ process: string; final: boolean; activationEnergyEv: { value: number } }>;
      activationEnergy: Record<'bulk' | 'grainBoundary', { valueEv: number; stderrEv: number; points: number; temperatureRangeK: [number, number] }>;
    };
    expect(out.exitStatus).toBe('success');
    expect(Array.isArray(out.warnings)).toBe(true);
    expect(out.steps).toHaveLength(3);
    expect(out.conductivity.map((c) => c.step)).toEqual([1, 2, 3]);
    for (const c of out.conductivity) {
      expect(c).toMatchObject({ from: 'eis-series', included: true });
      expect(c.conductivitySPerCm / pellet.trueConductivitySPerCm(c.temperatureK)).toBeGreaterThan(0.97);
      expect(c.conductivitySPerCm / pellet.trueConductivitySPerCm(c.temperatureK)).toBeLessThan(1.03);
      expect(c.grainBoundaryConductivitySPerCm).toBeGreaterThan(0);
      expect(c.notes.length).toBeGreaterThan(0);
    }
    expect(out.arrhenius).toHaveLength(1);
    expect(out.arrhenius[0]).toMatchObject({ process: 'bulk', final: true });
    expect(out.arrheniusGrainBoundary).toHaveLength(1);
    expect(out.arrheniusGrainBoundary[0]).toMatchObject({ process: 'grain-boundary', final: true });
    expect(out.activationEnergy.bulk.valueEv).toBe(out.arrhenius[0]!.activationEnergyEv.value);
    expect(out.activationEnergy.grainBoundary.valueEv).toBe(out.arrheniusGrainBoundary[0]!.activationEnergyEv.value);
    expect(out.activationEnergy.bulk).toMatchObject({ points: 3 });
    expect(out.activationEnergy.bulk.stderrEv).toBeGreaterThan(0);
  });
});
