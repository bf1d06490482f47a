import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { McaSpectrum } from '../../core/spectrum.js';
import { ImportError } from '../errors.js';
import { decodeText } from '../text.js';
import { readAmptekMca } from './amptek-mca.js';
import { SPECTRUM_FIXTURE, spectrumFixture } from './fixtures.test-support.js';
import { N42_NAMESPACE, readN42, writeN42 } from './n42.js';
import { readChn, writeChn } from './ortec-chn.js';
import { readSpe, writeSpe } from './ortec-spe.js';
import { readSpectrumCsv, writeSpectrumCsv } from './spectrum-csv.js';
import { parseSpectrumFile } from './spectrum-file.js';
import { sameSpectrum, spectrumProblem, type ParsedSpectrum } from './spectrum-values.js';
import { utcNs } from './time.js';

/**
 * Properties of every reader and writer: any bytes give a valid spectrum or
 * an ImportError (never another exception, never a hang), and a spectrum a
 * format can hold comes back identical through its writer and reader.
 */

const encode = (text: string) => new TextEncoder().encode(text);

/** One of `values` (fc.constantFrom without spreading an array into a call: tests/lint/no-spread.test.ts). */
const pick = <T>(values: readonly T[]) => fc.nat(values.length - 1).map((i) => values[i]!);

/** Every parser, on bytes. */
const PARSERS: ReadonlyArray<[string, (bytes: Uint8Array) => unknown]> = [
  ['readSpe', (b) => readSpe(decodeText(b))],
  ['readChn', readChn],
  ['readN42', (b) => readN42(decodeText(b))],
  ['readAmptekMca', (b) => readAmptekMca(decodeText(b))],
  ['readSpectrumCsv', (b) => readSpectrumCsv(decodeText(b))],
  ...['x.Spe', 'x.Chn', 'x.n42', 'x.mca', 'x.csv', 'x.bin'].map((name): [string, (b: Uint8Array) => unknown] => [`parseSpectrumFile ${name}`, (b) => parseSpectrumFile(b, name)]),
];

/** A valid spectrum, the all-zero calibration as null: what every reader promises. */
function isValid(s: McaSpectrum): boolean {
  return s.counts instanceof Uint32Array && spectrumProblem(s) === null && (s.energyCalibrationKeV === null || s.energyCalibrationKeV.some((c) => c !== 0));
}

/** True when `parse` returns a valid spectrum or throws an ImportError; anything else thrown fails the property. */
function typedErrorOrValid(parse: (bytes: Uint8Array) => unknown, bytes: Uint8Array): boolean {
  let result: unknown;
  try {
    result = parse(bytes);
  } catch (e) {
    if (e instanceof ImportError) return true;
    throw e;
  }
  const spectrum = (result as ParsedSpectrum).spectrum ?? (result as McaSpectrum);
  return isValid(spectrum);
}

/** Edits of a file: bytes overwritten, then maybe cut short. */
const byteEdits = fc.record({
  sets: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
  cut: fc.option(fc.nat(), { nil: undefined }),
});

function edited(bytes: Uint8Array, edits: { sets: Array<[number, number]>; cut: number | undefined }): Uint8Array {
  const copy = bytes.slice();
  for (const [at, value] of edits.sets) copy[at % copy.length] = value;
  return edits.cut === undefined ? copy : copy.subarray(0, edits.cut % (copy.length + 1));
}

/** Lines that mean something to one of the readers, to put where other lines were. */
const TOKENS = [
  '', '0', '-1', '1.5', '4294967295', '4294967296', '99999999999999999999', '0 65535', '0 65536', '65535 0', '3', '1 2 3 keV', '0 0 0', 'NaN', '1e999',
  '$DATA:', '$MCA_CAL:', '$MEAS_TIM:', '$DATE_MEA:', '02/30/2018 10:00:00', '<<DATA>>', '<<END>>', '<<CALIBRATION>>', 'LABEL - eV', 'START_TIME - 13/13/2013 25:00:00',
  '<ChannelData compressionCode="CountedZeroes">0 70000</ChannelData>', '<Spectrum>', '</Spectrum>', '<!DOCTYPE x>', '&amp;', '&bogus;', ']]>',
  '# live_time_s: -5', '# start_time: 2018-02-09T10:03:36Z', '# energy_calibration_keV: 1 2', 'channel,counts', '0,1', '5,1', '0,1,2',
];

/** Edits of a text file: lines replaced by tokens. */
const lineEdits = fc.array(fc.tuple(fc.nat(), pick(TOKENS)), { minLength: 1, maxLength: 4 });

