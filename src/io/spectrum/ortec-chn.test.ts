import { describe, expect, it } from 'vitest';
import type { McaSpectrum } from '../../core/spectrum.js';
import { ImportError } from '../errors.js';
import { CHN_TRAILER_BYTES, readChn, writeChn } from './ortec-chn.js';
import { sameSpectrum } from './spectrum-values.js';

/**
 * No public .Chn carries a licence, so these tests build files from the
 * layout of docs/PROTOCOLS.md byte by byte (independently of writeChn), and
 * check writeChn against the same layout.
 */
interface ChnLayout {
  counts: number[];
  realTicks?: number;
  liveTicks?: number;
  seconds?: string;
  date?: string;
  time?: string;
  firstChannel?: number;
  trailer?: { tag: number; energy: [number, number, number] } | null;
}

function chnBytes(layout: ChnLayout): Uint8Array {
  const n = layout.counts.length;
  const bytes = new Uint8Array(32 + 4 * n + (layout.trailer === null ? 0 : 512));
  const view = new DataView(bytes.buffer);
  const text = (offset: number, s: string) => [...s].forEach((c, i) => (bytes[offset + i] = c.charCodeAt(0)));
  view.setInt16(0, -1, true);
  view.setInt16(2, 1, true);
  view.setInt16(4, 1, true);
  text(6, layout.seconds ?? '10');
  view.setInt32(8, layout.realTicks ?? 15_000, true);
  view.setInt32(12, layout.liveTicks ?? 14_800, true);
  text(16, layout.date ?? '11Oct131');
  text(24, layout.time ?? '1030');
  view.setInt16(28, layout.firstChannel ?? 0, true);
  view.setInt16(30, n, true);
  layout.counts.forEach((c, i) => view.setInt32(32 + 4 * i, c, true));
  if (layout.trailer !== null) {
    const t = layout.trailer ?? { tag: -101, energy: [0.5, 0.25, 0] };
    view.setInt16(32 + 4 * n, t.tag, true);
    t.energy.forEach((c, k) => view.setFloat32(32 + 4 * n + 4 + 4 * k, c, true));
  }
  return bytes;
}

const latin1 = (bytes: Uint8Array) => new TextDecoder('latin1').decode(bytes);

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof ImportError) return e.code;
    throw e;
  }
  return 'no error';
}

describe('ORTEC .Chn: reading the documented layout', () => {
  it('reads times in 20 ms ticks, the start DDMMMYY* HHMM SS (1 = the 2000s) as UTC, counts and the linear calibration', () => {
    const { spectrum } = readChn(chnBytes({ counts: [0, 5, 70_000, 3] }));
    expect(Array.from(spectrum.counts)).toEqual([0, 5, 70_000, 3]);
    expect([spectrum.realTimeS, spectrum.liveTimeS]).toEqual([300, 296]);
    expect(spectrum.startNs).toBe(BigInt(Date.UTC(2013, 9, 11, 10, 30, 10)) * 1_000_000n);
    expect(spectrum.energyCalibrationKeV).toEqual([0.5, 0.25, 0]);
  });

  it('reads the quadratic term only under the -102 tag, a 0 for the century as the 1900s, and counts from a first channel above 0', () => {
    const quadratic = readChn(chnBytes({ counts: [1, 2], date: '31Dec990', firstChannel: 3, trailer: { tag: -102, energy: [1, 2, 0.5] } })).spectrum;
    expect(quadratic.energyCalibrationKeV).toEqual([1, 2, 0.5]);
    expect(quadratic.startNs).toBe(BigInt(Date.UTC(1999, 11, 31, 10, 30, 10)) * 1_000_000n);
    expect(Array.from(quadratic.counts)).toEqual([0, 0, 0, 1, 2]);
    // Under -101 the third float is not a coefficient.
    expect(readChn(chnBytes({ counts: [1], trailer: { tag: -101, energy: [1, 2, 0.5] } })).spectrum.energyCalibrationKeV).toEqual([1, 2, 0]);
  });

  it('a blank date is no start, a missing trailer and an all-zero one are no calibration', () => {
    const { spectrum } = readChn(chnBytes({ counts: [1], date: '        ', time: '    ', trailer: null }));
    expect(spectrum.startNs).toBeNull();
    expect(spectrum.energyCalibrationKeV).toBeNull();
    expect(readChn(chnBytes({ counts: [1], trailer: { tag: -101, energy: [0, 0, 0] } })).spectrum.energyCalibrationKeV).toBeNull();
  });

  it('reads a channel count above 32767 (the field is read as uint16)', () => {
    const counts = new Array<number>(40_000).fill(1);
    expect(readChn(chnBytes({ counts })).spectrum.counts).toHaveLength(40_000);
  });

  it('refuses what is not a .Chn or is damaged, with a typed error', () => {
    const good = chnBytes({ counts: [1, 2, 3] });
    expect(codeOf(() => readChn(good.subarray(0, 20)))).toBe('IMPORT_FORMAT');
    expect(codeOf(() => readChn(Uint8Array.from([0x24, 0x53, ...good.subarray(2)])))).toBe('IMPORT_FORMAT');
    expect(codeOf(() => readChn(good.subarray(0, 32 + 8)))).toBe('IMPORT_FORMAT');
    expect(codeOf(() => readChn(good.subarray(0, good.length - 1)))).toBe('IMPORT_FORMAT');
    expect(codeOf(() => readChn(chnBytes({ counts: [1, -5] })))).toBe('IMPORT_BAD_VALUE');
    expect(codeOf(() => readChn(chnBytes({ counts: [1], liveTicks: -1 })))).toBe('IMPORT_BAD_VALUE');
    expect(codeOf(() => readChn(chnBytes({ counts: [1], date: '32Oct131' })))).toBe('IMPORT_BAD_VALUE');
    expect(codeOf(() => readChn(chnBytes({ counts: [1], date: '11Foo131' })))).toBe('IMPORT_BAD_VALUE');
    expect(codeOf(() => readChn(chnBytes({ counts: [1], trailer: { tag: -100, energy: [0, 1, 0] } })))).toBe('IMPORT_FORMAT');
    expect(codeOf(() => readChn(chnBytes({ counts: [], trailer: null })))).toBe('IMPORT_EMPTY');
    expect(codeOf(() => readChn(chnBytes({ counts: [1], trailer: { tag: -101, energy: [Number.NaN, 1, 0] } })))).toBe('IMPORT_BAD_VALUE');
  });

  it('refuses a first channel and count beyond 65536 channels before allocating them', () => {
    const bytes = chnBytes({ counts: [1] });
    new DataView(bytes.buffer).setInt16(28, 0x7fff, true);
    new DataView(bytes.buffer).setUint16(30, 0xffff, true);
    expect(codeOf(() => readChn(bytes))).toBe('IMPORT_TOO_LARGE');
  });
});

