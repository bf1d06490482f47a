import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../simulators/common/random.js';
import { DENSE_LITHIUM_ATOMS_PER_CM3 } from '../../src/analysis/ndp/constants.js';
import { expectedSpectrum } from '../../src/analysis/ndp/forward-model.js';
import { BIN, COMMAND_MODULES, LAB_ONLY_PACKAGES, MODULE_LOG_HOOK, runNode } from '../support/compiled-cli.js';

/**
 * `operando analyze ndp` as users run it: the compiled CLI (dist/, which
 * scripts/test.sh builds first) on a spectrum file and a STACK.json, for a
 * spectrum of 5 um of dense Li behind 1 um of Cu drawn from the forward model.
 */
const K = 1e-17;
const LIVE_S = 1800;
const CALIBRATION = [0, 0.75, 0] as const;
const BACKGROUND_PER_CHANNEL = 10;
/** 5 um of dense Li, atoms/cm2. */
const TRUTH = DENSE_LITHIUM_ATOMS_PER_CM3 * 5e-4;


const csv = (counts: ArrayLike<number>, liveS: number, realS: number) =>
  `# live_time_s=${liveS}\n# real_time_s=${realS}\nchannel,counts\n${Array.from(counts, (c, i) => `${i},${c}`).join('\n')}\n`;

describe('operando analyze ndp, end to end', () => {
  let dir: string;
  const path = (name: string) => join(dir, name);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'operando-ndp-'));
    const stack = { detectorAngleDeg: 0, layers: [{ material: 'Cu', thicknessNm: 1000 }, { material: 'Li', thicknessNm: null }] };
    const expected = expectedSpectrum({
      profile: { depthStepNm: 10, maxDepthNm: 5000, liPerCm3: () => DENSE_LITHIUM_ATOMS_PER_CM3 },
      stack,
      calibrationCountsPerSPerLiPerCm2: K,
      liveTimeS: LIVE_S,
      resolutionFwhmKeV: 15,
      energyCalibrationKeV: CALIBRATION,
      channels: 4096,
    });
    const random = new Random(77);
    await writeFile(path('spectrum.csv'), csv(Array.from(expected, (m) => random.poisson(m + BACKGROUND_PER_CHANNEL)), LIVE_S, 1.05 * LIVE_S));
    // A background run of twice the live time.
    await writeFile(path('background.csv'), csv(Array.from(expected, () => random.poisson(2 * BACKGROUND_PER_CHANNEL)), 2 * LIVE_S, 2.1 * LIVE_S));
    await writeFile(path('stack.json'), JSON.stringify({ ...stack, calibration: { energyKeV: CALIBRATION } }));
    await writeFile(path('bad-stack.json'), JSON.stringify({ ...stack, layers: [{ material: 'Cu', thicknessNm: '1 um' }, { material: 'Li', thicknessNm: null }] }));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reduces a spectrum with its background to the Li areal density and profile as JSON', async () => {
    const result = await runNode([BIN, 'analyze', 'ndp', path('spectrum.csv'), '--stack', path('stack.json'), '--calibration', String(K), '--background', path('background.csv'), '--resolution-kev', '15', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as {
      branch: string;
      profile: Array<{ depthNm: number; liPerCm3: number; relativeDensity: number; uncertaintyLiPerCm3: number }>;
      arealDensityLiPerCm2: { value: number; stderr: number };
      equivalentMahPerCm2: number;
      meanDepthNm: number;
      warnings: string[];
    };
    expect(out.branch).toBe('triton');
    // 5 um of dense Li: the counting error is ~0.4 %, so 3 % is the issue's bound with room to spare.
    expect(Math.abs(out.arealDensityLiPerCm2.value / TRUTH - 1)).toBeLessThan(0.03);
    expect(out.equivalentMahPerCm2).toBeCloseTo(TRUTH / 2.247e19, 1);
    expect(Math.abs((2 * out.meanDepthNm) / 5000 - 1)).toBeLessThan(0.05);
    expect(out.profile.length).toBeGreaterThan(1000);
    expect(Object.keys(out.profile[0]!).sort()).toEqual(['depthNm', 'liPerCm3', 'relativeDensity', 'uncertaintyLiPerCm3', 'widthNm']);
    expect(out.warnings).toEqual([]);
  });

  it('prints a summary with a binned profile, for the alpha branch too', async () => {
    const result = await runNode([BIN, 'analyze', 'ndp', path('spectrum.csv'), '--stack', path('stack.json'), '--calibration', String(K), '--branch', 'alpha', '--background-channels', '3700:4095', '--depth-bin-nm', '500']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^NDP, alpha branch: channels \d+\.\.\d+/);
    expect(result.stdout).toMatch(/ mAh\/cm2 = 4\.9\d* um of dense Li|= 5\.0\d* um of dense Li/);
    expect(result.stdout).toMatch(/depth\/um/);
  });

  it('refuses a STACK.json that is not valid with its path (exit 2), and a missing K', async () => {
    const bad = await runNode([BIN, 'analyze', 'ndp', path('spectrum.csv'), '--stack', path('bad-stack.json'), '--calibration', String(K)]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`operando analyze ndp: ${path('bad-stack.json')}: /layers/0/thicknessNm: expected number or null`);
    expect(bad.stderr).toMatch(/usage: operando analyze ndp/);
    const noK = await runNode([BIN, 'analyze', 'ndp', path('spectrum.csv'), '--stack', path('stack.json')]);
    expect(noK.code).toBe(2);
    expect(noK.stderr).toMatch(/--calibration is required/);
    const badBranch = await runNode([BIN, 'analyze', 'ndp', path('spectrum.csv'), '--stack', path('stack.json'), '--calibration', '1e-17', '--branch', 'gamma']);
    expect(badBranch.code).toBe(2);
    expect(badBranch.stderr).toMatch(/--branch must be alpha or triton/);
  });

  it('loads its command module and nothing of the lab', async () => {
    const log = path('modules.log');
    const result = await runNode(['--import', MODULE_LOG_HOOK, BIN, 'analyze', 'ndp', path('spectrum.csv'), '--stack', path('stack.json'), '--calibration', String(K), '--json'], { ...process.env, OPERANDO_MODULE_LOG: log });
    expect(result.code).toBe(0);
    const modules = [...new Set((await readFile(log, 'utf8')).split('\n').filter((l) => l !== ''))];
    // analyze-spectrum: its reading of spectrum files, shared.
    expect(modules.filter((m) => m.startsWith(COMMAND_MODULES)).sort()).toEqual(['analyze-ndp.js', 'analyze-options.js', 'analyze-spectrum.js', 'index.js'].map((f) => `${COMMAND_MODULES}${f}`));
    expect(modules.filter((m) => LAB_ONLY_PACKAGES.test(m))).toEqual([]);
    expect(modules.filter((m) => m.endsWith('.ts'))).toEqual([]);
  });
});