function withLines(text: string, edits: Array<[number, string]>): string {
  const lines = text.split('\n');
  for (const [at, token] of edits) lines[at % lines.length] = token;
  return lines.join('\n');
}

const SIGNATURES = ['', '$SPEC_ID:\r\n', '$DATA:\r\n0 3\r\n', '<<PMCA SPECTRUM>>\r\n', `<RadInstrumentData xmlns="${N42_NAMESPACE}"><RadMeasurement><Spectrum><ChannelData>`, '# operando spectrum\n'];
const TEXT_ALPHABET = [...'0123456789 \r\n\t-.,:$<>/=#eE+abcdefSPECDATA&;!"?[]'];

describe('any bytes give a valid spectrum or an ImportError, never a crash or a hang', () => {
  it('random bytes, to every parser', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => PARSERS.every(([, parse]) => typedErrorOrValid(parse, bytes))),
      { numRuns: 300 },
    );
  });

  it('a format’s opening followed by random text, to every parser', () => {
    fc.assert(
      fc.property(pick(SIGNATURES), fc.string({ unit: pick(TEXT_ALPHABET), maxLength: 400 }), (start, rest) =>
        PARSERS.every(([, parse]) => typedErrorOrValid(parse, encode(start + rest))),
      ),
      { numRuns: 300 },
    );
  });

  const REAL = [SPECTRUM_FIXTURE.mendocino, SPECTRUM_FIXTURE.digibase, SPECTRUM_FIXTURE.radiacode].map((name) => readFileSync(spectrumFixture(name)));

  it('the real files with bytes overwritten or cut short', () => {
    fc.assert(
      fc.property(pick(REAL), byteEdits, (bytes, edits) => {
        const damaged = edited(bytes, edits);
        return typedErrorOrValid((b) => parseSpectrumFile(b, 'x.Spe'), damaged) && typedErrorOrValid((b) => parseSpectrumFile(b, 'x.n42'), damaged);
      }),
      { numRuns: 60 },
    );
  });

  it('written files of every format with lines replaced, bytes overwritten or cut short', () => {
    const small: McaSpectrum = { counts: Uint32Array.from([0, 0, 5, 7, 0, 0, 0, 2]), liveTimeS: 1.5, realTimeS: 2, startNs: 1_700_000_000_000_000_000n, energyCalibrationKeV: [0.5, 1, 1e-4] };
    const amptek = ['<<PMCA SPECTRUM>>', 'LIVE_TIME - 1.5', 'REAL_TIME - 2', 'START_TIME - 11/14/2023 22:13:20', '<<CALIBRATION>>', 'LABEL - keV', '0 0.5', '7 7.5', '<<DATA>>', ...Array.from(small.counts, String), '<<END>>'].join('\r\n');
    const texts = [writeSpe(small), writeN42(small, { compression: 'CountedZeroes' }), writeSpectrumCsv(small), amptek];
    fc.assert(
      fc.property(pick(texts), lineEdits, byteEdits, (text, lines, bytes) => {
        const damaged = edited(encode(withLines(text, lines)), bytes);
        return PARSERS.every(([, parse]) => typedErrorOrValid(parse, damaged));
      }),
      { numRuns: 300 },
    );
    const chn = writeChn(small);
    fc.assert(
      fc.property(byteEdits, (edits) => typedErrorOrValid(readChn, edited(chn, edits)) && typedErrorOrValid((b) => parseSpectrumFile(b, 'x.Chn'), edited(chn, edits))),
      { numRuns: 300 },
    );
  });
});

