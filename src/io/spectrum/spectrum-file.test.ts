import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totalCounts, type McaSpectrum } from '../../core/spectrum.js';
import { ImportError } from '../errors.js';
import { SPECTRUM_FILE_DEFAULTS } from './defaults.js';
import { SPECTRUM_FIXTURE, spectrumFixture } from './fixtures.test-support.js';
import { writeN42 } from './n42.js';
import { writeChn } from './ortec-chn.js';
import { writeSpe } from './ortec-spe.js';
import { writeSpectrumCsv } from './spectrum-csv.js';
import { detectSpectrumFormat, parseSpectrumFile, readSpectrumFile } from './spectrum-file.js';
import { sameSpectrum } from './spectrum-values.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'operando-spectrum-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function importError(promise: Promise<unknown>): Promise<ImportError> {
  const e = await promise.then(
    () => null,
    (error: unknown) => error,
  );
  if (!(e instanceof ImportError)) throw new Error(`expected an ImportError, got ${String(e)}`);
  return e;
}

const utcNs = (...f: [number, number, number, number, number, number]) => BigInt(Date.UTC(f[0], f[1] - 1, f[2], f[3], f[4], f[5])) * 1_000_000n;

/** Channel and count of the largest count. */
function maximum(s: McaSpectrum): [number, number] {
  let k = 0;
  for (let i = 1; i < s.counts.length; i++) if (s.counts[i]! > s.counts[k]!) k = i;
  return [k, s.counts[k]!];
}

describe('readSpectrumFile: the three real files with their documented header values (tests/fixtures/PROVENANCE.md)', () => {
  const documented = [
    {
      file: SPECTRUM_FIXTURE.mendocino,
      format: 'ortec-spe',
      channels: 8192,
      liveTimeS: 595642,
      realTimeS: 595798,
      startNs: utcNs(2013, 10, 11, 10, 30, 10),
      calibration: [0, 0.378444, 0],
      totalCounts: 2_279_915,
      maximum: [3860, 33_492],
    },
    {
      file: SPECTRUM_FIXTURE.digibase,
      format: 'ortec-spe',
      channels: 1024,
      liveTimeS: 296,
      realTimeS: 300,
      startNs: utcNs(2018, 2, 9, 10, 3, 36),
      calibration: null,
      totalCounts: 892_301,
      maximum: [17, 21_957],
    },
    {
      file: SPECTRUM_FIXTURE.radiacode,
      format: 'n42',
      channels: 1024,
      liveTimeS: 613,
      realTimeS: 613,
      startNs: utcNs(2023, 6, 7, 5, 52, 0),
      calibration: [-6.2832313, 2.4383054, 0.0003818],
      totalCounts: 306_058,
      maximum: [28, 25_887],
    },
  ] as const;

  for (const d of documented) {
    it(`${d.file}: ${d.channels} channels, live ${d.liveTimeS} s, real ${d.realTimeS} s, ${d.totalCounts} counts, maximum ${d.maximum[1]} in channel ${d.maximum[0]}`, async () => {
      const s = await readSpectrumFile(spectrumFixture(d.file));
      expect(s.source).toMatchObject({ file: spectrumFixture(d.file), format: d.format });
      expect(s.counts).toHaveLength(d.channels);
      expect([s.liveTimeS, s.realTimeS]).toEqual([d.liveTimeS, d.realTimeS]);
      expect(s.startNs).toBe(d.startNs);
      expect(s.energyCalibrationKeV).toEqual(d.calibration);
      expect(totalCounts(s.counts)).toBe(d.totalCounts);
      expect(maximum(s)).toEqual(d.maximum);
    });
  }
});

