import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { filter, firstValueFrom } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { stepScript } from '../../drivers/potentiostat/methodscript/scripts.js';
import { ScaledClock, type Clock } from '../../src/core/clock.js';
import { extent } from '../../src/core/extent.js';
import { silentLogger } from '../../src/core/logger.js';
import { isLimitError } from '../../src/instruments/limits.js';
import type { RunningSimulator } from '../../src/kinds/kind.js';
import { potentiostatSimulatorOf } from '../../src/kinds/potentiostat/simulator.js';
import { startStandaloneSimulator } from '../../src/kinds/simulator-models.js';
import { SIMULATOR_DEFAULTS } from '../../simulators/potentiostat/defaults.js';
import type { DeviceEvent } from '../../simulators/potentiostat/device.js';
import type { PotentiostatSimulator } from '../../simulators/potentiostat/potentiostat-simulator.js';
import { HoldableClock } from '../support/holdable-clock.js';
import { LineReader } from '../support/line-reader.js';

/**
 * Acceptance of issue 8, point 1: the hard limits of the lab file are
 * enforced by the instrument itself. A potentiostat simulator hosted here on
 * TCP, the service a separate process (`bin/operando.js start`, the compiled
 * CLI: `npm run build` first; scripts/test.sh does). The simulated NMC532 cell
 * rests at 3.58 V; a +2 mA pulse drives it up through maxV = 3.95 V about
 * 14 lab seconds into the pulse, rising about 4 mV/s there, so one 50 ms
 * sample interval moves it by about 0.2 mV.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'operando.js');
const VIEWER = 'viewer-token-limits-test-0001';
const OPERATOR = 'operator-token-limits-test-0001';
const MIN_V = 3.0;
const MAX_V = 3.95;
/** The simulator's potential noise (1 sd), the default of a standalone simulator. */
const NOISE_V = SIMULATOR_DEFAULTS.noise.potentialV;
const PULSE_INTERVAL_S = 0.05;

/** A GITT of one long +2 mA pulse: only a limit can end it early. */
const GITT = {
  protocol: 'gitt',
  parameters: {
    instrument: 'pstat1',
    current: '2 mA',
    pulse: '10 min',
    rest: { duration: '10 min' },
    pulses: 1,
    sampleInterval: `${PULSE_INTERVAL_S * 1000} ms`,
    restSampleInterval: '1 s',
    initialRest: '1 s',
  },
};

interface Service {
  readonly url: string;
  readonly child: ChildProcess;
  readonly exited: Promise<[number | null, NodeJS.Signals | null]>;
  readonly dir: string;
}

