import { describe, expect, it } from 'vitest';
import { EXTERNAL_FIXTURES, externalFixtureFiles } from '../../../tests/support/external-fixtures.js';
import { isImportError } from '../../io/errors.js';
import { collectingIo } from '../collecting-io.test-support.js';
import { UsageError } from '../command.js';
import { analyzeEisCommand } from './analyze-eis.js';

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
  it('runs on every spectrum of tests/fixtures/external and prints the documented JSON', async () => {
    const files = await externalFixtureFiles();
    // A spectrum added to the fixtures needs its circuit here.
    expect(files).toEqual(Object.keys(CIRCUITS).sort());
    for (const file of files) {
      const io = collector();
      const circuit = CIRCUITS[file]!;
      const code = await analyzeEisCommand.run([file, '--circuit', circuit, '--kk', '--drt', '--thickness-cm', '0.1', '--area-cm2', '1.5', '--json'], io);
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
      expect(Object.keys(out.drt)).toEqual(['lambda', 'peaks']);
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
    await analyzeEisCommand.run(['impedancepy_exampleData.csv', '--circuit', 'R0-p(R1,CPE1)-p(R2,CPE2)-W1', '--exclude-inductive', '--json'], io);
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
