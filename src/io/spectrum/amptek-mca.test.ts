import { describe, expect, it } from 'vitest';
import { ImportError } from '../errors.js';
import { readAmptekMca } from './amptek-mca.js';

/**
 * No licensed Amptek file is public (tests/fixtures/PROVENANCE.md): these
 * files follow the layout of Amptek's "Amptek Spectrum File Format" page and
 * what DppMCA writes after <<END>> (configuration and status sections).
 */
function mca(options: { header?: string[]; calibration?: string[] | null; data?: string[]; end?: boolean; after?: string[] } = {}): string {
  const lines = [
    '<<PMCA SPECTRUM>>',
    ...(options.header ?? ['TAG - live_data', 'DESCRIPTION - Am241 Spectrum 4000 second. Accumulation', 'GAIN - 2', 'THRESHOLD - 50', 'LIVE_MODE - 0', 'PRESET_TIME - 4000', 'LIVE_TIME - 3983.720000', 'REAL_TIME - 4000.000000', 'START_TIME - 10/20/1998 12:17:17', 'SERIAL_NUMBER - 1199']),
    ...(options.calibration === null ? [] : ['<<CALIBRATION>>', ...(options.calibration ?? ['LABEL - keV', '1 0.000000', '322 13.950000'])]),
    '<<ROI>>',
    '312 330',
    '<<DATA>>',
    ...(options.data ?? ['0', '12', '345', '6789', '0']),
    ...(options.end === false ? [] : ['<<END>>']),
    ...(options.after ?? ['<<DP5 CONFIGURATION>>', 'RESC=?;    Reset Configuration', 'MCAC=1024;    MCA/MCS Channels', '<<DP5 CONFIGURATION END>>', '<<DPP STATUS>>', 'Device Type: DP5', 'Serial Number: 1199', '<<DPP STATUS END>>']),
  ];
  return `${lines.join('\r\n')}\r\n`;
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

describe('Amptek .mca (PMCA)', () => {
  it('reads the header, the counts between <<DATA>> and <<END>>, and nothing after', () => {
    const { spectrum, title, warnings } = readAmptekMca(mca());
    expect(Array.from(spectrum.counts)).toEqual([0, 12, 345, 6789, 0]);
    expect([spectrum.liveTimeS, spectrum.realTimeS]).toEqual([3983.72, 4000]);
    expect(spectrum.startNs).toBe(BigInt(Date.UTC(1998, 9, 20, 12, 17, 17)) * 1_000_000n);
    expect(title).toBe('Am241 Spectrum 4000 second. Accumulation');
    expect(warnings).toEqual([]);
  });

  it('turns two calibration points into a line, in the unit the label names', () => {
    const line = readAmptekMca(mca()).spectrum.energyCalibrationKeV!;
    // Through (1, 0) and (322, 13.95) keV.
    expect(line[0] + line[1] * 1).toBeCloseTo(0, 12);
    expect(line[0] + line[1] * 322).toBeCloseTo(13.95, 12);
    expect(line[2]).toBe(0);
    const inEv = readAmptekMca(mca({ calibration: ['LABEL - Energy (eV)', '1 0.000000', '322 13950.000000'] })).spectrum.energyCalibrationKeV!;
    expect(inEv[1]).toBeCloseTo(line[1], 12);
  });

  it('fits a parabola exactly through three points, and by least squares through more', () => {
    const energy = (ch: number) => 0.5 + 0.02 * ch + 1e-6 * ch * ch;
    const points = [10, 2000, 8000].map((ch) => `${ch} ${energy(ch)}`);
    const [c0, c1, c2] = readAmptekMca(mca({ calibration: ['LABEL - keV', ...points] })).spectrum.energyCalibrationKeV!;
    expect(c0).toBeCloseTo(0.5, 9);
    expect(c1).toBeCloseTo(0.02, 12);
    expect(c2).toBeCloseTo(1e-6, 15);
    const many = [10, 500, 2000, 4000, 8000].map((ch) => `${ch} ${energy(ch)}`);
    expect(readAmptekMca(mca({ calibration: ['LABEL - keV', ...many] })).spectrum.energyCalibrationKeV![2]).toBeCloseTo(1e-6, 14);
  });

  it('reads a label that names no unit as keV, and says so', () => {
    const { spectrum, warnings } = readAmptekMca(mca({ calibration: ['LABEL - Channel', '0 0', '100 10'] }));
    expect(spectrum.energyCalibrationKeV![1]).toBeCloseTo(0.1, 12);
    expect(warnings).toEqual(['calibration label "Channel" names no energy unit: read as keV']);
  });

  it('gives null for what the file leaves out or empty, and takes yyyy-mm-dd starts', () => {
    const { spectrum, title } = readAmptekMca(mca({ header: ['TAG - ', 'DESCRIPTION - ', 'LIVE_TIME - ', 'START_TIME - '], calibration: null }));
    expect(spectrum).toMatchObject({ liveTimeS: null, realTimeS: null, startNs: null, energyCalibrationKeV: null });
    expect(title).toBeNull();
    const iso = readAmptekMca(mca({ header: ['START_TIME - 2020-11-10 11:47:50'] })).spectrum;
    expect(iso.startNs).toBe(BigInt(Date.UTC(2020, 10, 10, 11, 47, 50)) * 1_000_000n);
  });

  it('refuses a file cut short, one that is not PMCA, bad counts, bad calibration points and more than 65536 channels', () => {
    expect(codeOf(() => readAmptekMca(mca({ end: false, after: [] })))).toBe('IMPORT_FORMAT');
    expect(codeOf(() => readAmptekMca('<<MCA>>\r\n<<DATA>>\r\n1\r\n<<END>>'))).toBe('IMPORT_FORMAT');
    expect(codeOf(() => readAmptekMca(mca({ data: [] })))).toBe('IMPORT_EMPTY');
    expect(codeOf(() => readAmptekMca(mca({ data: ['1', '2.5'] })))).toBe('IMPORT_BAD_VALUE');
    expect(codeOf(() => readAmptekMca(mca({ data: ['1 2'] })))).toBe('IMPORT_BAD_VALUE');
    expect(codeOf(() => readAmptekMca(mca({ calibration: ['LABEL - keV', '5 1'] })))).toBe('IMPORT_BAD_VALUE');
    expect(codeOf(() => readAmptekMca(mca({ calibration: ['LABEL - keV', '5 1', '5 2'] })))).toBe('IMPORT_BAD_VALUE');
    expect(codeOf(() => readAmptekMca(mca({ calibration: ['LABEL - keV', '5 1 2'] })))).toBe('IMPORT_FORMAT');
    expect(codeOf(() => readAmptekMca(mca({ header: ['START_TIME - tomorrow'] })))).toBe('IMPORT_BAD_VALUE');
    expect(codeOf(() => readAmptekMca(mca({ data: new Array<string>(65_537).fill('1') })))).toBe('IMPORT_TOO_LARGE');
  });
});
