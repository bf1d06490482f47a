import type { McaSpectrum } from '../../core/spectrum.js';
import { ImportError } from '../errors.js';
import { SPECTRUM_FILE_DEFAULTS } from './defaults.js';
import { assertWritable, checkedSpectrum, tooManyChannels, type Calibration, type ParsedSpectrum } from './spectrum-values.js';
import { civilOf, utcNs } from './time.js';

/**
 * ORTEC `.Chn` (binary, little-endian; docs/PROTOCOLS.md, "Spectrum files"):
 *
 * | offset | type | what |
 * |---|---|---|
 * | 0 | int16 | -1 (the file type) |
 * | 2 | int16 | MCA number |
 * | 4 | int16 | segment |
 * | 6 | char[2] | seconds of the start (`SS`) |
 * | 8 | int32 | real time, 20 ms ticks |
 * | 12 | int32 | live time, 20 ms ticks |
 * | 16 | char[8] | start date `DDMMMYY*` (`*` = `1`: the 2000s) |
 * | 24 | char[4] | start time `HHMM` |
 * | 28 | int16 | first channel |
 * | 30 | int16 | channel count |
 * | 32 | int32[count] | counts |
 * | then | 512 bytes | trailer: int16 -101 (linear) or -102 (quadratic), 2 unused, float32 energy c0 c1 c2 (keV; c2 only with -102), float32 FWHM c0 c1 c2, ... |
 *
 * Reading: the channel count as uint16 (an int16 would stop at 32767, below
 * the 64k channels of the largest ORTEC MCAs); counts as int32, a negative one
 * is refused (ORTEC's channel memory holds at most 2^31 - 1); a blank date
 * (spaces or NULs) is no start; a file ending after the counts has no
 * calibration. No public `.Chn` could be used for the tests (none found
 * carries a licence): they run on files `writeChn` writes in this layout and
 * on bytes built from the table above.
 */

const HEADER_BYTES = 32;
export const CHN_TRAILER_BYTES = 512;
const FILE_TAG = -1;
const TRAILER_LINEAR = -101;
const TRAILER_QUADRATIC = -102;
/** Ticks of the real and live time: 20 ms. */
const TICKS_PER_S = 50;
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const latin1 = new TextDecoder('latin1');

export function readChn(bytes: Uint8Array): ParsedSpectrum {
  if (bytes.length < HEADER_BYTES) throw new ImportError(`${bytes.length} bytes: shorter than the 32-byte .Chn header`, 'IMPORT_FORMAT');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = view.getInt16(0, true);
  if (tag !== FILE_TAG) throw new ImportError(`not an ORTEC .Chn file: it starts with ${tag}, not -1`, 'IMPORT_FORMAT', { offset: 0 });

  const first = view.getInt16(28, true);
  const channels = view.getUint16(30, true);
  if (first < 0) throw new ImportError(`first channel ${first} is negative`, 'IMPORT_FORMAT', { offset: 28 });
  if (channels === 0) throw new ImportError('the header announces no channels', 'IMPORT_EMPTY', { offset: 30 });
  if (first + channels > SPECTRUM_FILE_DEFAULTS.maxChannels) throw tooManyChannels(first + channels);
  const countsEnd = HEADER_BYTES + 4 * channels;
  const trailerBytes = bytes.length - countsEnd;
  if (trailerBytes < 0) throw new ImportError(`${bytes.length} bytes: too short for the ${channels} channels the header announces`, 'IMPORT_FORMAT');
  if (trailerBytes !== 0 && trailerBytes < CHN_TRAILER_BYTES) {
    throw new ImportError(`${trailerBytes} bytes after the counts: a trailer has ${CHN_TRAILER_BYTES}`, 'IMPORT_FORMAT', { offset: countsEnd });
  }

  const counts = new Uint32Array(first + channels);
  for (let i = 0; i < channels; i++) {
    const count = view.getInt32(HEADER_BYTES + 4 * i, true);
    if (count < 0) throw new ImportError(`channel ${first + i}: count ${count} is negative`, 'IMPORT_BAD_VALUE', { offset: HEADER_BYTES + 4 * i });
    counts[first + i] = count;
  }
  const ticks = (offset: number, what: string) => {
    const value = view.getInt32(offset, true);
    if (value < 0) throw new ImportError(`${what} of ${value} ticks is negative`, 'IMPORT_BAD_VALUE', { offset });
    return value / TICKS_PER_S;
  };
  const energyCalibrationKeV = trailerBytes === 0 ? null : readTrailer(view, countsEnd);
  return {
    spectrum: checkedSpectrum({ counts, realTimeS: ticks(8, 'real time'), liveTimeS: ticks(12, 'live time'), startNs: readStart(bytes), energyCalibrationKeV }),
    title: null,
    warnings: [],
  };
}

