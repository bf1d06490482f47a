import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseElectrochemSeries } from './electrochem-series.js';
import { isImportError } from './errors.js';
import { detectFormat } from './file-format.js';
import { parseImpedanceSpectra } from './impedance-file.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('format detection', () => {
  it('by content first, extension second, then comma or whitespace text', () => {
    expect(detectFormat(bytes('EC-Lab ASCII FILE\nNb header lines : 3\n'), 'x.txt').format).toBe('biologic-mpt');
    expect(detectFormat(bytes('EXPLAIN\nTAG\tEISPOT\n'), 'x.txt').format).toBe('gamry-dta');
    expect(detectFormat(bytes('Rec#\tCyc#\tStep\n'), 'x.034').format).toBe('maccor');
    expect(detectFormat(bytes('1\t2\t3\n'), 'x.mpt').format).toBe('biologic-mpt');
    expect(detectFormat(bytes('1 2 3\n'), 'x.csv').format).toBe('csv');
    expect(detectFormat(bytes('1,2,3\n'), 'x.dat').format).toBe('csv');
    expect(detectFormat(bytes('1 2 3\n'), 'x.dat').format).toBe('whitespace');
  });

  it('a binary file that is not an .mpr (a spreadsheet, a Gamry project) is IMPORT_UNSUPPORTED naming the formats read', () => {
    const xlsx = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]);
    expect(() => detectFormat(xlsx, 'cycler.xlsx')).toThrow(expect.objectContaining({ code: 'IMPORT_UNSUPPORTED', message: expect.stringMatching(/BioLogic \.mpr and \.mpt, Gamry \.DTA, Maccor/) }));
    expect(() => parseElectrochemSeries(xlsx, 'cycler.xlsx')).toThrow(expect.objectContaining({ code: 'IMPORT_UNSUPPORTED', message: expect.stringMatching(/^cycler\.xlsx: /) }));
    expect(() => parseImpedanceSpectra(bytes('x'), 'x.mpr')).toThrow(expect.objectContaining({ code: 'IMPORT_FORMAT', message: expect.stringMatching(/not a BioLogic \.mpr/) }));
  });

  it('never crashes on random bytes, whatever the extension: a result or an ImportError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom('a.csv', 'a.mpt', 'a.mpr', 'a.DTA', 'a.034', 'a.txt'), (input, name) => {
        for (const parse of [() => parseElectrochemSeries(input, name), () => parseImpedanceSpectra(input, name)]) {
          try {
            parse();
          } catch (e) {
            expect(isImportError(e)).toBe(true);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
