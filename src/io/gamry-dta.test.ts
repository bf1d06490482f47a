import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { externalFixture } from '../../tests/support/external-fixtures.js';
import { readDtaTable } from './gamry-dta.js';
import { ImportError, isImportError } from './errors.js';
import { decodeText } from './text.js';

describe('readDtaTable', () => {
  it('reads a ZCURVE table up to the first line that is not tab-indented', () => {
    const text = ['TAG\tEISPOT', 'ZCURVE\tTABLE\t2', '\tPt\tFreq\tZreal\tZimag', '\t#\tHz\tohm\tohm', '\t0\t1000\t10\t-1', '\t1\t100\t12\t-3', 'EXPERIMENTABORTED\tTOGGLE\tT'].join('\n');
    const t = readDtaTable(text, 'ZCURVE');
    expect(t.columns).toEqual(['Pt', 'Freq', 'Zreal', 'Zimag']);
    expect(t.units).toEqual(['#', 'Hz', 'ohm', 'ohm']);
    expect(t.rows).toEqual([
      ['0', '1000', '10', '-1'],
      ['1', '100', '12', '-3'],
    ]);
    expect(t.firstLine).toBe(5);
  });

  it('reads the Gamry Framework 7.05 export from impedance.py and tells ZCURVE from OCVCURVE', () => {
    const text = decodeText(readFileSync(externalFixture('impedancepy_exampleDataGamry.DTA')));
    const z = readDtaTable(text, 'ZCURVE');
    expect(z.columns).toEqual(['Pt', 'Time', 'Freq', 'Zreal', 'Zimag', 'Zsig', 'Zmod', 'Zphz', 'Idc', 'Vdc', 'IERange']);
    expect(z.rows).toHaveLength(72);
    expect(z.rows[0]!.slice(2, 5)).toEqual(['200015.6', '825.8584', '-1367.239']);
    expect(z.rows[71]!.slice(2, 5)).toEqual(['0.0158898', '17007.49', '-6635.557']);
    const ocv = readDtaTable(text, 'OCVCURVE');
    expect(ocv.rows).toHaveLength(387);
    expect(ocv.columns).toContain('Over');
  });

  it('reports a missing table and a ragged row with typed errors', () => {
    expect(() => readDtaTable('TAG\tEISPOT\n', 'ZCURVE')).toThrow(ImportError);
    try {
      readDtaTable('ZCURVE\tTABLE\n\tPt\tFreq\n\t#\tHz\n\t0\t1\t2\n', 'ZCURVE');
      expect.unreachable();
    } catch (e) {
      expect((e as ImportError).code).toBe('IMPORT_FORMAT');
      expect((e as ImportError).context.line).toBe(4);
    }
  });

  it('never crashes on random text', () => {
    const line = fc.array(fc.constantFrom('\t', 'ZCURVE', 'TABLE', '1', 'x', '\n'), { maxLength: 30 }).map((a) => a.join(''));
    fc.assert(
      fc.property(line, (text) => {
        try {
          readDtaTable(text, 'ZCURVE');
        } catch (e) {
          expect(isImportError(e)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
