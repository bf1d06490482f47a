import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kelvinToCelsius } from '../../drivers/temperature/eurotherm/register-map.js';
import { ScaledClock } from '../../src/core/clock.js';
import { EurothermSimulator } from '../../simulators/temperature/eurotherm/eurotherm-simulator.js';
import { FURNACE } from '../../simulators/temperature/presets.js';

/**
 * A third-party Modbus master, mbpoll (Debian package `mbpoll`, installed by
 * scripts/ensure-deps.sh), against the Eurotherm simulator over Modbus TCP and
 * over Modbus RTU on a socat pseudo-terminal. mbpoll's reference addresses are
 * 1-based unless `-0` (PDU addressing) is given; `-t 4` reads 16-bit holding
 * registers, `-t 4:float` a 32-bit float in two of them, `-B` with the high
 * word first (the Eurotherm's order); `-1` polls once; `-a` is the unit.
 */

const run = promisify(execFile);

async function onPath(command: string): Promise<boolean> {
  for (const directory of (process.env.PATH ?? '').split(delimiter)) {
    if (directory === '') continue;
    try {
      await access(join(directory, command), constants.X_OK);
      return true;
    } catch {
      // Not in this directory.
    }
  }
  return false;
}

/**
 * mbpoll's stdout; a missing binary fails the test with what to do about it.
 * Looked up on PATH rather than by a spawn that fails: in this process a
 * failed spawn followed by closing a serial port crashes node (a segfault in
 * the serial binding), which would hide the message.
 */
async function mbpoll(args: string[]): Promise<string> {
  if (!(await onPath('mbpoll'))) throw new Error('mbpoll is not installed: run scripts/ensure-deps.sh (it installs the Debian package mbpoll)');
  return (await run('mbpoll', args, { timeout: 10_000 })).stdout;
}

/** The values mbpoll printed, by reference: lines such as `[1]: 	200` or `[32770]: 	20.3`. */
function polled(stdout: string): Map<number, number> {
  return new Map([...stdout.matchAll(/^\[(\d+)\]:\s+(\S+)$/gm)].map((m) => [Number(m[1]), Number(m[2])]));
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe.each(['tcp', 'pty'] as const)('mbpoll against the Eurotherm simulator over %s', (link) => {
  let simulator: EurothermSimulator;
  /** Where mbpoll talks: protocol options and the host or serial device. */
  let target: string[];

  beforeAll(async () => {
    simulator = await EurothermSimulator.start({ clock: new ScaledClock(1), preset: FURNACE, seed: 11, link });
    const url = new URL(simulator.url);
    expect(url.searchParams.get('unit')).toBe('1');
    target = link === 'tcp' ? ['-m', 'tcp', '-p', url.port, url.hostname] : ['-m', 'rtu', '-b', url.searchParams.get('baud')!, '-P', 'none', url.pathname];
  });

  afterAll(async () => {
    await simulator?.close();
  });

  /** Runs mbpoll once against unit 1 and resolves with its output and the request the simulator received. */
  async function poll(options: string[], values: string[] = []): Promise<{ stdout: string; access: unknown; frame: string | null }> {
    const access = firstValueFrom(simulator.accesses$);
    const frame = simulator.requestFrames$ ? firstValueFrom(simulator.requestFrames$) : null;
    // When mbpoll fails these never come, and end with the simulator: not an unhandled rejection.
    for (const wait of [access, frame]) wait?.catch(() => undefined);
    const stdout = await mbpoll(['-a', '1', '-1', ...options, ...target, ...values]);
    return { stdout, access: await access, frame: frame && hex(await frame) };
  }

  const pvC = () => kelvinToCelsius(simulator.simulation.snapshot().measuredK);

  it('reads PV (tag 1) as a scaled integer with one implied decimal', async () => {
    const { stdout, access, frame } = await poll(['-0', '-r', '1', '-c', '1', '-t', '4']);
    expect(access).toEqual({ kind: 'read', address: 1, count: 1 });
    // The documented frame (docs/PROTOCOLS.md): read PV of unit 1.
    if (link === 'pty') expect(frame).toBe('010300010001d5ca');
    const raw = polled(stdout).get(1);
    expect(Number.isInteger(raw)).toBe(true);
    // Furnace at rest near 20 °C, sensor noise 0.1 K.
    expect(raw! / 10).toBeCloseTo(pvC(), 0);
  });

  it('reads the same register with 1-based references when -0 is not given', async () => {
    const { stdout, access } = await poll(['-r', '2', '-c', '1', '-t', '4']);
    expect(access).toEqual({ kind: 'read', address: 1, count: 1 });
    expect(polled(stdout).get(2)! / 10).toBeCloseTo(pvC(), 0);
  });

  it('reads PV as an IEEE float at 0x8000 + 2*tag, high word first', async () => {
    const { stdout, access, frame } = await poll(['-0', '-r', String(0x8000 + 2 * 1), '-c', '1', '-t', '4:float', '-B']);
    expect(access).toEqual({ kind: 'read', address: 0x8002, count: 2 });
    if (link === 'pty') expect(frame).toBe('0103800200024c0b');
    expect(polled(stdout).get(0x8002)).toBeCloseTo(pvC(), 0);
  });

  it('writes the setpoint (tag 2), which the simulator then reports as its target setpoint', async () => {
    const { stdout, access, frame } = await poll(['-0', '-r', '2', '-t', '4'], ['250']);
    expect(stdout).toContain('Written 1 references');
    expect(access).toEqual({ kind: 'write', address: 2, values: [250] });
    // The documented frame: write SP = 25.0 to unit 1.
    if (link === 'pty') expect(frame).toBe('0106000200faa849');
    expect(kelvinToCelsius(simulator.simulation.snapshot().targetSetpointK)).toBeCloseTo(25, 9);
    expect(polled((await poll(['-0', '-r', '2', '-c', '1', '-t', '4'])).stdout).get(2)).toBe(250);
    expect(polled((await poll(['-0', '-r', String(0x8000 + 2 * 2), '-c', '1', '-t', '4:float', '-B'])).stdout).get(0x8004)).toBe(25);
  });
});
