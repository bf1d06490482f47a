import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOLTZMANN_EV_PER_K } from '../../core/physical-constants.js';
import { syntheticGittRun } from '../../analysis/gitt/synthetic-run.js';
import { bppRelaxationRatePerS } from '../../analysis/nmr/bpp.js';
import { exchangedFraction } from '../../analysis/nmr/exsy.js';
import { collectingIo } from '../collecting-io.test-support.js';
import { UsageError, type CliRunner } from '../command.js';
import { analyzeArrheniusCommand } from './analyze-arrhenius.js';
import { analyzeExchangeResistanceCommand } from './analyze-exchange-resistance.js';
import { analyzeExsyCommand } from './analyze-exsy.js';
import { analyzeGittCommand } from './analyze-gitt.js';
import { analyzeT2Command } from './analyze-t2.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'operando-analyze-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** File names are relative to the temp folder (called inside tests, after beforeAll made it). */
const collector = () => collectingIo(dir);

async function run(command: CliRunner, args: string[]) {
  const io = collector();
  const code = await command.run(args, io);
  return { code, io };
}

async function runJson(command: CliRunner, args: string[]) {
  const { code, io } = await run(command, [...args, '--json']);
  expect(code).toBe(0);
  return JSON.parse(io.out) as Record<string, unknown>;
}

const relative = (actual: unknown, expected: number) => Math.abs((actual as number) / expected - 1);

/** Two JSON values equal but for numbers, which agree to `tolerance` relative (files that store a run in other precisions). */
function expectClose(actual: unknown, expected: unknown, tolerance: number, path = ''): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    expect(Math.abs(actual - expected), path).toBeLessThanOrEqual(tolerance * Math.abs(expected) + 1e-300);
  } else if (typeof expected === 'object' && expected !== null && typeof actual === 'object' && actual !== null) {
    expect(Object.keys(actual), path).toEqual(Object.keys(expected));
    for (const [key, value] of Object.entries(expected)) expectClose((actual as Record<string, unknown>)[key], value, tolerance, `${path}.${key}`);
  } else expect(actual, path).toEqual(expected);
}

