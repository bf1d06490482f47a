import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { externalFixture } from '../../tests/support/external-fixtures.js';
import { parseElectrochemSeries, readNumericCsv } from './electrochem-series.js';
import { ImportError } from './errors.js';
import { decodeText } from './text.js';

function importError(f: () => unknown): ImportError {
  try {
    f();
  } catch (e) {
    if (e instanceof ImportError) return e;
    throw e;
  }
  throw new Error('expected an ImportError');
}

describe('CSV series', () => {
  it('reads time_s,voltage_v,current_a in any column order, with extra columns, CRLF, a BOM and comments', () => {
    const text = '\uFEFF# cell 7, GITT\r\ncurrent_a,Time_S,voltage_v,cycle\r\n0,0,3.5,1\r\n\r\n-1e-4,10.5,3.48,1\r\n';
    const s = parseElectrochemSeries(text, 'run.csv');
    expect(Array.from(s.timeS)).toEqual([0, 10.5]);
    expect(Array.from(s.voltageV)).toEqual([3.5, 3.48]);
    expect(Array.from(s.currentA)).toEqual([0, -1e-4]);
  });

  it("reads operando's own export as it is: units in the header, flags and seq columns, NaN as an empty cell left out", () => {
    const text = 'time_s,potential_V,current_A,flags,seq,timestamp_ns\n0,3.41,0,,1,1700000000000000000\n1.5,,-0.0001,overload,2,1700000001500000000\n3,3.39,-0.0001,overload|underload,3,1700000003000000000\n';
    const s = parseElectrochemSeries(text, 'run-pstat1.dc.csv');
    expect(Array.from(s.timeS)).toEqual([0, 3]);
    expect(Array.from(s.voltageV)).toEqual([3.41, 3.39]);
    expect(Array.from(s.currentA)).toEqual([0, -0.0001]);
    expect(s.skippedRows).toBe(1);
  });

  it('scales columns by the unit in their name: current_mA, current_uA, time_min, potential_mV', () => {
    const s = parseElectrochemSeries('time_min,potential_mV,current_mA\n1,3400,-0.1\n2,3390,-0.1\n', 'scaled.csv');
    expect(Array.from(s.timeS)).toEqual([60, 120]);
    expect(Array.from(s.voltageV)).toEqual([3.4, 3.39]);
    expect(Array.from(s.currentA)).toEqual([-1e-4, -1e-4]);
    expect(Array.from(parseElectrochemSeries('t/s,Ewe/V,I/uA\n0,3,-5\n', 'slash.csv').currentA)).toEqual([-5e-6]);
  });

  it('names the file, line and column of a missing column, a bad value and a short row', () => {
    const missing = importError(() => parseElectrochemSeries('time_s,voltage_v\n0,3\n', 'a.csv'));
    expect(missing.code).toBe('IMPORT_MISSING_COLUMN');
    expect(missing.message).toMatch(/^a\.csv: line 1: missing column "current_a"/);
    const bad = importError(() => parseElectrochemSeries('time_s,voltage_v,current_a\n0,3,0\n1,3.1x,0\n', 'b.csv'));
    expect(bad.code).toBe('IMPORT_BAD_VALUE');
    expect(bad.message).toMatch(/^b\.csv: line 3, column voltage_v: "3.1x" is not a number/);
    expect(bad.context).toMatchObject({ file: 'b.csv', line: 3 });
    const short = importError(() => parseElectrochemSeries('time_s,voltage_v,current_a\n0,3\n', 'c.csv'));
    expect(short.message).toMatch(/^c\.csv: line 2: column "current_a" is missing/);
    expect(importError(() => parseElectrochemSeries('time_s,voltage_v,current_a\n', 'd.csv')).code).toBe('IMPORT_EMPTY');
    expect(importError(() => parseElectrochemSeries('', 'e.csv')).code).toBe('IMPORT_EMPTY');
  });

  it('round-trips any table of finite numbers', () => {
    const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
    fc.assert(
      fc.property(fc.array(fc.tuple(finite, finite), { minLength: 1, maxLength: 30 }), (rows) => {
        const text = `x,y\n${rows.map(([x, y]) => `${x},${y}`).join('\n')}\n`;
        const table = readNumericCsv(text, 't.csv', ['x', 'y']);
        expect(Array.from(table.x)).toEqual(rows.map((r) => r[0] + 0));
        expect(Array.from(table.y)).toEqual(rows.map((r) => r[1] + 0));
      }),
    );
  });

  it('gives a series or an ImportError on any text, never another error', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('t', 'i', 'm', 'e', '_', 's', ',', '\n', '1', '.', '-', 'v', 'c', 'a', 'r', 'n', 'o', 'l', 'g', ' ') }), (body) => {
        for (const text of [body, `time_s,voltage_v,current_a\n${body}`]) {
          try {
            parseElectrochemSeries(text, 'f.csv');
          } catch (e) {
            expect(e).toBeInstanceOf(ImportError);
          }
        }
      }),
    );
  });
});

