import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { externalFixture } from '../support/external-fixtures.js';
import { BIN, COMMAND_MODULES, LAB_ONLY_PACKAGES, MODULE_LOG_HOOK, ROOT } from '../support/compiled-cli.js';

/**
 * What a CLI start loads, recorded by a module hook in the spawned process
 * (tests/support/log-loaded-modules.js). Runs the compiled CLI in dist/, as
 * users do: scripts/test.sh builds it first. Start-up time itself is measured
 * by bench/startup.ts, not asserted here.
 */
const run = promisify(execFile);
const LAB = pathToFileURL(join(ROOT, 'dist', 'src', 'lab')).href + '/';

let dir: string;
let runs = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'operando-startup-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `node <nodeArgs>` with the hook; resolves with stdout and the URL of every module the process loaded. */
async function loading(nodeArgs: string[]): Promise<{ stdout: string; modules: string[] }> {
  const log = join(dir, `modules-${++runs}.log`);
  const { stdout } = await run(process.execPath, ['--import', MODULE_LOG_HOOK, ...nodeArgs], { cwd: ROOT, env: { ...process.env, OPERANDO_MODULE_LOG: log } });
  return { stdout, modules: [...new Set((await readFile(log, 'utf8')).split('\n').filter((l) => l !== ''))] };
}

/** Neither the lab nor a package only it needs, and no TypeScript: the compiled CLI only. */
function expectAnalysisOnly(modules: string[]): void {
  expect(modules.filter((m) => LAB_ONLY_PACKAGES.test(m))).toEqual([]);
  expect(modules.filter((m) => m.startsWith(LAB))).toEqual([]);
  expect(modules.filter((m) => m.endsWith('.ts') || m.includes('/node_modules/tsx/'))).toEqual([]);
}

describe('CLI start-up: what each command loads', () => {
  it('the hook records a heavy package when one is loaded (the checks below can fail)', async () => {
    const { modules } = await loading(['--input-type=module', '-e', "await import('fastify'); await import('better-sqlite3');"]);
    expect(modules.some((m) => m.includes('/node_modules/fastify/'))).toBe(true);
    expect(modules.some((m) => m.includes('/node_modules/better-sqlite3/'))).toBe(true);
  });

  it('--help loads the command table and no command module', async () => {
    const { stdout, modules } = await loading([BIN, '--help']);
    expect(stdout).toContain('analyze exchange-resistance');
    expect(modules.filter((m) => m.startsWith(COMMAND_MODULES))).toEqual([`${COMMAND_MODULES}index.js`]);
    expectAnalysisOnly(modules);
  });

  it('analyze exchange-resistance loads its own command module and nothing of the lab', async () => {
    const { stdout, modules } = await loading([BIN, 'analyze', 'exchange-resistance', '--j0-ma-per-cm2', '1', '--temperature-k', '298', '--json']);
    expect(JSON.parse(stdout).resistanceOhmCm2).toBeCloseTo(25.68, 2);
    expect(modules.filter((m) => m.startsWith(COMMAND_MODULES)).sort()).toEqual(
      ['analyze-exchange-resistance.js', 'analyze-options.js', 'index.js'].map((f) => `${COMMAND_MODULES}${f}`),
    );
    expectAnalysisOnly(modules);
  });

  it('analyze eis fits a real spectrum without loading the lab', async () => {
    const file = externalFixture('impedancepy_exampleDataBioLogic.mpt');
    const { stdout, modules } = await loading([BIN, 'analyze', 'eis', file, '--circuit', 'R0-p(R1,CPE1)', '--json']);
    expect(JSON.parse(stdout)).toMatchObject({ spectra: [{ circuit: 'R0-p(R1,CPE1)', points: expect.any(Number) }] });
    expect(modules).toContain(`${COMMAND_MODULES}analyze-eis.js`);
    expectAnalysisOnly(modules);
  });

  it('without dist/, says in one line to build and exits 1', async () => {
    await mkdir(join(dir, 'checkout', 'bin'), { recursive: true });
    await copyFile(BIN, join(dir, 'checkout', 'bin', 'operando.js'));
    const failure = await run(process.execPath, [join(dir, 'checkout', 'bin', 'operando.js'), '--help']).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 1, stdout: '' });
    expect((failure as { stderr: string }).stderr).toMatch(/^operando: .*npm run build.*\n$/);
  });
});