describe('writeChn', () => {
  const spectrum: McaSpectrum = {
    counts: Uint32Array.from([7, 0, 2_147_483_647]),
    liveTimeS: 296.02,
    realTimeS: 300,
    startNs: BigInt(Date.UTC(2018, 1, 9, 10, 3, 36)) * 1_000_000n,
    energyCalibrationKeV: [Math.fround(-6.2832313), Math.fround(2.4383054), Math.fround(0.0003818)],
  };

  it('writes the layout byte for byte: tag, ticks, date, channel count, counts and a -102 trailer of 512 bytes', () => {
    const bytes = writeChn(spectrum);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(bytes.length).toBe(32 + 3 * 4 + CHN_TRAILER_BYTES);
    expect(view.getInt16(0, true)).toBe(-1);
    expect(latin1(bytes.subarray(6, 8))).toBe('36');
    expect([view.getInt32(8, true), view.getInt32(12, true)]).toEqual([15_000, 14_801]);
    expect(latin1(bytes.subarray(16, 28))).toBe('09FEB1811003');
    expect([view.getInt16(28, true), view.getUint16(30, true)]).toEqual([0, 3]);
    expect(view.getInt32(32 + 8, true)).toBe(2_147_483_647);
    expect(view.getInt16(44, true)).toBe(-102);
    expect(view.getFloat32(44 + 12, true)).toBe(Math.fround(0.0003818));
  });

  it('round-trips what the layout holds exactly, and reads the same as the layout built by hand', () => {
    expect(sameSpectrum(readChn(writeChn(spectrum)).spectrum, spectrum)).toBe(true);
    const byHand = readChn(chnBytes({ counts: [7, 0, 2_147_483_647], realTicks: 15_000, liveTicks: 14_801, seconds: '36', date: '09Feb181', time: '1003', trailer: { tag: -102, energy: [-6.2832313, 2.4383054, 0.0003818] } }));
    expect(sameSpectrum(byHand.spectrum, spectrum)).toBe(true);
  });

  it('refuses what the layout cannot hold', () => {
    expect(() => writeChn({ ...spectrum, counts: Uint32Array.from([2_147_483_648]) })).toThrow(RangeError);
    expect(() => writeChn({ ...spectrum, counts: new Uint32Array(65_536) })).toThrow(RangeError);
    expect(() => writeChn({ ...spectrum, liveTimeS: 5e7 })).toThrow(RangeError);
    expect(() => writeChn({ ...spectrum, startNs: BigInt(Date.UTC(2100, 0, 1)) * 1_000_000n })).toThrow(RangeError);
    expect(() => writeChn({ ...spectrum, energyCalibrationKeV: [1e39, 1, 0] })).toThrow(RangeError);
  });
});