describe('analyze gitt', () => {
  const volumePerAreaCm = (0.01 * 54) / (181.88 * 18);
  const dTrue = [1e-11, 3e-11];

  /** Two pulses of a synthetic GITT run, written as a CSV with units in the header. */
  async function writeGittCsv(name: string, resistanceOhm: number): Promise<void> {
    const s = syntheticGittRun({
      initialVoltageV: 3.4,
      currentA: -1e-4,
      resistanceOhm,
      sqrtSlopeVPerSqrtS: -1e-3,
      pulseS: 600,
      restS: 3600,
      firstRestS: 1800,
      volumePerAreaCm,
      diffusionCm2PerS: dTrue,
      maxIntervalS: 10,
    });
    const rows = Array.from(s.timeS, (t, k) => `${t},${s.voltageV[k]},${s.currentA[k]}`);
    await writeFile(join(dir, name), `time_s,voltage_v,current_a\n${rows.join('\n')}\n`);
  }

  beforeAll(async () => {
    await writeGittCsv('gitt.csv', 25);
    await writeFile(join(dir, 'mass.json'), JSON.stringify({ massG: 0.01, molarVolumeCm3PerMol: 54, molarMassGPerMol: 181.88, areaCm2: 18, initialX: 0 }));
    await writeFile(join(dir, 'sphere.json'), JSON.stringify({ particleRadiusCm: 3 * volumePerAreaCm }));
    await writeFile(join(dir, 'both.json'), JSON.stringify({ massG: 0.01, molarVolumeCm3PerMol: 54, molarMassGPerMol: 181.88, areaCm2: 18, particleRadiusCm: 1e-4 }));
    await writeFile(join(dir, 'typo.json'), JSON.stringify({ massg: 0.01 }));
  });

  it('prints exactly the documented keys per pulse, with x, and recovers D', async () => {
    const json = await runJson(analyzeGittCommand, ['gitt.csv', '--params', 'mass.json']);
    expect(Object.keys(json)).toEqual(['pulses', 'warnings']);
    const pulses = json.pulses as Record<string, number>[];
    expect(pulses).toHaveLength(2);
    expect(Object.keys(pulses[0]!)).toEqual([
      'index',
      'startS',
      'durationS',
      'currentA',
      'e0V',
      'esV',
      'dEsV',
      'dEtV',
      'irDropV',
      'resistanceOhm',
      'diffusionCm2PerS',
      'diffusionSqrtTCm2PerS',
      'sqrtTR2',
      'x',
      'warnings',
    ]);
    pulses.forEach((p, k) => {
      expect(relative(p.diffusionCm2PerS, dTrue[k]!)).toBeLessThan(0.02);
      expect(relative(p.diffusionSqrtTCm2PerS, dTrue[k]!)).toBeLessThan(0.02);
      expect(p.x).toBeGreaterThan(0);
    });
    expect(json.warnings).toEqual([]);
  });

  it('leaves x out and warns about the sqrt(t) form with the particle radius only', async () => {
    const json = await runJson(analyzeGittCommand, ['gitt.csv', '--params', 'sphere.json']);
    const pulses = json.pulses as Record<string, unknown>[];
    expect('x' in pulses[0]!).toBe(false);
    expect(pulses[0]!.diffusionSqrtTCm2PerS).toBeNull();
    expect(relative(pulses[0]!.diffusionCm2PerS, dTrue[0]!)).toBeLessThan(0.02);
    expect((json.warnings as string[]).some((w) => w.includes('sqrt(t) form'))).toBe(true);
  });

  it("puts a pulse's warnings on the pulse, and in the top-level list with the pulse named (a step that reads as a negative resistance)", async () => {
    await writeGittCsv('negative-r.csv', -25);
    const json = await runJson(analyzeGittCommand, ['negative-r.csv', '--params', 'mass.json']);
    const pulses = json.pulses as Array<{ index: number; warnings: string[] }>;
    expect(pulses).toHaveLength(2);
    for (const p of pulses) expect(p.warnings.some((w) => /negative/i.test(w))).toBe(true);
    expect(json.warnings).toEqual(expect.arrayContaining(pulses.flatMap((p) => p.warnings.map((w) => `pulse ${p.index}: ${w}`))));
  });

  it('reads the same run from a BioLogic .mpt export (I in mA)', async () => {
    const csv = await runJson(analyzeGittCommand, ['gitt.csv', '--params', 'mass.json']);
    const lines = (await readFile(join(dir, 'gitt.csv'), 'utf8')).trim().split('\n').slice(1);
    const rows = lines.map((l) => {
      const [t, v, i] = l.split(',').map(Number) as [number, number, number];
      return `${t}\t${v}\t${i * 1e3}\t`;
    });
    await writeFile(join(dir, 'gitt.mpt'), ['EC-Lab ASCII FILE', 'Nb header lines : 4', 'GCPL', 'time/s\tEwe/V\tI/mA\t', ...rows].join('\r\n'));
    const mpt = await runJson(analyzeGittCommand, ['gitt.mpt', '--params', 'mass.json']);
    const d = (json: Record<string, unknown>) => (json.pulses as { diffusionCm2PerS: number }[]).map((p) => p.diffusionCm2PerS);
    d(mpt).forEach((value, k) => expect(relative(value, d(csv)[k]!)).toBeLessThan(1e-9));
  });

  it('reads the same run from a Maccor text export (Amps unsigned, State D) and from any table through --columns', async () => {
    const csv = await runJson(analyzeGittCommand, ['gitt.csv', '--params', 'mass.json']);
    const rows = (await readFile(join(dir, 'gitt.csv'), 'utf8')).trim().split('\n').slice(1).map((l) => l.split(',').map(Number) as [number, number, number]);
    const maccor = rows.map(([t, v, i], k) => [k + 1, 0, 1, t.toFixed(4), 0, 0, 0, Math.abs(i).toFixed(10), v, i < 0 ? 'D' : i > 0 ? 'C' : 'R', 0, '12/01/2026 09:00:00'].join('\t'));
    const header = "Today's Date 12/07/2026  Date of Test:\t12/01/2026\nRec#\tCyc#\tStep\tTest (Sec)\tStep (Sec)\tAmp-hr\tWatt-hr\tAmps\tVolts\tState\tES\tDPt Time";
    await writeFile(join(dir, 'gitt.034'), `${header}\n${maccor.join('\r\n')}\r\n`);
    const fromMaccor = await runJson(analyzeGittCommand, ['gitt.034', '--params', 'mass.json']);
    // The export writes time to 0.1 ms and the current to 0.1 nA, as Maccor does: the fits agree to 1e-6.
    expectClose(fromMaccor.pulses, csv.pulses, 1e-6);
    expect(fromMaccor.warnings).toEqual([expect.stringMatching(/^Amps is unsigned in this export: the current of the \d+ discharge rows \(State D\) was negated$/), ...(csv.warnings as string[])]);
    await writeFile(join(dir, 'gitt-arbin.txt'), `Test Time (h);Voltage (V);Current (mA)\n${rows.map(([t, v, i]) => [t / 3600, v, i * 1000].join(';')).join('\n')}\n`);
    const mapped = await runJson(analyzeGittCommand, ['gitt-arbin.txt', '--params', 'mass.json', '--columns', 'time=Test Time (h),voltage=Voltage (V),current=Current (mA)']);
    expectClose(mapped, csv, 1e-9);
  });

  it('reads an EC-Lab .mpr as its .mpt export, and refuses an unknown binary file with a typed error', async () => {
    const mprDir = fileURLToPath(new URL('../../../tests/fixtures/biologic-mpr/', import.meta.url));
    const json = async (file: string) => {
      const io = collectingIo(mprDir);
      expect(await analyzeGittCommand.run([file, '--params', join(dir, 'mass.json'), '--json'], io)).toBe(0);
      return JSON.parse(io.out);
    };
    const [mpr, mpt] = [await json('yadg_coc.issue_185.mpr'), await json('yadg_coc.issue_185.mpt')];
    // float32 values against their 8-digit text: the same pulse to 1e-6.
    expect(mpt.pulses).toHaveLength(1);
    expectClose(mpr, mpt, 1e-6);
    await writeFile(join(dir, 'cycler.xlsx'), Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]));
    await expect(analyzeGittCommand.run(['cycler.xlsx', '--params', 'mass.json'], collector())).rejects.toMatchObject({ code: 'IMPORT_UNSUPPORTED' });
  });

  it('prints a readable table with units without --json', async () => {
    const { code, io } = await run(analyzeGittCommand, ['gitt.csv', '--params', 'mass.json']);
    expect(code).toBe(0);
    expect(io.out).toContain('D/(cm2/s)');
    expect(io.out).toContain('R/ohm');
    expect(io.out.split('\n').filter((l) => /^\s*\d+\s+\d+\s/.test(l))).toHaveLength(2);
  });

  it('refuses bad arguments and parameter files with usage errors', async () => {
    const io = collector();
    await expect(analyzeGittCommand.run(['gitt.csv'], io)).rejects.toThrow(/--params/);
    await expect(analyzeGittCommand.run(['gitt.csv', '--params', 'both.json'], io)).rejects.toThrow(/not both/);
    await expect(analyzeGittCommand.run(['gitt.csv', '--params', 'typo.json'], io)).rejects.toThrow(/unknown key "massg"/);
    await expect(analyzeGittCommand.run(['missing.csv', '--params', 'mass.json'], io)).rejects.toBeInstanceOf(UsageError);
    await expect(analyzeGittCommand.run(['gitt.csv', '--params', 'mass.json', '--bogus'], io)).rejects.toBeInstanceOf(UsageError);
  });
});

