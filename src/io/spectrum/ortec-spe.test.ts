import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { channelEnergyKeV, totalCounts, type McaSpectrum } from '../../core/spectrum.js';
import { ImportError } from '../errors.js';
import { decodeText } from '../text.js';
import { SPECTRUM_FIXTURE, spectrumFixture } from './fixtures.test-support.js';
import { readSpe, writeSpe } from './ortec-spe.js';
import { sameSpectrum } from './spectrum-values.js';

const fixture = (name: string) => decodeText(readFileSync(spectrumFixture(name)));
const utc = (...fields: [number, number, number, number, number, number]) => BigInt(Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], fields[5])) * 1_000_000n;

/** The channel of the largest count (the first one). */
function maximum(counts: Uint32Array): { channel: number; counts: number } {
  let channel = 0;
  for (let i = 1; i < counts.length; i++) if (counts[i]! > counts[channel]!) channel = i;
  return { channel, counts: counts[channel]! };
}

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof ImportError) return e.code;
    throw e;
  }
  return 'no error';
}

/** A small .Spe in the layout GammaVision writes, with sections replaced or added by `parts`. */
function spe(parts: Record<string, string[]>): string {
  const sections: Record<string, string[]> = { SPEC_ID: ['test'], DATE_MEA: ['01/02/2020 03:04:05'], MEAS_TIM: ['10 12'], DATA: ['0 3', '1', '2', '3', '4'], ...parts };
  return Object.entries(sections)
    .flatMap(([name, body]) => [`$${name}:`, ...body])
    .join('\r\n');
}

describe('ORTEC .Spe: the real files, with their documented header values', () => {
  it('GammaVision (PopTop HPGe, Mendocino): 8192 channels, 595642/595798 s, 10/11/2013 10:30:10, 0.378444 keV/channel', () => {
    const { spectrum, title, warnings } = readSpe(fixture(SPECTRUM_FIXTURE.mendocino));
    expect(spectrum.counts).toHaveLength(8192);
    expect([spectrum.liveTimeS, spectrum.realTimeS]).toEqual([595642, 595798]);
    expect(spectrum.startNs).toBe(utc(2013, 10, 11, 10, 30, 10));
    // $MCA_CAL: 0.000000E+000 3.78444E-001 0.000000E+000 keV (unit after the coefficients)
    expect(spectrum.energyCalibrationKeV).toEqual([0, 0.378444, 0]);
    expect(totalCounts(spectrum.counts)).toBe(2_279_915);
    expect(maximum(spectrum.counts)).toEqual({ channel: 3860, counts: 33_492 });
    // The K-40 line.
    expect(channelEnergyKeV(spectrum.energyCalibrationKeV!, 3860)).toBeCloseTo(1460.8, 1);
    expect(title).toBeNull();
    expect(warnings).toEqual([]);
  });

  it('Maestro (digiBASE): 1024 channels, 296/300 s, 02/09/2018 10:03:36, and its all-zero calibration as none', () => {
    const { spectrum } = readSpe(fixture(SPECTRUM_FIXTURE.digibase));
    expect(spectrum.counts).toHaveLength(1024);
    expect([spectrum.liveTimeS, spectrum.realTimeS]).toEqual([296, 300]);
    expect(spectrum.startNs).toBe(utc(2018, 2, 9, 10, 3, 36));
    expect(spectrum.energyCalibrationKeV).toBeNull();
    expect(totalCounts(spectrum.counts)).toBe(892_301);
    expect(maximum(spectrum.counts)).toEqual({ channel: 17, counts: 21_957 });
  });

  it('both real files come back identical through writeSpe, in CRLF', () => {
    for (const name of [SPECTRUM_FIXTURE.mendocino, SPECTRUM_FIXTURE.digibase]) {
      const { spectrum } = readSpe(fixture(name));
      const written = writeSpe(spectrum, { title: 'kelp, Marinelli beaker' });
      expect(written.split('\r\n').every((line) => !line.includes('\n'))).toBe(true);
      const back = readSpe(written);
      expect(sameSpectrum(back.spectrum, spectrum), name).toBe(true);
      expect(back.title).toBe('kelp, Marinelli beaker');
    }
  });
});

