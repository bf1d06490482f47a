import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTERNAL_FIXTURES, externalFixtureFiles } from '../../../tests/support/external-fixtures.js';
import { silentLogger } from '../../core/logger.js';
import { isImportError } from '../../io/errors.js';
import { decodeText, splitLines } from '../../io/text.js';
import { PotentiostatInstrument } from '../../kinds/potentiostat/instrument.js';
import { DEFAULT_EIS_WEIGHTING, type EisSweepInput } from '../../protocols/eis/eis-parameters.js';
import { planEisSweep } from '../../protocols/eis/eis-protocol.js';
import { collectingIo } from '../collecting-io.test-support.js';
import { UsageError } from '../command.js';
import { analyzeEisCommand } from './analyze-eis.js';

/** Real EC-Lab files (tests/fixtures/biologic-mpr/PROVENANCE.md). */
const BIOLOGIC_MPR = fileURLToPath(new URL('../../../tests/fixtures/biologic-mpr/', import.meta.url));

/** File names are relative to the fixtures. */
const collector = () => collectingIo(EXTERNAL_FIXTURES);

/** A circuit suited to each spectrum of the fixtures. */
const CIRCUITS: Record<string, string> = {
  'impedancepy_exampleData.csv': 'R0-p(R1,CPE1)-p(R2,CPE2)-W1',
  'impedancepy_exampleDataBioLogic.mpt': 'R0-p(R1,CPE1)',
  'impedancepy_exampleDataGamry.DTA': 'R0-p(R1,CPE1)-p(R2,CPE2)',
  'pydrttools_LIB_data.txt': 'L0-R0-p(R1,CPE1)-p(R2,CPE2)-W1',
};

