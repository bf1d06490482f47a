import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openTemperatureController } from '../../drivers/temperature/open-temperature-controller.js';
import { LineReader } from '../support/line-reader.js';
import { connectedSocket, freePort } from '../support/sockets.js';

/**
 * `operando simulate` as users run it: the real CLI (bin/operando.js, the
 * compiled CLI in dist/ that scripts/test.sh builds) in a child process. The
 * URL is the one line on stdout; a signal stops it with exit code 0 and
 * nothing left behind.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'operando.js');

interface Cli {
  readonly child: ChildProcess;
  readonly stdout: LineReader;
  readonly stderrLines: LineReader;
  /** All of stderr so far. */
  readonly stderr: () => string;
  readonly exited: Promise<[number | null, NodeJS.Signals | null]>;
}

function simulate(args: string[]): Cli {
  const child = spawn(process.execPath, [BIN, 'simulate', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return {
    child,
    stdout: LineReader.ofStream(child.stdout!),
    stderrLines: LineReader.ofStream(child.stderr!),
    stderr: () => stderr,
    exited: once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>,
  };
}

/** Processes whose command line mentions `text` (socat names its pseudo-terminal links there). */
async function processesMentioning(text: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const commandLine = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (commandLine.includes(text)) found.push(Number(entry));
  }
  return found;
}

describe('operando simulate (the real CLI in a child process)', () => {
  const running: Cli[] = [];
  afterEach(async () => {
    // A test that failed half-way: stop its CLI the way a user would.
    for (const cli of running.splice(0)) {
      if (cli.child.exitCode === null && cli.child.signalCode === null) {
        cli.child.kill('SIGTERM');
        await cli.exited;
      }
    }
  });

  it('eurotherm over a pty: prints the URL, serves the driver, stops on SIGINT with exit 0 and no socat left', async () => {
    const cli = simulate(['eurotherm', '--link', 'pty', '--preset', 'nmr-vt', '--time-scale', '60']);
    running.push(cli);
    const url = await cli.stdout.next();
    expect(url).toMatch(/^modbus-rtu:\/\/\/.+\/b\?baud=9600&unit=1$/);
    expect(await cli.stderrLines.next()).toMatch(/eurotherm.*preset nmr-vt.*lab time x60.*Ctrl-C/);
    const ptyDirectory = dirname(new URL(url).pathname);
    expect(await processesMentioning(ptyDirectory)).toHaveLength(1);

    const driver = await openTemperatureController({ driver: 'eurotherm', url });
    try {
      // The NMR VT unit starts at rest at 293.15 K.
      expect((await driver.read()).temperatureK).toBeCloseTo(293.15, 0);
    } finally {
      await driver.close();
    }

    cli.child.kill('SIGINT');
    expect(await cli.exited).toEqual([0, null]);
    expect(cli.stderr()).toContain('SIGINT: stopped');
    expect(await processesMentioning(ptyDirectory)).toEqual([]);
    await expect(lstat(ptyDirectory)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('potentiostat on a given TCP port: answers a raw client, stops on SIGTERM with exit 0 and frees the port', async () => {
    const port = await freePort();
    const cli = simulate(['potentiostat', '--port', String(port), '--cell', 'LAGP-pellet']);
    running.push(cli);
    expect(await cli.stdout.next()).toBe(`tcp://127.0.0.1:${port}`);
    const client = await connectedSocket(`tcp://127.0.0.1:${port}`);
    try {
      const lines = LineReader.ofStream(client);
      client.write('i\n');
      expect(await lines.next()).toBe('iSIM-ES4HR-0001');
    } finally {
      client.destroy();
    }
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toEqual([0, null]);
    await expect(connectedSocket(`tcp://127.0.0.1:${port}`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('refuses bad usage with exit code 2 and a clear message, printing no URL', async () => {
    const cli = simulate(['lakeshore336', '--cell', 'NMC532']);
    running.push(cli);
    expect(await cli.exited).toEqual([2, null]);
    expect(cli.stderr()).toContain('--cell does not apply to lakeshore336, which takes --preset nmr-vt|furnace');
    await expect(cli.stdout.next()).rejects.toThrow();
  });
});