/** `operando start` in a child process on a lab file with these instruments; resolves once it is up. */
async function startService(timeScale: number, instruments: string): Promise<Service> {
  const dir = await mkdtemp(join(tmpdir(), 'operando-limits-'));
  const file = join(dir, 'lab.yaml');
  await writeFile(
    file,
    `lab: { name: limits lab, timeScale: ${timeScale} }
store: { kind: sqlite, path: lab.db }
api:
  port: 0
  tokens:
    - { name: viewer, role: viewer, token: ${VIEWER} }
    - { name: operator, role: operator, token: ${OPERATOR} }
instruments:
${instruments}`,
  );
  const child = spawn(process.execPath, [BIN, 'start', '--config', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  try {
    const up = (await LineReader.ofStream(child.stdout!).until((line) => line.includes(' is up at '))).at(-1)!;
    return { url: /is up at (\S+)/.exec(up)![1]!, child, exited, dir };
  } catch (e) {
    throw new Error(`the service did not start: ${String(e)}\n${stderr}`);
  }
}

async function stopService(service: Service | undefined): Promise<void> {
  if (!service) return;
  if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGTERM');
  await service.exited;
  await rm(service.dir, { recursive: true, force: true });
}

function pstatEntry(id: string, url: string, limits: string): string {
  return `  - { id: ${id}, kind: potentiostat, driver: methodscript, transport: "${url}", limits: ${limits} }\n`;
}

async function postRun(url: string, body: object): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${url}/api/runs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${OPERATOR}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function getJson(url: string): Promise<Record<string, unknown>> {
  return (await (await fetch(url, { headers: { authorization: `Bearer ${VIEWER}` } })).json()) as Record<string, unknown>;
}

/** A constant-current point of the simulator: its lab time, the reading its script compared, the cell's true voltage then. */
interface PulsePoint {
  readonly labTimeMs: number;
  readonly measuredV: number;
  readonly trueV: number;
}

/** Every point of the simulator's constant-current loops from now on, with the true cell voltage at it. */
function recordPulse(simulator: PotentiostatSimulator, onPoint: (points: PulsePoint[]) => void = () => {}): PulsePoint[] {
  const points: PulsePoint[] = [];
  simulator.events$.subscribe((e) => {
    if (e.kind !== 'point' || e.loop !== 'meas_loop_cp') return;
    points.push({ labTimeMs: e.labTimeMs, measuredV: e.readings.find((r) => r.type === 'ab')!.value, trueV: simulator.cell.voltage() });
    onPoint(points);
  });
  return points;
}

describe('hard limits enforced inside the instrument', () => {
  const closers: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function simulator(variant: string, clock: Clock): Promise<RunningSimulator> {
    const running = await startStandaloneSimulator('potentiostat', { link: 'tcp', variant, seed: 11 }, { clock, logger: silentLogger });
    closers.push(() => running.close());
    return running;
  }

  it.for([1, 600])('a GITT pulse toward maxV at lab time x%i, the service killed with kill -9 mid-pulse: the instrument stops at maxV on its own', async (scale, { annotate }) => {
    const clock = new HoldableClock(scale);
    const running = await simulator('NMC532', clock);
    const sim = potentiostatSimulatorOf(running);
    const service = await startService(scale, pstatEntry('pstat1', running.url, `{ minV: ${MIN_V}, maxV: ${MAX_V}, maxAbsCurrentA: 0.005 }`));
    closers.push(() => stopService(service));

    // At the pulse's first point: lab time held, the service killed, and the script's end awaited from then on.
    let killedAtMs = Number.NaN;
    let ended: Promise<unknown> | undefined;
    let pulseRunning!: () => void;
    const killed = new Promise<void>((resolve) => (pulseRunning = resolve));
    const points = recordPulse(sim, (all) => {
      if (all.length !== 1) return;
      clock.hold();
      killedAtMs = clock.nowMs();
      ended = firstValueFrom(sim.events$.pipe(filter((e) => e.kind === 'script-ended')));
      service.child.kill('SIGKILL');
      pulseRunning();
    });
    expect((await postRun(service.url, GITT)).status).toBe(201);
    await killed;
    expect(await service.exited).toEqual([null, 'SIGKILL']);
    await firstValueFrom(sim.connected$.pipe(filter((connected) => !connected)));
    clock.release();

    // Nobody is connected now; the script runs on and ends at its own condition.
    expect(await ended).toEqual({ kind: 'script-ended', ending: 'completed' });
    expect(sim.status()).toMatchObject({ cellOn: false, running: false, connected: false });
    const last = points.at(-1)!;
    expect(points.length).toBeGreaterThan(10);
    // The crossing came after the service was dead, long before the pulse's 10 minutes.
    expect(last.labTimeMs).toBeGreaterThan(killedAtMs);
    expect(last.labTimeMs - points[0]!.labTimeMs).toBeLessThan(60_000);
    // One reading beyond maxV, the last one: the device stopped at its own sample rate.
    expect(points.filter((p) => p.measuredV > MAX_V)).toEqual([last]);
    // The true voltage went past maxV by no more than one sample's rise plus the noise of the reading that tripped.
    const riseV = last.trueV - points.at(-2)!.trueV;
    const overshootV = extent(points.map((p) => p.trueV))!.max - MAX_V;
    expect(overshootV).toBeLessThanOrEqual(Math.max(0, riseV) + 5 * NOISE_V);
    expect(overshootV).toBeLessThan(1e-3);
    await annotate(
      `x${scale}: ${points.length} pulse points, max true voltage ${(overshootV * 1e3).toFixed(3)} mV past maxV ` +
        `(one sample's rise ${(riseV * 1e3).toFixed(3)} mV, noise ${NOISE_V * 1e3} mV sd), last reading ${((last.measuredV - MAX_V) * 1e3).toFixed(3)} mV past`,
    );
  });

  describe('at lab time x600 with the service alive', () => {
    const SCALE = 600;
    let service: Service;
    let cellSim: PotentiostatSimulator;
    let pelletSim: PotentiostatSimulator;
    const pelletClosers: Array<() => Promise<unknown>> = [];
    let ws: WebSocket;
    const documents: Array<Record<string, unknown>> = [];

    beforeAll(async () => {
      const clock = new ScaledClock(SCALE);
      const cell = await startStandaloneSimulator('potentiostat', { link: 'tcp', variant: 'NMC532', seed: 12 }, { clock, logger: silentLogger });
      const pellet = await startStandaloneSimulator('potentiostat', { link: 'tcp', variant: 'LAGP-pellet', seed: 13 }, { clock, logger: silentLogger });
      pelletClosers.push(() => cell.close(), () => pellet.close());
      cellSim = potentiostatSimulatorOf(cell);
      pelletSim = potentiostatSimulatorOf(pellet);
      service = await startService(
        SCALE,
        pstatEntry('pstat1', cell.url, `{ minV: ${MIN_V}, maxV: ${MAX_V}, maxAbsCurrentA: 0.005 }`) + pstatEntry('pstat2', pellet.url, '{ minV: -1, maxV: 1, maxAbsCurrentA: 0.001 }'),
      );
      ws = new WebSocket(`${service.url.replace('http', 'ws')}/api/live?access_token=${VIEWER}`);
      await new Promise<void>((resolve, reject) => {
        ws.on('message', (data: Buffer) => {
          const message = JSON.parse(data.toString()) as { type: string; documents?: Array<Record<string, unknown>> };
          if (message.type === 'hello') resolve();
          if (message.type === 'documents') for (const d of message.documents!) documents.push(d);
        });
        ws.on('error', reject);
      });
    });

    afterAll(async () => {
      ws?.close();
      await stopService(service);
      for (const close of pelletClosers.reverse()) await close();
    });

    /** The run-stop document of a run, from the live feed. */
    async function runStop(runId: string): Promise<Record<string, unknown>> {
      for (;;) {
        const stop = documents.find((d) => d.kind === 'run-stop' && d.runId === runId);
        if (stop) return stop;
        await once(ws, 'message');
      }
    }

    /** The stored run once its run-stop is stored (written after every event of the run). */
    async function storedRun(runId: string): Promise<Record<string, unknown>> {
      for (;;) {
        const run = await getJson(`${service.url}/api/runs/${runId}`);
        if (run.stop) return run;
      }
    }

    it('stops a pulse toward maxV with at most one stored sample past it, and fails the run with LIMIT_EXCEEDED', async ({ annotate }) => {
      const points = recordPulse(cellSim);
      const started = await postRun(service.url, GITT);
      expect(started.status).toBe(201);
      const runId = started.json.runId as string;
      const stop = await runStop(runId);
      expect(stop).toMatchObject({ exitStatus: 'fail', reason: expect.stringMatching(/^pstat1: cell voltage \S+ V left the hard limits 3\.\.3\.95 V$/) });
      const run = await storedRun(runId);
      const stopEvents = (run.stop as { events: Record<string, number> }).events;
      expect(run.events).toBe(Object.values(stopEvents).reduce((a, b) => a + b, 0));
      const csv = await (await fetch(`${service.url}/api/runs/${runId}/data?format=csv&stream=pstat1.dc&keys=potential`, { headers: { authorization: `Bearer ${VIEWER}` } })).text();
      const [header, ...rows] = csv.trim().split('\n');
      const column = header!.split(',').indexOf('potential_V');
      const potentials = rows.map((row) => Number(row.split(',')[column]));
      expect(potentials).toHaveLength(stopEvents['pstat1.dc']!);
      expect(potentials.filter((v) => v > MAX_V)).toHaveLength(1);
      expect(potentials.at(-1)!).toBeGreaterThan(MAX_V);
      // On the instrument: the pulse's loop ended at the sample past maxV, not samples later when the service's abort arrived.
      expect(points.filter((p) => p.measuredV > MAX_V)).toEqual([points.at(-1)]);
      expect(cellSim.status()).toMatchObject({ cellOn: false, running: false });
      await annotate(`x${SCALE}, service alive: ${potentials.length} stored samples, ${potentials.filter((v) => v > MAX_V).length} past maxV`);
    });

    it('refuses a 5 V EIS amplitude on a ±1 V instrument (LIMIT_EXCEEDED, 422), as the script generator does', async () => {
      const seen: DeviceEvent[] = [];
      const subscription = pelletSim.events$.subscribe((e) => seen.push(e));
      const refused = await postRun(service.url, {
        protocol: 'eis',
        parameters: { instrument: 'pstat2', startFrequency: '1 kHz', endFrequency: '1 Hz', points: 5, amplitude: '5 V', bias: { dc: '0 V', vs: 'absolute' } },
      });
      expect(refused.status).toBe(422);
      expect(refused.json).toMatchObject({ error: { code: 'LIMIT_EXCEEDED' } });
      subscription.unsubscribe();
      // Nothing reached the instrument.
      expect(seen).toEqual([]);
      let generated: unknown;
      try {
        stepScript({ kind: 'eis', startHz: 1e3, endHz: 1, points: 5, amplitudeV: 5, dcV: 0, hardLimits: { minV: -1, maxV: 1, maxAbsCurrentA: 0.001 } });
      } catch (e) {
        generated = e;
      }
      expect(isLimitError(generated, 'LIMIT_EXCEEDED')).toBe(true);
    });
  });
});
