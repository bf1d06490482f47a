import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { externalFixture } from '../../tests/support/external-fixtures.js';
import { mptColumnIndex, mptNumbers, mptSeconds, readMptTable, type MptTable } from './biologic-mpt.js';
import { ImportError, isImportError } from './errors.js';
import { decodeText } from './text.js';

/** Every column of a table as numbers (cells stay text until a reader asks for a column). */
const numbers = (t: MptTable) => t.rows.map((_, k) => t.columns.map((_, c) => mptNumbers(t, c)[k]!));

/** A minimal EC-Lab export: magic line, header count, free header text, column names, data. */
const SMALL = [
  'EC-Lab ASCII FILE',
  'Nb header lines : 4',
  'Galvanostatic Intermittent Titration Technique',
  'time/s\tEwe/V\tI/mA\t',
  '0.0\t3.7000\t0.0000\t',
  '1.5E+000\t3.7125\t1.0000E-001\t',
  '',
  '3,0\t3,7250\t0,1\t',
].join('\r\n');

describe('readMptTable', () => {
  it('reads columns, rows and the header length of a small export (CRLF, trailing tabs, decimal commas)', () => {
    const t = readMptTable(SMALL);
    expect(t.columns).toEqual(['time/s', 'Ewe/V', 'I/mA']);
    expect(t.headerLines).toBe(4);
    expect(numbers(t)).toEqual([
      [0, 3.7, 0],
      [1.5, 3.7125, 0.1],
      [3, 3.725, 0.1],
    ]);
    expect(t.lines).toEqual([5, 6, 8]);
  });

  it('reads an export without the header block (column names on line 1)', () => {
    const t = readMptTable('freq/Hz\tRe(Z)/Ohm\n100\t5\n');
    expect(t).toMatchObject({ columns: ['freq/Hz', 'Re(Z)/Ohm'], rows: [['100', '5']], headerLines: 1, loopStarts: null, warnings: [] });
    expect(numbers(t)).toEqual([[100, 5]]);
  });

  it('reads the EC-Lab v11.18 PEIS export from impedance.py (Latin-1)', () => {
    const t = readMptTable(decodeText(readFileSync(externalFixture('impedancepy_exampleDataBioLogic.mpt'))));
    expect(t.headerLines).toBe(61);
    expect(t.columns.slice(0, 3)).toEqual(['freq/Hz', 'Re(Z)/Ohm', '-Im(Z)/Ohm']);
    expect(t.columns).toContain('cycle number');
    expect(t.rows).toHaveLength(43);
    // first data line of the file: 1.0003201E+003 6.5470886E+001 3.8998979E-001 ...
    expect(numbers(t)[0]!.slice(0, 3)).toEqual([1000.3201, 65.470886, 0.38998979]);
    expect(t.rows.every((r) => r.length === t.columns.length)).toBe(true);
  });

  it.each([
    ['EC-Lab ASCII FILE\nNb lines : 3\n', 'IMPORT_FORMAT', 2],
    ['EC-Lab ASCII FILE\nNb header lines : 90\nx\n', 'IMPORT_FORMAT', 2],
    ['EC-Lab ASCII FILE\nNb header lines : 4\nx\na\tb\n1\t2\t3\n', 'IMPORT_FORMAT', 5],
    ['EC-Lab ASCII FILE\nNb header lines : 4\nx\na\tb\n1\tx2\n', 'IMPORT_BAD_VALUE', 5],
    ['a\tb\n1\t2\n3\n4\t5\n', 'IMPORT_FORMAT', 3],
  ])('reports malformed input with a typed error and the line (%#)', (text, code, line) => {
    try {
      const t = readMptTable(text);
      t.columns.forEach((_, c) => mptNumbers(t, c));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ImportError);
      expect((e as ImportError).code).toBe(code);
      expect((e as ImportError).context.line).toBe(line);
    }
  });

  it('never crashes on random text: a table or an ImportError', () => {
    const cell = fc.oneof(fc.double({ noNaN: true }).map(String), fc.constantFrom('', 'x', '1,5', '-', 'NaN', '1e400'));
    const line = fc.array(cell, { maxLength: 4 }).map((c) => c.join('\t'));
    const header = fc.oneof(fc.constant('EC-Lab ASCII FILE\nNb header lines : 3\nnote'), fc.constant(''), fc.string());
    fc.assert(
      fc.property(header, fc.array(line, { maxLength: 8 }), (h, lines) => {
        try {
          const t = readMptTable(`${h}\n${lines.join('\n')}`);
          for (let c = 0; c < t.columns.length; c++) for (const v of mptNumbers(t, c)) expect(Number.isFinite(v)).toBe(true);
        } catch (e) {
          expect(isImportError(e)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