describe('random spectra come back identical through every writer and reader', () => {
  const YEAR_1000 = utcNs({ year: 1000, month: 1, day: 1, hour: 0, minute: 0, second: 0, nanos: 0 })!;
  const YEAR_9999 = utcNs({ year: 9999, month: 12, day: 31, hour: 23, minute: 59, second: 59, nanos: 999_999_999 })!;
  const YEAR_1900 = utcNs({ year: 1900, month: 1, day: 1, hour: 0, minute: 0, second: 0, nanos: 0 })!;
  const YEAR_2099 = utcNs({ year: 2099, month: 12, day: 31, hour: 23, minute: 59, second: 59, nanos: 0 })!;
  const SECOND = 1_000_000_000n;

  /** Counts as MCAs make them: mostly zeros and small numbers, now and then a huge one. */
  const counts = (max: number) =>
    fc
      .array(fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.nat(1000), weight: 2 }, { arbitrary: fc.integer({ min: 0, max }), weight: 1 }), { minLength: 1, maxLength: 300 })
      .map((values) => Uint32Array.from(values));
  const time = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1_000_000 }), fc.double({ min: 1e-9, max: 1e9, noNaN: true }));
  const anyStart = fc.bigInt({ min: YEAR_1000, max: YEAR_9999 });
  const wholeSecond = (min: bigint, max: bigint) => fc.bigInt({ min: min / SECOND, max: max / SECOND }).map((s) => s * SECOND);
  const coefficient = fc.double({ noNaN: true, noDefaultInfinity: true });
  const calibration = fc.option(
    fc.tuple(coefficient, coefficient, coefficient).filter((c) => c.some((v) => v !== 0)),
    { nil: null },
  );

  const exact = fc.record({ counts: counts(2 ** 32 - 1), liveTimeS: fc.option(time, { nil: null }), realTimeS: fc.option(time, { nil: null }), startNs: fc.option(anyStart, { nil: null }), energyCalibrationKeV: calibration });

  const roundTrip = (name: string, write: (s: McaSpectrum) => string | Uint8Array, read: (file: string | Uint8Array) => ParsedSpectrum) => (s: McaSpectrum) => {
    const file = write(s);
    const direct = read(file);
    const viaEntryPoint = parseSpectrumFile(typeof file === 'string' ? encode(file) : file, name);
    return sameSpectrum(direct.spectrum, s) && sameSpectrum(viaEntryPoint, s);
  };

  it('N42 (None and CountedZeroes) and CSV: every valid spectrum, exactly', () => {
    fc.assert(fc.property(exact, roundTrip('x.n42', (s) => writeN42(s), (f) => readN42(f as string))));
    fc.assert(fc.property(exact, roundTrip('x.n42', (s) => writeN42(s, { compression: 'CountedZeroes' }), (f) => readN42(f as string))));
    fc.assert(fc.property(exact, roundTrip('x.csv', (s) => writeSpectrumCsv(s), (f) => readSpectrumCsv(f as string))));
  });

  it('.Spe: both times or none, the start to the second', () => {
    const both = fc.option(fc.tuple(time, time), { nil: null });
    const spe = fc
      .record({ counts: counts(2 ** 32 - 1), times: both, startNs: fc.option(wholeSecond(YEAR_1000, YEAR_9999), { nil: null }), energyCalibrationKeV: calibration })
      .map(({ times, ...rest }): McaSpectrum => ({ ...rest, liveTimeS: times?.[0] ?? null, realTimeS: times?.[1] ?? null }));
    fc.assert(fc.property(spe, roundTrip('x.Spe', (s) => writeSpe(s), (f) => readSpe(f as string))));
  });

  it('.Chn: what its layout holds (counts < 2^31, 20 ms ticks, whole seconds in 1900..2099, float32 coefficients)', () => {
    const ticks = fc.integer({ min: 0, max: 2 ** 31 - 1 }).map((k) => k / 50);
    const float32 = fc.float({ noNaN: true, noDefaultInfinity: true }).map((x) => Math.fround(x));
    const chn = fc.record({
      counts: counts(2 ** 31 - 1),
      liveTimeS: ticks,
      realTimeS: ticks,
      startNs: fc.option(wholeSecond(YEAR_1900, YEAR_2099), { nil: null }),
      energyCalibrationKeV: fc.option(
        fc.tuple(float32, float32, float32).filter((c) => c.some((v) => v !== 0)),
        { nil: null },
      ),
    });
    fc.assert(fc.property(chn, roundTrip('x.Chn', writeChn, (f) => readChn(f as Uint8Array))));
  });

  it('any title at all gives a file its reader reads', () => {
    const s: McaSpectrum = { counts: Uint32Array.from([1]), liveTimeS: null, realTimeS: null, startNs: null, energyCalibrationKeV: null };
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (t) => {
        expect(sameSpectrum(readSpe(writeSpe(s, { title: t })).spectrum, s)).toBe(true);
        expect(sameSpectrum(readN42(writeN42(s, { title: t })).spectrum, s)).toBe(true);
        expect(sameSpectrum(readSpectrumCsv(writeSpectrumCsv(s, { title: t })).spectrum, s)).toBe(true);
      }),
    );
  });

  it('the title survives the formats that carry one', () => {
    const title = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((t) => t.trim() === t && t !== '' && !/[\r\n]/.test(t) && !t.startsWith('$') && t !== 'No sample description was entered.');
    const s: McaSpectrum = { counts: Uint32Array.from([1]), liveTimeS: null, realTimeS: null, startNs: null, energyCalibrationKeV: null };
    fc.assert(
      fc.property(title, (t) => {
        expect(readSpe(writeSpe(s, { title: t })).title).toBe(t);
        expect(readN42(writeN42(s, { title: t })).title).toBe(t);
        expect(readSpectrumCsv(writeSpectrumCsv(s, { title: t })).title).toBe(t);
      }),
    );
  });
});