describe('analyze arrhenius', () => {
  it('fits conductivity as ln(sigma T) and prints the documented keys', async () => {
    const rows = [260, 290, 320, 350, 380].map((t) => `${t},${(5e4 / t) * Math.exp(-0.4 / (BOLTZMANN_EV_PER_K * t))}`);
    await writeFile(join(dir, 'sigma.csv'), `temperature_k,value\n${rows.join('\n')}\n`);
    const json = await runJson(analyzeArrheniusCommand, ['sigma.csv', '--quantity', 'conductivity']);
    expect(Object.keys(json)).toEqual(['activationEnergyEv', 'prefactor', 'r2', 'points', 'temperatureRangeK']);
    expect((json.activationEnergyEv as { value: number }).value).toBeCloseTo(0.4, 9);
    expect(relative((json.prefactor as { value: number }).value, 5e4)).toBeLessThan(1e-8);
    expect(json.points).toBe(5);
    expect(json.temperatureRangeK).toEqual([260, 380]);
  });

  it('refuses a missing or unknown quantity, and names a missing column', async () => {
    await writeFile(join(dir, 'bad.csv'), 'temperature_k,sigma\n300,1\n');
    const io = collector();
    await expect(analyzeArrheniusCommand.run(['sigma.csv'], io)).rejects.toBeInstanceOf(UsageError);
    await expect(analyzeArrheniusCommand.run(['sigma.csv', '--quantity', 'viscosity'], io)).rejects.toBeInstanceOf(UsageError);
    await expect(analyzeArrheniusCommand.run(['bad.csv', '--quantity', 'diffusion'], io)).rejects.toThrow(/bad\.csv: line 1: missing column "value"/);
  });
});

