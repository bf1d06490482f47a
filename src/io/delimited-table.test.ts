import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readDelimitedTable } from './delimited-table.js';
import { ImportError, isImportError } from './errors.js';
import { parseDecimal } from './text.js';

describe('readDelimitedTable', () => {
  it('reads CSV with a header, comments and blank lines', () => {
    const t = readDelimitedTable('\uFEFF# exported\nfreq_hz,z_re_ohm,z_im_ohm\n\n1000, 1.5 ,-0.25\n1e2,2,-1\n', 'comma');
    expect(t.header).toEqual(['freq_hz', 'z_re_ohm', 'z_im_ohm']);
    expect(t.rows).toEqual([
      [1000, 1.5, -0.25],
      [100, 2, -1],
    ]);
    expect(t.lines).toEqual([4, 5]);
  });

  it('reads whitespace-separated numbers without a header', () => {
    const t = readDelimitedTable('999.04 \t0.1123\t0.0031 \n  891.4   0.1125  0.0026\n', 'whitespace');
    expect(t.header).toBeNull();
    expect(t.rows).toEqual([
      [999.04, 0.1123, 0.0031],
      [891.4, 0.1125, 0.0026],
    ]);
  });

  it('names the line and column of a bad cell and of a ragged row', () => {
    expect(() => readDelimitedTable('a,b\n1,2\n3\n', 'comma')).toThrow(/line 3: 1 columns where the table has 2/);
    try {
      readDelimitedTable('f,re\n1,\n', 'comma');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ImportError);
      expect((e as ImportError).context).toEqual({ line: 2, column: 're' });
    }
    expect(() => readDelimitedTable('1,2\n', 'comma', 3, 'three columns')).toThrow(/line 1: expected three columns/);
  });

  it('parseDecimal refuses what Number() would accept silently', () => {
    for (const bad of ['', ' ', '0x10', 'Infinity', '1,5', '1e999']) expect(() => parseDecimal(bad, 1, 'c')).toThrow(ImportError);
    expect(parseDecimal(' -.5e-3 ', 1, 'c')).toBe(-0.0005);
  });

  it('never crashes on random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.constantFrom('comma' as const, 'whitespace' as const), (text, delimiter) => {
        try {
          const t = readDelimitedTable(text, delimiter);
          for (const row of t.rows) for (const v of row) expect(Number.isFinite(v)).toBe(true);
        } catch (e) {
          expect(isImportError(e)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
