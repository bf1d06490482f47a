import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EXTERNAL_FIXTURES, externalFixture as file, externalFixtureFiles } from '../../tests/support/external-fixtures.js';
import { extent } from '../core/extent.js';
import { ImportError, isImportError } from './errors.js';
import { parseImpedanceFile, parseImpedanceSpectra, readImpedanceFile } from './impedance-file.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'operando-impedance-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readImpedanceFile on the external spectra', () => {
  it('impedance.py CSV: 66 points, 3.16 mHz to 10 kHz, Z\'\' as stored (negative = capacitive)', async () => {
    const s = await readImpedanceFile(file('impedancepy_exampleData.csv'));
    expect(s.frequencyHz).toHaveLength(66);
    expect(s.frequencyHz[0]).toBeCloseTo(3.1623e-3, 8);
    expect(s.zRe[0]).toBeCloseTo(4.94998977640506e-2, 15);
    expect(s.zIm[0]).toBeCloseTo(-2.043869854441892e-2, 15);
    expect(s.source).toMatchObject({ format: 'csv', imaginaryNegated: false, signRule: 'majority of points', inductivePointsExcluded: 0 });
  });

  it('drops the 9 inductive points of the impedance.py CSV on request', async () => {
    const s = await readImpedanceFile(file('impedancepy_exampleData.csv'), { excludeInductive: true });
    expect(s.frequencyHz).toHaveLength(57);
    expect(s.source.inductivePointsExcluded).toBe(9);
    expect(s.zIm.every((v) => v <= 0)).toBe(true);
  });

  it('BioLogic .mpt: negates the -Im(Z) column', async () => {
    const s = await readImpedanceFile(file('impedancepy_exampleDataBioLogic.mpt'));
    expect(s.frequencyHz).toHaveLength(43);
    expect(s.frequencyHz[0]).toBeCloseTo(1000.3201, 6);
    expect(s.zRe[0]).toBeCloseTo(65.470886, 6);
    // file: -Im(Z) = 3.8998979E-001
    expect(s.zIm[0]).toBeCloseTo(-0.38998979, 8);
    expect(s.source).toMatchObject({ format: 'biologic-mpt', imaginaryColumn: '-Im(Z)/Ohm', imaginaryNegated: true, signRule: 'column name' });
  });

  it('Gamry .DTA: ZCURVE Freq, Zreal, Zimag as stored', async () => {
    const s = await readImpedanceFile(file('impedancepy_exampleDataGamry.DTA'));
    expect(s.frequencyHz).toHaveLength(72);
    expect([s.frequencyHz[0], s.zRe[0], s.zIm[0]]).toEqual([200015.6, 825.8584, -1367.239]);
    expect(s.source).toMatchObject({ format: 'gamry-dta', imaginaryColumn: 'Zimag', imaginaryNegated: false });
  });

  it('pyDRTtools LIB_data.txt stores Z\'\' itself: capacitive below ~470 Hz, 7 inductive points above', async () => {
    const s = await readImpedanceFile(file('pydrttools_LIB_data.txt'));
    expect(s.frequencyHz).toHaveLength(107);
    expect(s.source).toMatchObject({ format: 'whitespace', imaginaryNegated: false, signRule: 'majority of points' });
    // last line of the file: 0.00500083202 0.151735559 -0.0137396762
    expect(s.zIm[106]).toBeCloseTo(-0.0137396762, 12);
    const inductive = Array.from(s.zIm).flatMap((v, i) => (v > 0 ? [s.frequencyHz[i]!] : []));
    expect(inductive).toHaveLength(7);
    expect(extent(inductive)!.min).toBeGreaterThan(470);
  });

  it('reads every external fixture as a spectrum', async () => {
    const names = await externalFixtureFiles();
    expect(names.length).toBeGreaterThanOrEqual(4);
    for (const name of names) {
      const s = await readImpedanceFile(file(name));
      expect(s.frequencyHz.length).toBeGreaterThan(10);
      expect(s.frequencyHz.every((f) => f > 0)).toBe(true);
    }
  });

  it('refuses a file that is not a spectrum (the fixtures’ PROVENANCE.md) with a typed error naming the file', async () => {
    const error = await readImpedanceFile(join(EXTERNAL_FIXTURES, '..', 'PROVENANCE.md')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportError);
    expect((error as ImportError).message).toMatch(/^PROVENANCE\.md .*expected 3 columns/);
  });
});

