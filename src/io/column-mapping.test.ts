import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EIS_MAPPING, GITT_MAPPING, isColumnMapping, parseColumnMapping, readMappedTable, unitOfName, type ColumnMapping } from './column-mapping.js';
import { parseElectrochemSeries } from './electrochem-series.js';
import { isImportError } from './errors.js';
import { parseImpedanceSpectra } from './impedance-file.js';

function mapping(spec: string, required = GITT_MAPPING, optional: readonly ('loop' | 'time')[] = []): ColumnMapping {
  const m = parseColumnMapping(spec, required, optional);
  if (!isColumnMapping(m)) throw new Error(m.problem);
  return m;
}

describe('--columns', () => {
  it('takes the unit from the column name: (h), [mA], /V, _uA', () => {
    expect(['Test Time (h)', 'Current [mA]', 'Ewe/V', 'current_uA', 'Volts'].map(unitOfName)).toEqual(['h', 'mA', 'V', 'uA', null]);
    const m = mapping('time=Test Time (h), voltage=Ewe/V, current=Current [mA]');
    expect(m.map((c) => [c.quantity, c.column, c.factor, c.negated])).toEqual([
      ['time', 'Test Time (h)', 3600, false],
      ['voltage', 'Ewe/V', 1, false],
      ['current', 'Current [mA]', 1e-3, false],
    ]);
  });

  it('takes the unit after a colon for a header without one (Maccor, spreadsheets), and instrument spellings (Sec, Ohm, hr)', () => {
    const m = mapping('time=Test (Sec),voltage=Volts:V,current=Amps:mA');
    expect(m.map((c) => [c.column, c.factor])).toEqual([
      ['Test (Sec)', 1],
      ['Volts', 1],
      ['Amps', 1e-3],
    ]);
    const eis = mapping("frequency=Freq:kHz,zre=Z' (Ohm),zim=-Z'' (mOhm)", EIS_MAPPING);
    expect(eis.map((c) => [c.column, c.factor, c.negated])).toEqual([
      ['Freq', 1e3, false],
      ["Z' (Ohm)", 1, false],
      ["-Z'' (mOhm)", 1e-3, true],
    ]);
  });

  it.each([
    ['time=t (s),voltage=E (V)', /current not mapped/],
    ['time=t (s),voltage=E (V),current=I', /current=I gives no unit: .*"I \(mA\)".*current=I:mA/],
    ['time=t (s),voltage=E (V),current=I (V)', /"V" is not a unit of current/],
    ['time=t (s),voltage=E (V),current=I (A),temperature=T (K)', /"temperature" is not one of time, voltage, current/],
    ['time=t (s),time=u (s),voltage=E (V),current=I (A)', /time is mapped twice/],
    ['time=,voltage=E (V),current=I (A)', /time names no column/],
  ])('%s: a problem a usage message can show', (spec, problem) => {
    const m = parseColumnMapping(spec, GITT_MAPPING);
    expect(isColumnMapping(m) ? null : m.problem).toMatch(problem);
  });

  it('finds the header below a cycler\'s file facts, with tabs and decimal commas, and converts to SI', () => {
    const text = 'Neware export\tchannel 3\n\nRecord\tTest Time (h)\tVoltage (V)\tCurrent (mA)\n1\t0\t3,5\t0\n2\t0,5\t3,4\t-1,5\n';
    const t = readMappedTable(text, mapping('time=Test Time (h),voltage=Voltage (V),current=Current (mA)'));
    expect(Array.from(t.values.time!)).toEqual([0, 1800]);
    expect(Array.from(t.values.voltage!)).toEqual([3.5, 3.4]);
    expect(Array.from(t.values.current!)).toEqual([0, -1.5e-3]);
    expect(t.lines).toEqual([4, 5]);
  });

  it('leaves out rows with an empty mapped cell (counted) and a last row cut short (warned); other short rows are errors', () => {
    const m = mapping('time=t (s),voltage=E (V),current=I (A)');
    const t = readMappedTable('t (s),E (V),I (A)\n0,3.5,0\n1,,0\n2,3.4,-1\n3,3.3\n', m);
    expect(t.skipped).toBe(1);
    expect(t.warnings).toEqual(['line 5: the last row holds 2 values (the file ends early) and was left out']);
    expect(() => readMappedTable('t (s),E (V),I (A)\n0,3.5\n1,3.4,0\n', m)).toThrow(expect.objectContaining({ code: 'IMPORT_FORMAT', context: { line: 2 } }));
    expect(() => readMappedTable('time,E (V),I (A)\n0,3.5,0\n', m)).toThrow(expect.objectContaining({ code: 'IMPORT_MISSING_COLUMN' }));
  });

  it('reads a GITT series and EIS spectra through a mapping, loops included', () => {
    const series = parseElectrochemSeries('Zeit / h;U / V;I / mA\n0;3,5;0\n0,25;3,4;-0,5\n', 'basytec.txt', { columns: mapping('time=Zeit / h,voltage=U / V,current=I / mA') });
    expect(series.format).toBe('mapped');
    expect(Array.from(series.timeS)).toEqual([0, 900]);
    expect(Array.from(series.currentA)).toEqual([0, -5e-4]);
    const eis = parseImpedanceSpectra('Cycle;Freq (Hz);Re (Ohm);-Im (Ohm)\n1;1000;10;1\n1;10;20;8\n2;1000;11;1\n2;10;21;8\n', 'ivium.csv', {
      columns: mapping('frequency=Freq (Hz),zre=Re (Ohm),zim=-Im (Ohm),loop=Cycle', EIS_MAPPING, ['loop']),
    });
    expect(eis.format).toBe('mapped');
    expect(eis.spectra.map((s) => [s.source.label, Array.from(s.zIm)])).toEqual([
      ['Cycle 1', [-1, -8]],
      ['Cycle 2', [-1, -8]],
    ]);
  });

  it('never crashes on random text: a table or an ImportError', () => {
    const m = mapping('time=t (s),voltage=E (V),current=I (mA)');
    const cell = fc.oneof(fc.double().map(String), fc.constantFrom('', 't (s)', 'E (V)', 'I (mA)', '1,5', 'x'));
    const line = fc.tuple(fc.array(cell, { maxLength: 5 }), fc.constantFrom('\t', ';', ',')).map(([c, d]) => c.join(d));
    fc.assert(
      fc.property(fc.constantFrom('', 't (s)\tE (V)\tI (mA)\n', 't (s);E (V);I (mA)\n'), fc.array(line, { maxLength: 10 }), (header, lines) => {
        try {
          const t = readMappedTable(header + lines.join('\n'), m);
          for (const values of Object.values(t.values)) for (const v of values!) expect(Number.isFinite(v)).toBe(true);
        } catch (e) {
          expect(isImportError(e)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
