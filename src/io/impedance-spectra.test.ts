import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { externalFixture } from '../../tests/support/external-fixtures.js';
import { parseImpedanceSpectra } from './impedance-file.js';
import { decodeText, splitLines } from './text.js';

/** The EC-Lab v11.18 PEIS export of impedance.py: 61 header lines, 43 rows, one sweep (`cycle number` 1). */
const mpt = decodeText(readFileSync(externalFixture('impedancepy_exampleDataBioLogic.mpt')));
const mptLines = splitLines(mpt);
const mptHeader = mptLines.slice(0, 61);
const mptRows = mptLines.slice(61);
const names = mptHeader[60]!.split('\t');
const cycleColumn = names.indexOf('cycle number');
const freqColumn = names.indexOf('freq/Hz');
/** A data row with one cell changed. */
const withCell = (row: string, column: number, value: string) => row.split('\t').map((cell, k) => (k === column ? value : cell)).join('\t');
const withHeaderCount = (header: string[], count: number) => header.map((line, k) => (k === 1 ? `Nb header lines : ${count}` : line));

describe('one spectrum per loop, cycle or sweep', () => {
  it('an EC-Lab export of two PEIS loops (cycle number 1, 2) is two spectra of 43 points, not one of 86', () => {
    const second = mptRows.map((row) => withCell(row, cycleColumn, '2.000000000000000E+000'));
    const file = parseImpedanceSpectra([...mptHeader, ...mptRows, ...second].join('\r\n'), 'two-loops.mpt');
    expect(file.spectra.map((s) => [s.source.loop, s.source.label, s.frequencyHz.length])).toEqual([
      [1, 'cycle number 1', 43],
      [2, 'cycle number 2', 43],
    ]);
    expect(Array.from(file.spectra[1]!.zRe)).toEqual(Array.from(file.spectra[0]!.zRe));
    expect(file.warnings).toEqual([]);
  });

  it('rows of other techniques of a sequence (frequency 0) are left out, counted, and separate the spectra', () => {
    const ocv = mptRows.slice(0, 5).map((row) => withCell(row, freqColumn, '0.0000000E+000'));
    const file = parseImpedanceSpectra([...mptHeader, ...ocv, ...mptRows, ...ocv, ...mptRows].join('\n'), 'sequence.mpt');
    expect(file.spectra.map((s) => s.frequencyHz.length)).toEqual([43, 43]);
    expect(file.spectra[0]!.source.notImpedanceRowsSkipped).toBe(10);
    expect(file.warnings).toContain('10 rows with frequency 0 are not impedance points (rows of other techniques of the sequence) and were left out');
  });

  it("the loop list of an EC-Lab header ('Loop 1 from point number 43 to 85') splits a file whose rows carry no loop number", () => {
    const loops = ['Number of loops : 2', 'Loop 0 from point number 0 to 42', 'Loop 1 from point number 43 to 85'];
    const header = withHeaderCount([...mptHeader.slice(0, 59), ...loops, ...mptHeader.slice(59)], 64);
    // The label and the absence of the repeat warning show the loop list split the file, not the repeated frequencies.
    const file = parseImpedanceSpectra([...header, ...mptRows, ...mptRows].join('\n'), 'loops.mpt');
    expect(file.spectra.map((s) => [s.source.label, s.frequencyHz.length])).toEqual([
      ['loop 1', 43],
      ['loop 2', 43],
    ]);
    expect(file.warnings).toEqual([]);
  });

  it('a frequency measured again starts the next sweep of a file that numbers none (3-column text), with a warning', () => {
    const sweep = ['1000 10 -1', '100 12 -3', '10 20 -8', '1 40 -15'];
    const file = parseImpedanceSpectra([...sweep, ...sweep, ...sweep].join('\n'), 'three.txt');
    expect(file.spectra.map((s) => Array.from(s.frequencyHz))).toEqual([
      [1000, 100, 10, 1],
      [1000, 100, 10, 1],
      [1000, 100, 10, 1],
    ]);
    expect(file.warnings).toEqual(['the frequency sweep starts again 2 times without a loop number in the file: read as 3 spectra']);
    // One sweep is one spectrum: frequencies 1.3x apart are not repeats.
    const dense = Array.from({ length: 40 }, (_, k) => `${(1e5 * 10 ** (-k / 10)).toPrecision(5)} ${10 + k} ${-1 - k}`);
    expect(parseImpedanceSpectra(dense.join('\n'), 'dense.txt').spectra).toHaveLength(1);
  });

  it('a negative frequency is an error naming its line', () => {
    expect(() => parseImpedanceSpectra('1000 10 -1\n-5 12 -3\n', 'neg.txt')).toThrow(expect.objectContaining({ code: 'IMPORT_BAD_VALUE', context: expect.objectContaining({ line: 2 }) }));
  });
});

describe('real headers and tables that end early', () => {
  it('EC-Lab 11.52: 63 names (one empty) over rows of 61 values is read, and the extra names are reported', () => {
    const text = decodeText(readFileSync(new URL('../../tests/fixtures/biologic-mpr/echemistpy_Biologic_EIS.mpt', import.meta.url)));
    const file = parseImpedanceSpectra(text, 'Biologic_EIS.mpt');
    expect(file.spectra).toHaveLength(1);
    expect(file.spectra[0]!.frequencyHz).toHaveLength(43);
    expect(file.warnings).toEqual(['line 71: the header names 2 more columns than the rows hold ("", "Ewe-Ece/V"): left out']);
  });

  it('an EC-Lab export whose last row was cut short reads the others and says so', () => {
    const cut = mptRows[42]!.slice(0, 30);
    const file = parseImpedanceSpectra([...mptHeader, ...mptRows.slice(0, 42), cut].join('\n'), 'cut.mpt');
    expect(file.spectra[0]!.frequencyHz).toHaveLength(42);
    expect(file.warnings.join(' ')).toMatch(/line 104: the last row holds \d+ of \d+ values \(the file ends early\)/);
  });

  it('a Gamry ZCURVE that announces 10 points and holds 6 is read with a warning, never silently', () => {
    const lines = splitLines(decodeText(readFileSync(externalFixture('impedancepy_exampleDataGamry.DTA'))));
    const at = lines.indexOf('ZCURVE\tTABLE');
    const short = [...lines.slice(0, at), 'ZCURVE\tTABLE\t10', ...lines.slice(at + 1, at + 3 + 6)].join('\r\n');
    const file = parseImpedanceSpectra(short, 'short.DTA');
    expect(file.spectra[0]!.frequencyHz).toHaveLength(6);
    expect(file.warnings).toContain(`ZCURVE TABLE (line ${at + 1}) announces 10 points and holds 6: the measurement ended early`);
  });

  it('a Gamry file with two ZCURVE tables is two spectra', () => {
    const lines = splitLines(decodeText(readFileSync(externalFixture('impedancepy_exampleDataGamry.DTA'))));
    const at = lines.indexOf('ZCURVE\tTABLE');
    const table = lines.slice(at + 1);
    const file = parseImpedanceSpectra([...lines, 'ZCURVE2\tTABLE', ...table].join('\n'), 'two.DTA');
    expect(file.spectra.map((s) => [s.source.label, s.frequencyHz.length])).toEqual([
      ['ZCURVE table 1', 72],
      ['ZCURVE table 2', 72],
    ]);
  });
});