describe('sign conventions and formats by content', () => {
  it('negates a headerless file whose imaginary column is mostly positive (it holds -Z\'\')', async () => {
    const text = await readFile(file('pydrttools_LIB_data.txt'), 'latin1');
    const flipped = text
      .split('\n')
      .map((line) => line.replace(/^(\s*\S+\s+\S+\s+)(-?)(\S+)/, (_, head: string, minus: string, v: string) => `${head}${minus ? '' : '-'}${v}`))
      .join('\n');
    const original = parseImpedanceFile(text, 'lib.txt');
    const s = parseImpedanceFile(flipped, 'lib.txt');
    expect(s.source).toMatchObject({ imaginaryNegated: true, signRule: 'majority of points' });
    expect(Array.from(s.zIm)).toEqual(Array.from(original.zIm));
  });

  it('follows a CSV header: z_im_ohm as is, -z_im_ohm negated', () => {
    const plain = parseImpedanceFile('freq_hz,z_re_ohm,z_im_ohm\n10,1,-2\n1,2,-3\n', 'a.csv');
    expect(Array.from(plain.zIm)).toEqual([-2, -3]);
    expect(plain.source.imaginaryColumn).toBe('z_im_ohm');
    const negated = parseImpedanceFile('freq_hz,z_re_ohm,-z_im_ohm\n10,1,2\n1,2,3\n', 'a.csv');
    expect(Array.from(negated.zIm)).toEqual([-2, -3]);
    expect(negated.source).toMatchObject({ imaginaryNegated: true, signRule: 'column name' });
  });

  it("reads operando's own export by column name, leaving out text columns and empty cells, one spectrum per sweep", () => {
    const header = 'time_s,frequency_Hz,z_re_ohm,z_im_ohm,sweep,flags,seq,timestamp_ns';
    const rows = ['0,100000,12.5,-3.1,1,,1,5', '0.5,10000,20,-9.5,1,overload,2,6', '1,1000,,-20,1,,3,7', '1.5,100,80,-40,1,,4,8'];
    const spectrum = parseImpedanceFile(`${header}\n${rows.join('\n')}\n`, 'run-pstat2.eis.csv');
    expect(Array.from(spectrum.frequencyHz)).toEqual([1e5, 1e4, 100]);
    expect(Array.from(spectrum.zRe)).toEqual([12.5, 20, 80]);
    expect(Array.from(spectrum.zIm)).toEqual([-3.1, -9.5, -40]);
    expect(spectrum.source).toMatchObject({ imaginaryColumn: 'z_im_ohm', imaginaryNegated: false, incompleteRowsSkipped: 1 });
    const twoSweeps = `${header}\n${rows[0]}\n${rows[1]!.replace(',1,overload', ',2,overload')}\n`;
    const both = parseImpedanceSpectra(twoSweeps, 'two.csv');
    expect(both.spectra.map((x) => [x.source.loop, x.source.label, Array.from(x.frequencyHz)])).toEqual([
      [1, 'sweep 1', [1e5]],
      [2, 'sweep 2', [1e4]],
    ]);
    // The one-spectrum reader refuses them rather than merge them.
    expect(() => parseImpedanceFile(twoSweeps, 'two.csv')).toThrow(expect.objectContaining({ code: 'IMPORT_FORMAT', message: expect.stringMatching(/holds 2 spectra \(sweep 1, sweep 2\)/) }));
  });

  it('reads the last attempt of a sweep a lost link interrupted and the run repeated, and says how many rows it left out', () => {
    const header = 'time_s,frequency_Hz,z_re_ohm,z_im_ohm,sweep,attempt,flags,seq,timestamp_ns';
    const interrupted = ['0,100000,99,-99,2,1,,1,5', '0.5,10000,98,-98,2,1,,2,6'];
    const repeated = ['3,100000,12.5,-3.1,2,2,,3,9', '3.5,10000,20,-9.5,2,2,,4,10', '4,100,80,-40,2,2,,5,11'];
    const spectrum = parseImpedanceFile(`${header}\n${[...interrupted, ...repeated].join('\n')}\n`, 'run-pstat2.eis.csv');
    expect(Array.from(spectrum.frequencyHz)).toEqual([1e5, 1e4, 100]);
    expect(Array.from(spectrum.zRe)).toEqual([12.5, 20, 80]);
    expect(spectrum.source).toMatchObject({ earlierAttemptRowsSkipped: 2, incompleteRowsSkipped: 0 });
  });

  it('recognises an EC-Lab export and a Gamry file by content whatever the extension', async () => {
    const mpt = await readFile(file('impedancepy_exampleDataBioLogic.mpt'));
    const path = join(dir, 'spectrum.txt');
    await writeFile(path, mpt);
    expect((await readImpedanceFile(path)).source.format).toBe('biologic-mpt');
    const dta = await readFile(file('impedancepy_exampleDataGamry.DTA'), 'latin1');
    expect(parseImpedanceFile(dta, 'export.dat').source.format).toBe('gamry-dta');
  });

  it('rejects a non-positive frequency, a missing file and an empty table with typed errors', async () => {
    expect(() => parseImpedanceFile('1,2,-3\n-2,2,-3\n', 'z.csv')).toThrow(/z\.csv \(csv\): line 2: frequency -2 Hz is not positive/);
    await expect(readImpedanceFile(join(dir, 'missing.csv'))).rejects.toMatchObject({ code: 'IMPORT_READ' });
    expect(() => parseImpedanceFile('# nothing\n', 'z.csv')).toThrow(expect.objectContaining({ code: 'IMPORT_EMPTY' }));
    expect(() => parseImpedanceFile('EC-Lab ASCII FILE\nNb header lines : 4\nx\ntime/s\tEwe/V\n1\t2\n', 'a.mpt')).toThrow(
      expect.objectContaining({ code: 'IMPORT_MISSING_COLUMN' }),
    );
  });

  it('never crashes on random input, whatever the extension', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.constantFrom('a.csv', 'a.mpt', 'a.DTA', 'a.txt'), (text, name) => {
        try {
          const s = parseImpedanceFile(text, name);
          expect(s.frequencyHz.length).toBe(s.zRe.length);
        } catch (e) {
          expect(isImportError(e)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
