import { describe, expect, it } from 'vitest';
import type { McaSpectrum } from '../../core/spectrum.js';
import { ImportError } from '../errors.js';
import { readSpectrumCsv, writeSpectrumCsv } from './spectrum-csv.js';
import { sameSpectrum } from './spectrum-values.js';

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof ImportError) return e.code;
    throw e;
  }
  return 'no error';
}

describe('spectrum CSV (channel,counts with # header lines)', () => {
  it('reads the header lines in any case, with : or =, and the rows', () => {
    const text = ['# operando spectrum', '# Title: LiF on Cu', '# LIVE_TIME_S = 296', '# real time s: 300', '# start_time: 2018-02-09T10:03:36+01:00', '# energy_calibration_keV: 0, 0.37844, 0', 'Channel,Counts', '0,5', '1, 6', '2,7'].join('\r\n');
    const { spectrum, title } = readSpectrumCsv(text);
    expect(Array.from(spectrum.counts)).toEqual([5, 6, 7]);
    expect([spectrum.liveTimeS, spectrum.realTimeS]).toEqual([296, 300]);
    expect(spectrum.startNs).toBe(BigInt(Date.UTC(2018, 1, 9, 9, 3, 36)) * 1_000_000n);
    expect(spectrum.energyCalibrationKeV).toEqual([0, 0.37844, 0]);
    expect(title).toBe('LiF on Cu');
  });

  it('takes rows without a header row, from a first channel above 0', () => {
    const { spectrum } = readSpectrumCsv('3,1\n4,2\n');
    expect(Array.from(spectrum.counts)).toEqual([0, 0, 0, 1, 2]);
    expect(spectrum).toMatchObject({ liveTimeS: null, realTimeS: null, startNs: null, energyCalibrationKeV: null });
  });

  it('refuses gaps, bad counts, extra columns, a bad start or calibration, no rows and too many channels', () => {
    expect(codeOf(() => readSpectrumCsv('0,1\n2,1\n'))).toBe('IMPORT_FORMAT');
    expect(codeOf(() => readSpectrumCsv('0,1.5\n'))).toBe('IMPORT_BAD_VALUE');
    expect(codeOf(() => readSpectrumCsv('0,-1\n'))).toBe('IMPORT_BAD_VALUE');
    expect(codeOf(() => readSpectrumCsv('0,1,2\n'))).toBe('IMPORT_FORMAT');
    expect(codeOf(() => readSpectrumCsv('0;1\n'))).toBe('IMPORT_FORMAT');
    expect(codeOf(() => readSpectrumCsv('# start_time: 2018-02-30T00:00:00\n0,1\n'))).toBe('IMPORT_BAD_VALUE');
    expect(codeOf(() => readSpectrumCsv('# energy_calibration_keV: 1 2\n0,1\n'))).toBe('IMPORT_FORMAT');
    expect(codeOf(() => readSpectrumCsv('# live_time_s: soon\n0,1\n'))).toBe('IMPORT_BAD_VALUE');
    expect(codeOf(() => readSpectrumCsv('channel,counts\n'))).toBe('IMPORT_EMPTY');
    expect(codeOf(() => readSpectrumCsv('65536,1\n'))).toBe('IMPORT_TOO_LARGE');
    expect(codeOf(() => readSpectrumCsv('65535,1\n65536,1\n'))).toBe('IMPORT_TOO_LARGE');
  });

  it('a header line of millions of spaces is read in linear time (no regex backtracking)', () => {
    const text = `#${' '.repeat(4_000_000)}\n0,1\n`;
    expect(Array.from(readSpectrumCsv(text).spectrum.counts)).toEqual([1]);
  });

  it('writes what it reads back, exactly', () => {
    const spectrum: McaSpectrum = {
      counts: Uint32Array.from([0, 4_294_967_295, 3]),
      liveTimeS: 0.1,
      realTimeS: 1e-9,
      startNs: -1n,
      energyCalibrationKeV: [1e-300, -2.5, 3],
    };
    const written = writeSpectrumCsv(spectrum, { title: 'two\nlines' });
    expect(written.split('\n').slice(0, 8)).toEqual([
      '# operando spectrum',
      '# title: two lines',
      '# live_time_s: 0.1',
      '# real_time_s: 0.000000001',
      '# start_time: 1969-12-31T23:59:59.999999999Z',
      '# energy_calibration_keV: 1e-300 -2.5 3',
      'channel,counts',
      '0,0',
    ]);
    const back = readSpectrumCsv(written);
    expect(sameSpectrum(back.spectrum, spectrum)).toBe(true);
    expect(back.title).toBe('two lines');
  });
});