describe('operando analyze eis', () => {
  it('runs on every spectrum of tests/fixtures/external and prints the documented JSON of --loop 1', async () => {
    const files = await externalFixtureFiles();
    // A spectrum added to the fixtures needs its circuit here.
    expect(files).toEqual(Object.keys(CIRCUITS).sort());
    for (const file of files) {
      const io = collector();
      const circuit = CIRCUITS[file]!;
      const code = await analyzeEisCommand.run([file, '--circuit', circuit, '--loop', '1', '--kk', '--drt', '--thickness-cm', '0.1', '--area-cm2', '1.5', '--json'], io);
      expect(code).toBe(0);
      const out = JSON.parse(io.out);
      expect(Object.keys(out)).toEqual(['circuit', 'points', 'parameters', 'rss', 'chiSquare', 'kk', 'drt', 'conductivitySPerCm', 'warnings']);
      expect(out.circuit).toBe(circuit);
      expect(Object.keys(out.parameters)[0]).toMatch(/^[LR]0$/);
      for (const p of Object.values<{ value: number; stderr: number | null; unit: string }>(out.parameters)) {
        expect(Object.keys(p)).toEqual(['value', 'stderr', 'unit']);
        expect(p.value).toBeGreaterThan(0);
      }
      expect(out.rss).toBeGreaterThan(0);
      expect(Object.keys(out.kk)).toEqual(['M', 'mu', 'pass', 'maxResidual']);
      expect(Object.keys(out.drt)).toEqual(['lambda', 'lambdaMethod', 'noiseRelative', 'peaks']);
      expect(out.drt.lambdaMethod).toBe('discrepancy');
      for (const peak of out.drt.peaks) expect(Object.keys(peak)).toEqual(['tauS', 'resistanceOhm']);
      expect(out.conductivitySPerCm).toBeGreaterThan(0);
      expect(Array.isArray(out.warnings)).toBe(true);
    }
  });

  it('rejects a file that is not a spectrum with a typed import error naming the file', async () => {
    await expect(analyzeEisCommand.run(['../PROVENANCE.md', '--circuit', 'R0-p(R1,C1)', '--json'], collector())).rejects.toSatisfy(
      (e: unknown) => isImportError(e) && e.message.startsWith('PROVENANCE.md'),
    );
  });

  it('leaves kk, drt and conductivity null when not asked, and counts the points after exclusion', async () => {
    const io = collector();
    await analyzeEisCommand.run(['impedancepy_exampleData.csv', '--circuit', 'R0-p(R1,CPE1)-p(R2,CPE2)-W1', '--weighting', 'unit', '--exclude-inductive', '--loop', '1', '--json'], io);
    const out = JSON.parse(io.out);
    expect(out).toMatchObject({ points: 57, kk: null, drt: null, conductivitySPerCm: null });
    expect(out.rss).toBeLessThanOrEqual(2.89e-5);
    expect(out.parameters.CPE1_0.unit).toBe('F s^(a-1)');
  });

  it('prints a readable table without --json', async () => {
    const io = collector();
    const code = await analyzeEisCommand.run(['pydrttools_LIB_data.txt', '--circuit', 'L0-R0-p(R1,CPE1)-W1', '--weighting', 'modulus', '--kk'], io);
    expect(code).toBe(0);
    expect(io.out).toMatch(/L0-R0-p\(R1,CPE1\)-W1, 107 points, modulus weighting/);
    expect(io.out).toMatch(/^\s+R1\s+\S+ ± \S+\s+ohm$/m);
    expect(io.out).toMatch(/R1\|\|CPE1: C = \S+ F/);
    expect(io.out).toMatch(/Lin-KK: M = \d+, mu = 0\.\d+/);
  });

  it.each([
    [['impedancepy_exampleData.csv'], /--circuit is required/],
    [['impedancepy_exampleData.csv', '--circuit', 'R0', '--weighting', 'square'], /--weighting must be one of unit, modulus, proportional/],
    [['impedancepy_exampleData.csv', '--circuit', 'R0', '--thickness-cm', '0.1'], /--thickness-cm and --area-cm2 go together/],
    [['impedancepy_exampleData.csv', '--circuit', 'R0', '--thickness-cm', '0.1', '--area-cm2', '0'], /--area-cm2 must be a number > 0/],
    [['a.csv', 'b.csv', '--circuit', 'R0'], /expected one impedance file/],
    [['impedancepy_exampleData.csv', '--circuit', 'R0', '--frobnicate'], /frobnicate/],
    [['missing.csv', '--circuit', 'R0'], /cannot read missing\.csv/],
    [['impedancepy_exampleData.csv', '--circuit', 'R0', '--loop', '0'], /--loop must be a whole number from 1/],
    [['impedancepy_exampleData.csv', '--circuit', 'R0', '--loop', '2'], /--loop 2: impedancepy_exampleData\.csv holds 1 spectrum/],
    [['impedancepy_exampleData.csv', '--circuit', 'R0', '--columns', 'frequency=f (Hz),zre=Re (ohm)'], /--columns: zim not mapped/],
  ])('usage error for %j', async (args, message) => {
    await expect(analyzeEisCommand.run(args, collector())).rejects.toSatisfy((e: unknown) => e instanceof UsageError && message.test(e.message));
  });

  it('reports a malformed circuit with its position before reading the data', async () => {
    await expect(analyzeEisCommand.run(['missing.csv', '--circuit', 'R0-p(R1,C1'], collector())).rejects.toMatchObject({
      code: 'EIS_CIRCUIT_SYNTAX',
      context: { position: 10 },
    });
  });
});

