import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseElectrochemSeries } from './electrochem-series.js';
import { isImportError } from './errors.js';
import { detectFormat } from './file-format.js';
import { isMaccorText, readMaccorSeries } from './maccor.js';
import { decodeText } from './text.js';

/** Synthetic, in the layout of a Maccor text export (tests/fixtures/maccor/PROVENANCE.md). */
const bytes = readFileSync(new URL('../../tests/fixtures/maccor/gitt-synthetic.034', import.meta.url));
const text = decodeText(bytes);
const HEADER = "Today's Date 12/07/2026  Date of Test:\t12/01/2026\t Filename:\tx.034\nRec#\tCyc#\tStep\tTest (Sec)\tStep (Sec)\tAmp-hr\tWatt-hr\tAmps\tVolts\tState\tES\tDPt Time";

describe('Maccor text export', () => {
  it('is recognised by content whatever the extension (.034, .txt)', () => {
    expect(isMaccorText(text)).toBe(true);
    expect(detectFormat(bytes, 'gitt-synthetic.034').format).toBe('maccor');
    expect(detectFormat(bytes, 'renamed.txt').format).toBe('maccor');
  });

  it('reads Test (Sec), Volts and Amps; discharge rows (State D) of an unsigned export are negated, with a warning', () => {
    const s = readMaccorSeries(text);
    expect(s.timeS).toHaveLength(781);
    expect(s.timeS[0]).toBe(0);
    expect(s.timeS[780]).toBe(600 + 3 * (600 + 1800));
    // Row 62: the first point of the first pulse, 10 s in: 3.9 V - 0.5 mA x 20 ohm - 2 mV x sqrt(10).
    expect(s.states[61]).toBe('D');
    expect(s.currentA[61]).toBe(-5e-4);
    expect(s.voltageV[61]).toBeCloseTo(3.9 - 0.01 - 0.002 * Math.sqrt(10), 8);
    expect(s.currentA.filter((i) => i < 0)).toHaveLength(180);
    expect(s.currentA.filter((i) => i > 0)).toHaveLength(0);
    expect(s.warnings).toEqual(['Amps is unsigned in this export: the current of the 180 discharge rows (State D) was negated']);
  });

  it('keeps a signed export as it is', () => {
    const signed = `${HEADER}\n1\t0\t1\t0\t0\t0\t0\t0\t3.9\tR\t0\tx\n2\t0\t2\t10\t10\t0\t0\t-0.0005\t3.88\tD\t0\tx\n`;
    const s = readMaccorSeries(signed);
    expect(Array.from(s.currentA)).toEqual([0, -5e-4]);
    expect(s.warnings).toEqual([]);
  });

  it('a last row cut short is left out with a warning; a short row elsewhere is an error naming its line', () => {
    const cut = `${HEADER}\n1\t0\t1\t0\t0\t0\t0\t0\t3.9\tR\t0\tx\n2\t0\t2\t10\t10\n\n`;
    expect(readMaccorSeries(cut).warnings).toEqual(['line 4: the last row holds 5 values (the file ends early) and was left out']);
    const inside = `${HEADER}\n2\t0\t2\t10\t10\n1\t0\t1\t0\t0\t0\t0\t0\t3.9\tR\t0\tx\n`;
    expect(() => readMaccorSeries(inside)).toThrow(expect.objectContaining({ code: 'IMPORT_FORMAT', context: { line: 3 } }));
    expect(() => readMaccorSeries(`${HEADER}\n`)).toThrow(expect.objectContaining({ code: 'IMPORT_EMPTY' }));
    expect(() => readMaccorSeries(HEADER.replace('Volts', 'Voltage'))).toThrow(expect.objectContaining({ code: 'IMPORT_MISSING_COLUMN', context: expect.objectContaining({ column: 'Volts' }) }));
  });

  it('the electrochemistry reader takes it as a GITT series, by content', () => {
    const s = parseElectrochemSeries(bytes, 'gitt-synthetic.034');
    expect(s.format).toBe('maccor');
    expect(s.currentA[61]).toBe(-5e-4);
  });

  it('never crashes on random text after a Maccor header: a series or an ImportError', () => {
    const cell = fc.oneof(fc.double().map(String), fc.constantFrom('', 'N/A', 'R', 'D', 'C', '1,5', '-'));
    const line = fc.array(cell, { maxLength: 14 }).map((c) => c.join('\t'));
    fc.assert(
      fc.property(fc.constantFrom(HEADER, "Today's Date", 'Rec#\tVolts', ''), fc.array(line, { maxLength: 8 }), (header, lines) => {
        try {
          const s = readMaccorSeries(`${header}\n${lines.join('\n')}`);
          for (const v of [...s.timeS, ...s.voltageV, ...s.currentA]) expect(Number.isFinite(v)).toBe(true);
        } catch (e) {
          expect(isImportError(e)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