describe('BioLogic .mpt series', () => {
  it('reads time/s, Ewe/V and I/mA (to A) after the header block', () => {
    const text = [
      'EC-Lab ASCII FILE',
      'Nb header lines : 4',
      'Galvanostatic Cycling with Potential Limitation',
      'mode\ttime/s\tEwe/V\tI/mA\tcycle number\t',
      '1\t0.0\t3.5012\t0.000\t0\t',
      '1\t1.5\t3.4990\t-0.100\t0\t',
    ].join('\r\n');
    const s = parseElectrochemSeries(text, 'gcpl.mpt');
    expect(Array.from(s.timeS)).toEqual([0, 1.5]);
    expect(Array.from(s.voltageV)).toEqual([3.5012, 3.499]);
    expect(s.currentA[1]).toBeCloseTo(-1e-4, 15);
  });

  it('reads the averaged <Ewe>/V and <I>/mA of a real EC-Lab export (impedance.py example, SP-150)', async () => {
    const text = decodeText(await readFile(externalFixture('impedancepy_exampleDataBioLogic.mpt')));
    const s = parseElectrochemSeries(text, 'exampleDataBioLogic.mpt');
    // 104 lines (the last without a line break), 61 of them header: 43 rows; first and last as in the file.
    expect(s.timeS.length).toBe(43);
    expect(s.timeS[0]).toBe(7.836904905780102e-1);
    expect(s.voltageV[0]).toBe(-2.8677555e-4);
    expect(s.currentA[0]).toBeCloseTo(-4.8041187e-5, 15);
    expect(s.timeS[42]).toBe(2.885022309564229e2);
    expect(s.currentA[42]).toBeCloseTo(-4.5939464e-5, 15);
  });

  it('names the file and the missing column', () => {
    const text = ['EC-Lab ASCII FILE', 'Nb header lines : 4', 'PEIS', 'freq/Hz\tRe(Z)/Ohm', '1\t2'].join('\n');
    const e = importError(() => parseElectrochemSeries(text, 'eis.mpt'));
    expect(e.code).toBe('IMPORT_MISSING_COLUMN');
    expect(e.message).toMatch(/^eis\.mpt: line 4: no column "time\/s"/);
  });
  it('reads a galvanostatic export whose header has an empty and a repeated column name (EC-Lab 11.52 writes them)', () => {
    const text = ['EC-Lab ASCII FILE', 'Nb header lines : 4', 'GCPL', 'mode\ttime/s\tEwe/V\t\tI/mA\tEwe/V\t', '1\t0.0\t3.5\t0\t0.0\t9\t', '1\t1.0\t3.4\t0\t-0.5\t9\t'].join('\n');
    const s = parseElectrochemSeries(text, 'gcpl.mpt');
    expect(Array.from(s.voltageV)).toEqual([3.5, 3.4]);
    expect(Array.from(s.currentA)).toEqual([0, -5e-4]);
    expect(s.warnings).toEqual(['line 4: column name "Ewe/V" repeated: the first is read']);
  });

  it('leaves the impedance rows of a sequence (GCPL then PEIS) out of the time series, with a warning that counts them', () => {
    const text = ['EC-Lab ASCII FILE', 'Nb header lines : 4', 'GCPL + PEIS', 'time/s\tEwe/V\tI/mA\tfreq/Hz', '0\t3.5\t0\t0', '1\t3.4\t-0.5\t0', '2\t3.4\t0\t1000', '3\t3.4\t0\t100', '4\t3.41\t0\t0'].join('\n');
    const s = parseElectrochemSeries(text, 'sequence.mpt');
    expect(Array.from(s.timeS)).toEqual([0, 1, 4]);
    expect(s.warnings).toEqual(['2 rows of impedance measurements (frequency > 0) were left out of the time series']);
  });
});