function readTrailer(view: DataView, at: number): Calibration {
  const tag = view.getInt16(at, true);
  if (tag !== TRAILER_LINEAR && tag !== TRAILER_QUADRATIC) {
    throw new ImportError(`trailer tag ${tag}, expected ${TRAILER_LINEAR} or ${TRAILER_QUADRATIC}`, 'IMPORT_FORMAT', { offset: at });
  }
  const c = (k: number) => view.getFloat32(at + 4 + 4 * k, true);
  // The third coefficient holds a quadratic term only under the -102 tag; under -101 it is unused.
  return [c(0), c(1), tag === TRAILER_QUADRATIC ? c(2) : 0];
}

const BLANK = /^[\s\0]*$/;

/** Start from `SS` at 6, `DDMMMYY*` at 16 and `HHMM` at 24; null when the date is blank. */
function readStart(bytes: Uint8Array): bigint | null {
  const seconds = latin1.decode(bytes.subarray(6, 8));
  const date = latin1.decode(bytes.subarray(16, 24));
  const time = latin1.decode(bytes.subarray(24, 28));
  if (BLANK.test(date)) return null;
  const d = /^(\d{2})([A-Za-z]{3})(\d{2})([01 \0*]?)$/.exec(date.replace(/\0+$/, ''));
  const t = /^(\d{2})(\d{2})$/.exec(time);
  const s = /^(\d{2})$/.exec(seconds);
  const month = d === null ? -1 : MONTHS.indexOf(d[2]!.toUpperCase());
  const ns =
    d === null || t === null || s === null || month < 0
      ? null
      : utcNs({
          // `1` after the year: the 2000s; anything else (`0`, space, NUL, nothing): the 1900s.
          year: (d[4] === '1' ? 2000 : 1900) + Number(d[3]),
          month: month + 1,
          day: Number(d[1]),
          hour: Number(t[1]),
          minute: Number(t[2]),
          second: Number(s[1]),
          nanos: 0,
        });
  if (ns === null) {
    const shown = JSON.stringify(`${date} ${time} ${seconds}`);
    throw new ImportError(`start ${shown} is not DDMMMYY* HHMM SS`, 'IMPORT_BAD_VALUE', { offset: 16 });
  }
  return ns;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * The `.Chn` of a spectrum in the layout above (the tests' writer; MCA and
 * segment numbers 1). Lossy where the layout is: times to 20 ms ticks, the
 * start to whole seconds, calibration to float32. A spectrum the layout cannot
 * hold is a RangeError: more than 65535 channels, a count of 2^31 or more, a
 * time beyond 2^31 - 1 ticks (497 days), a start outside 1900..2099, a
 * calibration coefficient beyond float32.
 */
export function writeChn(spectrum: McaSpectrum): Uint8Array {
  assertWritable(spectrum, '.Chn');
  const channels = spectrum.counts.length;
  if (channels > 0xffff) throw new RangeError(`cannot write a .Chn of ${channels} channels: the count is 16 bits`);
  const bytes = new Uint8Array(HEADER_BYTES + 4 * channels + CHN_TRAILER_BYTES);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string) => {
    for (let i = 0; i < text.length; i++) bytes[offset + i] = text.charCodeAt(i);
  };
  view.setInt16(0, FILE_TAG, true);
  view.setInt16(2, 1, true);
  view.setInt16(4, 1, true);
  const ticks = (seconds: number | null, what: string) => {
    const value = Math.round((seconds ?? 0) * TICKS_PER_S);
    if (value > 0x7fffffff) throw new RangeError(`cannot write a .Chn ${what} of ${seconds} s: beyond 2^31 - 1 ticks of 20 ms`);
    return value;
  };
  view.setInt32(8, ticks(spectrum.realTimeS, 'real time'), true);
  view.setInt32(12, ticks(spectrum.liveTimeS, 'live time'), true);
  if (spectrum.startNs === null) {
    ascii(6, '00');
    ascii(16, ' '.repeat(12));
  } else {
    const t = civilOf(spectrum.startNs);
    if (t.year < 1900 || t.year > 2099) throw new RangeError(`cannot write a .Chn start in ${t.year}: the date holds 1900..2099`);
    ascii(6, pad2(t.second));
    ascii(16, `${pad2(t.day)}${MONTHS[t.month - 1]}${pad2(t.year % 100)}${t.year >= 2000 ? '1' : '0'}`);
    ascii(24, `${pad2(t.hour)}${pad2(t.minute)}`);
  }
  view.setInt16(28, 0, true);
  view.setUint16(30, channels, true);
  spectrum.counts.forEach((count, i) => {
    if (count > 0x7fffffff) throw new RangeError(`cannot write a .Chn count of ${count} (channel ${i}): counts are int32`);
    view.setInt32(HEADER_BYTES + 4 * i, count, true);
  });
  const trailer = HEADER_BYTES + 4 * channels;
  const [c0, c1, c2] = spectrum.energyCalibrationKeV ?? [0, 0, 0];
  if (![c0, c1, c2].every((c) => Number.isFinite(Math.fround(c)))) throw new RangeError(`cannot write a .Chn calibration ${c0} ${c1} ${c2}: beyond float32`);
  view.setInt16(trailer, c2 === 0 ? TRAILER_LINEAR : TRAILER_QUADRATIC, true);
  [c0, c1, c2].forEach((c, k) => view.setFloat32(trailer + 4 + 4 * k, c, true));
  return bytes;
}
