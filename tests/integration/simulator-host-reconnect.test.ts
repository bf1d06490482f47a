import { filter, firstValueFrom, map } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { decodePackage } from '../../drivers/potentiostat/methodscript/data-package.js';
import { EurothermController } from '../../drivers/temperature/eurotherm/eurotherm-controller.js';
import { celsiusToKelvin } from '../../drivers/temperature/eurotherm/register-map.js';
import { ScaledClock } from '../../src/core/clock.js';
import { openTransport } from '../../src/transport/open-transport.js';
import type { Transport } from '../../src/transport/transport.js';
import { createCell } from '../../simulators/potentiostat/cell/index.js';
import type { RunEnding } from '../../simulators/potentiostat/interpreter.js';
import { startPotentiostatSimulator, type PotentiostatSimulator } from '../../simulators/potentiostat/start-potentiostat-simulator.js';
import { EurothermSimulator } from '../../simulators/temperature/eurotherm/eurotherm-simulator.js';
import { FURNACE } from '../../simulators/temperature/presets.js';
import { LineReader } from '../support/line-reader.js';
import { closedSocket, connectedSocket } from '../support/sockets.js';

/**
 * A simulator outlives its host, as an instrument on a serial line or behind a
 * serial device server does: what the host started goes on, and whoever
 * connects next is served.
 */

/** Lab time runs 3600x: a lab hour per real second. */
const SCALE = 3600;
/** A constant-current step of 2 lab hours at -10 uA, a package a lab minute: `t` time (eb), `p` potential (ab), `c` current (ba). */
const CURRENT_A = -10e-6;
const DURATION_S = 7200;
const CP_SCRIPT = [
  'var t',
  'var p',
  'var c',
  'set_pgstat_chan 0',
  'set_pgstat_mode 6',
  'set_range ab 5',
  'set_range db 10u',
  'set_i 0',
  'cell_on',
  'timer_start',
  `meas_loop_cp p c -10u 60 ${DURATION_S}`,
  '  timer_get t',
  '  pck_start',
  '  pck_add t',
  '  pck_add p',
  '  pck_add c',
  '  pck_end',
  'endloop',
  'on_finished:',
  'cell_off',
];
const EXECUTE_CP = `e\n${CP_SCRIPT.join('\n')}\n\n`;

/** Seconds of the script's timer in a data package line. */
function packageTimeS(line: string): number {
  const time = decodePackage(line).variables.find((v) => v.type === 'eb');
  if (!time) throw new Error(`no time in ${line}`);
  return time.value;
}

function scriptEnded(simulator: PotentiostatSimulator): Promise<RunEnding> {
  return firstValueFrom(
    simulator.events$.pipe(
      filter((e) => e.kind === 'script-ended'),
      map((e) => e.ending),
    ),
  );
}