describe('choosing the format', () => {
  const spectrum: McaSpectrum = { counts: Uint32Array.from([1, 2, 3]), liveTimeS: 1, realTimeS: 2, startNs: null, energyCalibrationKeV: [0, 1, 0] };
  const text = (s: string) => new TextEncoder().encode(s);

  it('by content when it is unmistakable, whatever the extension says', () => {
    expect(detectSpectrumFormat(writeChn(spectrum), 'a.dat')).toBe('ortec-chn');
    expect(detectSpectrumFormat(text(writeSpe(spectrum)), 'a.txt')).toBe('ortec-spe');
    expect(detectSpectrumFormat(text(`\uFEFF${writeN42(spectrum)}`), 'a.dat')).toBe('n42');
    expect(detectSpectrumFormat(text('\r\n<<PMCA SPECTRUM>>\r\n'), 'a.spe')).toBe('amptek-mca');
  });

  it('by extension otherwise, in any case', () => {
    expect(detectSpectrumFormat(text('0,1\n'), 'run.CSV')).toBe('csv');
    expect(detectSpectrumFormat(text('garbage'), 'x.Chn')).toBe('ortec-chn');
    expect(detectSpectrumFormat(text('garbage'), 'x.MCA')).toBe('amptek-mca');
    expect(detectSpectrumFormat(text('garbage'), 'x.bin')).toBeNull();
  });

  it('every writer’s file reads back through parseSpectrumFile under a neutral name', () => {
    const files: Array<[string, Uint8Array]> = [
      ['a.dat', text(writeSpe(spectrum))],
      ['b.dat', writeChn(spectrum)],
      ['c.dat', text(writeN42(spectrum))],
      ['d.csv', text(writeSpectrumCsv(spectrum))],
    ];
    for (const [name, bytes] of files) expect(sameSpectrum(parseSpectrumFile(bytes, name), spectrum), name).toBe(true);
  });

  it('names the file and the format in its errors, and knows when it knows no format', () => {
    const e = (() => {
      try {
        parseSpectrumFile(text('$SPEC_ID:\r\nx\r\n'), '/data/run7.Spe');
      } catch (error) {
        return error as ImportError;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(ImportError);
    expect(e!.message).toBe('run7.Spe (ortec-spe): no $DATA: section');
    expect(e!.context).toMatchObject({ file: '/data/run7.Spe', format: 'ortec-spe' });
    expect(() => parseSpectrumFile(text('hello'), 'x.bin')).toThrow(expect.objectContaining({ code: 'IMPORT_FORMAT' }));
  });
});

describe('bounds', () => {
  it('refuses a file larger than the bound without reading it', async () => {
    const path = join(dir, 'huge.Spe');
    await writeFile(path, '');
    // A sparse file: the size is there, no data is written.
    await truncate(path, SPECTRUM_FILE_DEFAULTS.maxFileBytes + 1);
    const e = await importError(readSpectrumFile(path));
    expect(e.code).toBe('IMPORT_TOO_LARGE');
    expect(e.context).toMatchObject({ sizeBytes: SPECTRUM_FILE_DEFAULTS.maxFileBytes + 1, maxFileBytes: SPECTRUM_FILE_DEFAULTS.maxFileBytes });
    expect(() => parseSpectrumFile(new Uint8Array(SPECTRUM_FILE_DEFAULTS.maxFileBytes + 1), 'big.csv')).toThrow(expect.objectContaining({ code: 'IMPORT_TOO_LARGE' }));
  });

  it('reads a file of exactly the bound, and a missing file is IMPORT_READ', async () => {
    const path = join(dir, 'padded.csv');
    const rows = '0,1\n';
    await writeFile(path, rows + '#'.repeat(SPECTRUM_FILE_DEFAULTS.maxFileBytes - rows.length));
    expect((await readFile(path)).length).toBe(SPECTRUM_FILE_DEFAULTS.maxFileBytes);
    expect(Array.from((await readSpectrumFile(path)).counts)).toEqual([1]);
    expect((await importError(readSpectrumFile(join(dir, 'missing.Spe')))).code).toBe('IMPORT_READ');
  });

  it('accepts 65536 channels and refuses 65537 in every format that can say so', () => {
    const full: McaSpectrum = { counts: new Uint32Array(65_536).fill(1), liveTimeS: null, realTimeS: null, startNs: null, energyCalibrationKeV: null };
    expect(parseSpectrumFile(new TextEncoder().encode(writeSpectrumCsv(full)), 'full.csv').counts).toHaveLength(65_536);
    const tooMany = ['$DATA:', '0 65536', ...new Array<string>(65_537).fill('1')].join('\r\n');
    expect(() => parseSpectrumFile(new TextEncoder().encode(tooMany), 'x.Spe')).toThrow(expect.objectContaining({ code: 'IMPORT_TOO_LARGE' }));
    const csv = `${writeSpectrumCsv(full)}65536,1\n`;
    expect(() => parseSpectrumFile(new TextEncoder().encode(csv), 'x.csv')).toThrow(expect.objectContaining({ code: 'IMPORT_TOO_LARGE' }));
  });

  it('refuses a text file of more lines than a spectrum has before splitting it, in LF, CRLF or CR', () => {
    const { maxLines } = SPECTRUM_FILE_DEFAULTS;
    for (const end of ['\n', '\r\n', '\r']) {
      const header = `$SPEC_ID:${end}`;
      const tooMany = new TextEncoder().encode(header + end.repeat(maxLines));
      expect(() => parseSpectrumFile(tooMany, 'x.Spe'), JSON.stringify(end)).toThrow(expect.objectContaining({ code: 'IMPORT_TOO_LARGE' }));
      // Just within the bound: the file is read, and refused for what it lacks instead.
      const within = new TextEncoder().encode(header + end.repeat(maxLines - 1));
      expect(() => parseSpectrumFile(within, 'x.Spe'), JSON.stringify(end)).toThrow(expect.objectContaining({ code: 'IMPORT_FORMAT' }));
    }
  });
});