describe('analyze t2', () => {
  const ea = 0.35;
  const breakK = 330;
  const rigidT2S = 20e-6;
  beforeAll(async () => {
    const rows = Array.from({ length: 19 }, (_, k) => 258 + 10 * k).map((t) => {
      const line = -Math.log(rigidT2S) + (ea / BOLTZMANN_EV_PER_K) * (1 / t - 1 / breakK);
      return `${t},${Math.exp(-Math.min(-Math.log(rigidT2S), line))}`;
    });
    await writeFile(join(dir, 't2.csv'), `temperature_k,t2_s\n${rows.join('\n')}\n`);
  });

  it('prints the documented keys and the jump D at 298 K', async () => {
    const json = await runJson(analyzeT2Command, ['t2.csv', '--jump-distance-nm', '0.25', '--dimension', '2']);
    expect(Object.keys(json)).toEqual(['activationEnergyEv', 'breakpoint', 'tauInfS', 'tauCAt298KS', 'diffusionAt298KCm2PerS']);
    expect((json.activationEnergyEv as { value: number }).value).toBeCloseTo(ea, 9);
    expect((json.breakpoint as { temperatureK: number }).temperatureK).toBeCloseTo(breakK, 6);
    // D = l^2/(4 tau_c) in two dimensions, l = 0.25 nm.
    expect(relative(json.diffusionAt298KCm2PerS, (0.25e-7) ** 2 / (4 * (json.tauCAt298KS as number)))).toBeLessThan(1e-12);
  });

  it('adds the BPP fit of the motional regime when the Larmor frequency is given', async () => {
    // BPP motional regime below a rigid-lattice plateau at 1/T2 = 2e4 /s.
    const truth = { constantPerS2: 2e9, tauInfS: 4e-17, activationEnergyEv: 0.6 };
    const rows = Array.from({ length: 19 }, (_, k) => 258 + 10 * k).map((t) => `${t},${1 / Math.min(2e4, bppRelaxationRatePerS(t, truth, 155.5e6))}`);
    await writeFile(join(dir, 't2-bpp.csv'), `temperature_k,t2_s\n${rows.join('\n')}\n`);
    const { code, io } = await run(analyzeT2Command, ['t2-bpp.csv', '--jump-distance-nm', '0.25', '--dimension', '3', '--larmor-mhz', '155.5', '--json']);
    expect(code).toBe(0);
    const json = JSON.parse(io.out) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['activationEnergyEv', 'breakpoint', 'tauInfS', 'tauCAt298KS', 'diffusionAt298KCm2PerS', 'bpp']);
    const bpp = json.bpp as Record<string, { value: number }>;
    expect(bpp.activationEnergyEv!.value).toBeCloseTo(0.6, 4);
    expect(relative(bpp.tauInfS!.value, 4e-17)).toBeLessThan(1e-3);
    expect(relative(bpp.constantPerS2!.value, 2e9)).toBeLessThan(1e-3);
    // The single-line analysis of the curved motional regime is flagged, on stderr so stdout stays JSON.
    expect(io.err).toMatch(/^warning: the break point/m);
  });

  it('refuses a bad dimension or jump distance', async () => {
    const io = collector();
    await expect(analyzeT2Command.run(['t2.csv', '--jump-distance-nm', '0.25', '--dimension', '4'], io)).rejects.toBeInstanceOf(UsageError);
    await expect(analyzeT2Command.run(['t2.csv', '--jump-distance-nm', '-1', '--dimension', '3'], io)).rejects.toBeInstanceOf(UsageError);
  });
});

describe('analyze exsy', () => {
  it('fits D and prints the documented keys', async () => {
    const dCm = 40e-7;
    const rows = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1].map((t) => `${t},${exchangedFraction(t, 1e-13, dCm)}`);
    await writeFile(join(dir, 'exsy.csv'), `mixing_time_s,exchanged_fraction\n${rows.join('\n')}\n`);
    const json = await runJson(analyzeExsyCommand, ['exsy.csv', '--distance-nm', '40']);
    expect(Object.keys(json)).toEqual(['diffusionCm2PerS', 'r2']);
    expect(relative((json.diffusionCm2PerS as { value: number }).value, 1e-13)).toBeLessThan(1e-6);
  });

  it('refuses a missing distance', async () => {
    await expect(analyzeExsyCommand.run(['exsy.csv'], collector())).rejects.toThrow(/--distance-nm is required/);
  });
});

describe('analyze exchange-resistance', () => {
  it('prints resistanceOhmCm2 = R T/(z F j0)', async () => {
    const json = await runJson(analyzeExchangeResistanceCommand, ['--j0-ma-per-cm2', '0.5', '--temperature-k', '298.15']);
    expect(Object.keys(json)).toEqual(['resistanceOhmCm2']);
    // Thermal voltage 25.693 mV over 0.5 mA/cm2.
    expect(json.resistanceOhmCm2).toBeCloseTo(51.385, 2);
  });

  it('refuses non-numeric and missing values', async () => {
    const io = collector();
    await expect(analyzeExchangeResistanceCommand.run(['--j0-ma-per-cm2', 'abc', '--temperature-k', '300'], io)).rejects.toThrow(/j0-ma-per-cm2/);
    await expect(analyzeExchangeResistanceCommand.run(['--j0-ma-per-cm2', '1'], io)).rejects.toThrow(/--temperature-k is required/);
  });
});