describe('a potentiostat simulator whose host goes away', () => {
  const closers: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function simulator(link: 'tcp' | 'pty', clock = new ScaledClock(SCALE)): Promise<PotentiostatSimulator> {
    const sim = await startPotentiostatSimulator({ cell: 'LixV2O5', link, seed: 3 }, clock);
    closers.push(() => sim.close());
    return sim;
  }

  /** A host on the simulator's link (a TCP client or the far end of the pseudo-terminal) and the lines it receives. */
  async function host(url: string): Promise<{ link: Transport; lines: LineReader }> {
    const link = await openTransport(url);
    closers.push(() => link.close());
    return { link, lines: LineReader.ofTransport(link) };
  }

  /** The composition the cell must reach: the same cell driven by the same charge. */
  function expectedComposition(): number {
    const reference = createCell('LixV2O5');
    reference.advanceGalvanostatic(DURATION_S, CURRENT_A);
    return reference.composition();
  }

  it.each(['tcp', 'pty'] as const)('over %s: a running script goes on to its end on the lab clock, then the next host is served', async (link) => {
    const clock = new ScaledClock(SCALE);
    const sim = await simulator(link, clock);
    const initialX = sim.cell.composition();
    const ended = scriptEnded(sim);
    const first = await host(sim.url);
    await first.link.write(EXECUTE_CP);
    const startedMs = clock.nowMs();
    expect(await first.lines.next()).toBe('e');
    const firstPackage = (await first.lines.until((line) => line.startsWith('P'))).at(-1)!;
    expect(packageTimeS(firstPackage)).toBeLessThan(DURATION_S);
    await first.link.close();

    // Nobody is connected (or, on the pty, nobody has the port open) while the rest of the script runs.
    expect(await ended).toBe('completed');
    expect(clock.nowMs() - startedMs).toBeGreaterThanOrEqual(DURATION_S * 1000);
    if (link === 'tcp') expect(sim.status().connected).toBe(false);
    expect(sim.status()).toMatchObject({ running: false, cellOn: false });
    // The whole charge went through the cell, not just what the first host watched.
    expect(sim.cell.composition()).not.toBeCloseTo(initialX, 6);
    expect(sim.cell.composition()).toBeCloseTo(expectedComposition(), 9);

    const next = await host(sim.url);
    await next.link.write('i\n');
    // On the pty, output the script made while nobody read may still come first.
    expect((await next.lines.until((line) => line.startsWith('i'))).at(-1)).toBe('iSIM-ES4HR-0001');
  });

  it('over tcp: a new client takes over the running script, receives the rest of its output and can abort it', async () => {
    const sim = await simulator('tcp');
    const first = await connectedSocket(sim.url);
    closers.push(() => closedSocket(first));
    const firstLines = LineReader.ofStream(first);
    first.write(EXECUTE_CP);
    const firstPackage = (await firstLines.until((line) => line.startsWith('P'))).at(-1)!;
    await closedSocket(first);

    const next = await connectedSocket(sim.url);
    closers.push(() => closedSocket(next));
    const lines = LineReader.ofStream(next);
    const taken = (await lines.until((line) => line.startsWith('P'))).at(-1)!;
    // The same run, its timer running on: not a new script.
    expect(packageTimeS(taken)).toBeGreaterThan(packageTimeS(firstPackage));
    expect(sim.status()).toMatchObject({ running: true, cellOn: true, connected: true });

    const ended = scriptEnded(sim);
    next.write('Z\n');
    const rest = await lines.until((line) => line === '');
    expect(rest).toContain('Z');
    expect(rest.at(-2)).toBe('*');
    expect(await ended).toBe('aborted');
    expect(sim.status().cellOn).toBe(false);
  });
});

describe('a Eurotherm simulator over Modbus TCP', () => {
  let simulator: EurothermSimulator | undefined;
  afterEach(async () => {
    await simulator?.close();
    simulator = undefined;
  });

  it('serves the next connection after a client vanished in the middle of a request', async () => {
    simulator = await EurothermSimulator.start({ clock: new ScaledClock(1), preset: FURNACE, seed: 1, link: 'tcp' });
    const sim = simulator;
    const vanishing = await connectedSocket(sim.url);
    const served = firstValueFrom(sim.accesses$);
    // Read PV (FC 03, register 1): MBAP (transaction 1, protocol 0, length 6, unit 1) and PDU.
    vanishing.write(Uint8Array.of(0, 1, 0, 0, 0, 6, 1, 3, 0, 1, 0, 1));
    await closedSocket(vanishing);
    // The request reached the registers; its reply went to a closed socket.
    expect(await served).toEqual({ kind: 'read', address: 1, count: 1 });

    for (const setpointC of [150, 250]) {
      const driver = await EurothermController.open(sim.url);
      try {
        await driver.setSetpoint(celsiusToKelvin(setpointC));
        expect((await driver.read()).setpointK).toBeCloseTo(celsiusToKelvin(setpointC), 5);
      } finally {
        await driver.close();
      }
      expect(sim.simulation.snapshot().targetSetpointK).toBeCloseTo(celsiusToKelvin(setpointC), 5);
    }
  });
});
