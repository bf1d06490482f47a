import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeChn } from '../../src/io/spectrum/ortec-chn.js';
import { BIN, COMMAND_MODULES, LAB_ONLY_PACKAGES, MODULE_LOG_HOOK, ROOT, runNode } from '../support/compiled-cli.js';

/**
 * `operando analyze spectrum` as users run it: the compiled CLI (dist/, which
 * scripts/test.sh builds first; `npm run build` by hand) on the real spectra
 * of tests/fixtures/spectra/ and on a .Chn written in ORTEC's layout.
 */
const SPECTRA = join(ROOT, 'tests', 'fixtures', 'spectra');


let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'operando-spectrum-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('operando analyze spectrum, end to end', () => {
  it('prints the documented header values of the GammaVision .Spe as JSON', async () => {
    const result = await runNode([BIN, 'analyze', 'spectrum', join(SPECTRA, 'becquerel_Mendocino_07-10-13_Acq-10-10-13.Spe'), '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      format: 'ortec-spe',
      channels: 8192,
      liveTimeS: 595642,
      realTimeS: 595798,
      totalCounts: 2_279_915,
      maximum: { channel: 3860, counts: 33_492 },
      calibration: { energyKeV: [0, 0.378444, 0] },
      startTime: '2013-10-11T10:30:10Z',
      warnings: [],
    });
  });

  it('says calibration null for the digiBASE file’s all-zero calibration, and reads the N42 file', async () => {
    const digibase = JSON.parse((await runNode([BIN, 'analyze', 'spectrum', join(SPECTRA, 'becquerel_digibase_5min_30_1.spe'), '--json'])).stdout);
    expect(digibase).toMatchObject({ channels: 1024, liveTimeS: 296, realTimeS: 300, totalCounts: 892_301, calibration: null, startTime: '2018-02-09T10:03:36Z' });
    const n42 = JSON.parse((await runNode([BIN, 'analyze', 'spectrum', join(SPECTRA, 'radiacode_data_am241.n42'), '--json'])).stdout);
    expect(n42).toMatchObject({
      format: 'n42',
      title: 'Title: Am-241',
      channels: 1024,
      liveTimeS: 613,
      realTimeS: 613,
      totalCounts: 306_058,
      calibration: { energyKeV: [-6.2832313, 2.4383054, 0.0003818] },
      startTime: '2023-06-07T05:52:00Z',
    });
    expect(n42.maximum.energyKeV).toBeCloseTo(62.29, 2);
  });

  it('prints a readable summary without --json, for a .Chn written in ORTEC’s layout, with startTime null when unknown', async () => {
    const chn = join(dir, 'run.Chn');
    await writeFile(chn, writeChn({ counts: Uint32Array.from([0, 3, 9, 1]), liveTimeS: 10, realTimeS: 12.5, startNs: null, energyCalibrationKeV: [0, 0.5, 0] }));
    const text = await runNode([BIN, 'analyze', 'spectrum', chn]);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')).toEqual([
      `${chn}: ORTEC .Chn`,
      '  channels      4',
      '  live time     10 s',
      '  real time     12.5 s (dead time 20.00 %)',
      '  start         not given',
      '  total counts  13 (1.300 counts/s of live time)',
      '  maximum       9 counts in channel 2 (1.00000 keV)',
      '  calibration   E = 0 + 0.5 ch + 0 ch^2 keV',
      '',
    ]);
    const json = JSON.parse((await runNode([BIN, 'analyze', 'spectrum', chn, '--json'])).stdout);
    expect(json).toMatchObject({ format: 'ortec-chn', channels: 4, startTime: null, calibration: { energyKeV: [0, 0.5, 0] } });
  });

  it('fails a damaged file with exit code 1 and the coded reason, and bad usage with exit code 2', async () => {
    const damaged = join(dir, 'cut.Spe');
    const original = await readFile(join(SPECTRA, 'becquerel_digibase_5min_30_1.spe'));
    await writeFile(damaged, original.subarray(0, 2000));
    const failure = await runNode([BIN, 'analyze', 'spectrum', damaged, '--json']);
    expect(failure.code).toBe(1);
    expect(failure.stdout).toBe('');
    expect(failure.stderr).toMatch(/^operando analyze spectrum: cut\.Spe \(ortec-spe\): \$DATA: 0 1023 announces 1024 counts, the section holds \d+ \[IMPORT_FORMAT\]\n$/);
    const missing = await runNode([BIN, 'analyze', 'spectrum', join(dir, 'nothing.Spe')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
    expect((await runNode([BIN, 'analyze', 'spectrum'])).code).toBe(2);
  });

  it('loads its own command module and nothing of the lab', async () => {
    const log = join(dir, 'modules.log');
    const result = await runNode(['--import', MODULE_LOG_HOOK, BIN, 'analyze', 'spectrum', join(SPECTRA, 'radiacode_data_am241.n42'), '--json'], { ...process.env, OPERANDO_MODULE_LOG: log });
    expect(result.code).toBe(0);
    const modules = [...new Set((await readFile(log, 'utf8')).split('\n').filter((l) => l !== ''))];
    expect(modules.filter((m) => m.startsWith(COMMAND_MODULES)).sort()).toEqual(['analyze-options.js', 'analyze-spectrum.js', 'index.js'].map((f) => `${COMMAND_MODULES}${f}`));
    expect(modules.some((m) => m.includes('/node_modules/saxes/'))).toBe(true);
    expect(modules.filter((m) => LAB_ONLY_PACKAGES.test(m) || m.endsWith('.ts'))).toEqual([]);
  });
});