describe('ORTEC .Spe: what the reader makes of each section', () => {
  it('reads the calibration in its unit, $ENER_FIT without $MCA_CAL, and keV when no unit is written', () => {
    expect(readSpe(spe({ MCA_CAL: ['3', '1.0E+000 2.0E-003 0.0E+000 MeV'] })).spectrum.energyCalibrationKeV).toEqual([1000, 2, 0]);
    expect(readSpe(spe({ MCA_CAL: ['2', '5 0.5'] })).spectrum.energyCalibrationKeV).toEqual([5, 0.5, 0]);
    expect(readSpe(spe({ ENER_FIT: ['1.5 0.25'] })).spectrum.energyCalibrationKeV).toEqual([1.5, 0.25, 0]);
    expect(readSpe(spe({ ENER_FIT: ['9 9'], MCA_CAL: ['3', '1 2 3 keV'] })).spectrum.energyCalibrationKeV).toEqual([1, 2, 3]);
    expect(codeOf(() => readSpe(spe({ MCA_CAL: ['3', '1 2 3 furlongs'] })))).toBe('IMPORT_BAD_VALUE');
  });

  it('puts counts from a first channel above 0 at their channels (zeros before), and takes several counts per line', () => {
    const { spectrum } = readSpe(spe({ DATA: ['2 5', '7 8', '9', '10'] }));
    expect(Array.from(spectrum.counts)).toEqual([0, 0, 7, 8, 9, 10]);
  });

  it('gives null for what the file does not say', () => {
    const text = ['$SPEC_ID:', '', '$DATA:', '0 1', '5', '6'].join('\r\n');
    const { spectrum, title } = readSpe(text);
    expect(spectrum).toMatchObject({ liveTimeS: null, realTimeS: null, startNs: null, energyCalibrationKeV: null });
    expect(title).toBeNull();
  });

  it('refuses a file that is not one, a count that is not a count, and a $DATA that does not hold what it announces', () => {
    expect(codeOf(() => readSpe('hello\r\n$DATA:\r\n0 0\r\n1'))).toBe('IMPORT_FORMAT');
    expect(codeOf(() => readSpe(spe({ DATA: ['0 1', '5', '-6'] })))).toBe('IMPORT_BAD_VALUE');
    expect(codeOf(() => readSpe(spe({ DATA: ['0 1', '5', '4294967296'] })))).toBe('IMPORT_BAD_VALUE');
    expect(codeOf(() => readSpe(spe({ DATA: ['0 2', '5', '6'] })))).toBe('IMPORT_FORMAT');
    expect(codeOf(() => readSpe(spe({ DATA: ['0 0', '5', '6'] })))).toBe('IMPORT_FORMAT');
    expect(codeOf(() => readSpe(spe({ DATE_MEA: ['13/45/2020 10:00:00'] })))).toBe('IMPORT_BAD_VALUE');
    expect(codeOf(() => readSpe(spe({ MEAS_TIM: ['10'] })))).toBe('IMPORT_FORMAT');
    expect(codeOf(() => readSpe(spe({ MEAS_TIM: ['-1 10'] })))).toBe('IMPORT_BAD_VALUE');
    expect(codeOf(() => readSpe(['$SPEC_ID:', 'x'].join('\r\n')))).toBe('IMPORT_FORMAT');
  });

  it('refuses more than 65536 channels from the $DATA line alone, before reading a count', () => {
    const e = (() => {
      try {
        readSpe(spe({ DATA: ['0 65536', '1'] }));
      } catch (error) {
        return error as ImportError;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(ImportError);
    expect(e!.code).toBe('IMPORT_TOO_LARGE');
    expect(readSpe(spe({ DATA: ['65535 65535', '1'] })).spectrum.counts).toHaveLength(65_536);
  });

  it('a $DATA line with millions of counts where few are announced is refused without reading them all', () => {
    const text = spe({ DATA: ['0 1', '1 '.repeat(3_000_000)] });
    expect(codeOf(() => readSpe(text))).toBe('IMPORT_FORMAT');
  });
});

describe('writeSpe', () => {
  const spectrum: McaSpectrum = {
    counts: Uint32Array.from([0, 1, 4_294_967_295]),
    liveTimeS: 1.25,
    realTimeS: 2e-7,
    startNs: utc(2024, 2, 29, 23, 59, 59),
    energyCalibrationKeV: [-0.5, 0.378444, 1.5e-7],
  };

  it('writes the sections GammaVision writes, the calibration in its %E notation with the unit after it', () => {
    const lines = writeSpe(spectrum).split('\r\n');
    expect(lines.slice(0, 11)).toEqual(['$SPEC_ID:', 'No sample description was entered.', '$SPEC_REM:', 'AP# operando', '$DATE_MEA:', '02/29/2024 23:59:59', '$MEAS_TIM:', '1.25 0.0000002', '$DATA:', '0 2', '       0']);
    expect(lines[lines.indexOf('$MCA_CAL:') + 2]).toBe('-5.0E-001 3.78444E-001 1.5E-007 keV');
    expect(sameSpectrum(readSpe(writeSpe(spectrum)).spectrum, spectrum)).toBe(true);
  });

  it('refuses to write a spectrum that is not valid', () => {
    expect(() => writeSpe({ ...spectrum, liveTimeS: Number.NaN })).toThrow(RangeError);
    expect(() => writeSpe({ ...spectrum, counts: new Uint32Array(0) })).toThrow(RangeError);
  });
});