describe('operando analyze eis: files of several spectra, binary and mapped files, the default weighting', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'operando-analyze-eis-'));
    // Two loops of the impedance.py EC-Lab export: the rows again with cycle number 2.
    const lines = splitLines(decodeText(await readFile(join(EXTERNAL_FIXTURES, 'impedancepy_exampleDataBioLogic.mpt'))));
    const cycle = lines[60]!.split('\t').indexOf('cycle number');
    const again = lines.slice(61).map((row) => row.split('\t').map((cell, k) => (k === cycle ? '2' : cell)).join('\t'));
    await writeFile(join(dir, 'two-loops.mpt'), [...lines, ...again].join('\r\n'), 'latin1');
    await writeFile(join(dir, 'mapped.txt'), 'Ivium export\nFreq;Z1 (Ohm);-Z2 (Ohm)\n1000;10,5;1\n100;12;4\n10;20;9\n1;35;12\n0,1;50;20\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('fits each loop of an EC-Lab export and prints {"spectra":[...],"warnings":[...]}; --loop 2 prints the second alone', async () => {
    const io = collectingIo(dir);
    expect(await analyzeEisCommand.run(['two-loops.mpt', '--circuit', 'R0-p(R1,CPE1)', '--json'], io)).toBe(0);
    const out = JSON.parse(io.out);
    expect(Object.keys(out)).toEqual(['spectra', 'warnings']);
    expect(out.spectra).toHaveLength(2);
    expect(Object.keys(out.spectra[0])).toEqual(['loop', 'label', 'frequencyRangeHz', 'circuit', 'points', 'parameters', 'rss', 'chiSquare', 'kk', 'drt', 'conductivitySPerCm', 'warnings']);
    expect(out.spectra.map((s: { loop: number; label: string; points: number }) => [s.loop, s.label, s.points])).toEqual([
      [1, 'cycle number 1', 43],
      [2, 'cycle number 2', 43],
    ]);
    expect(out.spectra[0].frequencyRangeHz[0]).toBeCloseTo(0.01689554, 8);
    // The same rows: the same fit.
    expect(out.spectra[1].parameters.R1.value).toBe(out.spectra[0].parameters.R1.value);
    const one = collectingIo(dir);
    await analyzeEisCommand.run(['two-loops.mpt', '--circuit', 'R0-p(R1,CPE1)', '--loop', '2', '--json'], one);
    const second = JSON.parse(one.out);
    expect(Object.keys(second)).toEqual(['circuit', 'points', 'parameters', 'rss', 'chiSquare', 'kk', 'drt', 'conductivitySPerCm', 'warnings']);
    expect(second.parameters.R1.value).toBe(out.spectra[1].parameters.R1.value);
  });

  it('lists every spectrum in the readable form', async () => {
    const io = collectingIo(dir);
    await analyzeEisCommand.run(['two-loops.mpt', '--circuit', 'R0-p(R1,CPE1)'], io);
    expect(io.out).toMatch(/^two-loops\.mpt: 2 spectra, modulus weighting$/m);
    expect(io.out).toMatch(/^two-loops\.mpt #2 \(cycle number 2\): R0-p\(R1,CPE1\), 43 points, modulus weighting$/m);
  });

  it('reads an EC-Lab .mpr, and fits it as its .mpt export', async () => {
    const fit = async (file: string) => {
      const io = collectingIo(BIOLOGIC_MPR);
      await analyzeEisCommand.run([file, '--circuit', 'R0-p(R1,CPE1)-p(R2,CPE2)', '--json'], io);
      return JSON.parse(io.out).spectra[0];
    };
    const [mpr, mpt] = [await fit('echemistpy_Biologic_EIS.mpr'), await fit('echemistpy_Biologic_EIS.mpt')];
    expect(mpr.points).toBe(43);
    expect(Math.abs(mpr.chiSquare / mpt.chiSquare - 1)).toBeLessThan(1e-4);
    for (const name of Object.keys(mpt.parameters)) expect(Math.abs(mpr.parameters[name].value / mpt.parameters[name].value - 1), name).toBeLessThan(1e-3);
  });

  it('reads any table through --columns, with units, a negated column and decimal commas', async () => {
    const io = collectingIo(dir);
    await analyzeEisCommand.run(['mapped.txt', '--circuit', 'R0-p(R1,C1)', '--columns', 'frequency=Freq:Hz,zre=Z1 (Ohm),zim=-Z2 (Ohm)', '--loop', '1', '--json'], io);
    const out = JSON.parse(io.out);
    expect(out.points).toBe(5);
    expect(out.parameters.R0.value).toBeGreaterThan(5);
  });

  it('weights by DEFAULT_EIS_WEIGHTING (modulus) unless told otherwise: the default the live fit of a sweep gets from the EIS protocol', async () => {
    expect(DEFAULT_EIS_WEIGHTING).toBe('modulus');
    const io = collector();
    await analyzeEisCommand.run(['impedancepy_exampleDataGamry.DTA', '--circuit', 'R0-p(R1,CPE1)-p(R2,CPE2)'], io);
    expect(io.out).toMatch(/, modulus weighting$/m);
    const instrument = new PotentiostatInstrument(
      { id: 'pstat', kind: 'potentiostat', driver: 'methodscript', transport: 'tcp://127.0.0.1:1', limits: { minV: -1, maxV: 5, maxAbsCurrentA: 1e-2 } },
      async () => {
        throw new Error('not connected in this test');
      },
      silentLogger,
    );
    const input: EisSweepInput = { startFrequency: '10 kHz', endFrequency: '1 Hz', pointsPerDecade: 5, amplitude: '10 mV' };
    const plan = planEisSweep(input, instrument);
    expect(plan.analysis.weighting).toBe(DEFAULT_EIS_WEIGHTING);
  });
});
