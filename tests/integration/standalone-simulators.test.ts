import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadLabConfig } from '../../src/config/load.js';
import { startLab } from '../../src/lab/lab.js';
import type { TemperatureInstrument } from '../../src/kinds/temperature/instrument.js';
import { AmptekDp5 } from '../../drivers/mca/amptek-dp5/amptek-dp5.js';
import { MethodScriptPotentiostat } from '../../drivers/potentiostat/methodscript/potentiostat.js';
import { openTemperatureController } from '../../drivers/temperature/open-temperature-controller.js';
import { ScaledClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { openTransport } from '../../src/transport/open-transport.js';
import type { RunningSimulator } from '../../src/kinds/kind.js';
import { potentiostatSimulatorOf } from '../../src/kinds/potentiostat/simulator.js';
import { SIMULATOR_MODELS, SimulatorSettingsError, startStandaloneSimulator } from '../../src/kinds/simulator-models.js';
import { temperatureSimulatorOf as temperatureSimulator } from '../../src/kinds/temperature/simulator.js';
import { freePort } from '../support/sockets.js';

/**
 * A lab file can point an instrument at a standalone simulator
 * (`operando simulate`) with a `tcp://` or `modbus-tcp://` transport: the
 * project's own drivers open the URL a simulator of the models table gives
 * out, and a second driver is served after the first one has closed.
 */

/** Lab time at 600x: a 2 lab-minute OCP step takes 0.2 s. */
const SCALE = 600;

describe('standalone simulators reached by the project drivers at their URLs', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function start(name: string, options: { link: 'tcp' | 'pty'; variant?: string; port?: number }): Promise<RunningSimulator> {
    const started = await startStandaloneSimulator(name, { ...options, seed: 5 }, { clock: new ScaledClock(SCALE), logger: silentLogger });
    closers.push(() => started.close());
    return started;
  }

  it.each([
    ['tcp', /^tcp:\/\/127\.0\.0\.1:\d+$/],
    ['pty', /^serial:\/\/\/.+\?baud=230400$/],
  ] as const)('potentiostat over %s: the MethodSCRIPT driver identifies it and measures the cell, twice', async (link, url) => {
    const started = await start('potentiostat', { link, variant: 'NMC532' });
    expect(started.url).toMatch(url);
    const ocv = potentiostatSimulatorOf(started).cell.openCircuitVoltage();
    for (const session of [1, 2]) {
      const driver = new MethodScriptPotentiostat(await openTransport(started.url), { clock: new ScaledClock(SCALE), logger: silentLogger });
      try {
        expect(await driver.identify()).toMatchObject({ device: 'es4_hr', serial: 'SIM-ES4HR-0001' });
        const potentials: number[] = [];
        const outcome = await driver.runStep({ kind: 'ocp', durationS: 120, intervalS: 10, hardLimits: { minV: 2, maxV: 4.5, maxAbsCurrentA: 0.01 } }, (s) => potentials.push(s.potentialV ?? Number.NaN));
        expect(outcome.ending, `session ${session}`).toBe('completed');
        expect(potentials.length).toBeGreaterThanOrEqual(10);
        // The NMC532 cell at rest: its OCV, within the simulated noise.
        for (const v of potentials) expect(Math.abs(v - ocv)).toBeLessThan(1e-3);
      } finally {
        await driver.close();
      }
    }
  });

  it.each([
    ['eurotherm', 'tcp', /^modbus-tcp:\/\/127\.0\.0\.1:\d+\?unit=1$/],
    ['eurotherm', 'pty', /^modbus-rtu:\/\/\/.+\?baud=9600&unit=1$/],
    ['lakeshore336', 'tcp', /^tcp:\/\/127\.0\.0\.1:\d+$/],
    ['lakeshore336', 'pty', /^serial:\/\/\/.+\?baud=57600&dataBits=7&parity=odd&stopBits=1$/],
  ] as const)('%s over %s: the driver reads the plant; the next driver sets a setpoint', async (name, link, url) => {
    const started = await start(name, { link, variant: 'nmr-vt' });
    expect(started.url).toMatch(url);
    const { simulation } = temperatureSimulator(started);
    expect(simulation.preset.name).toBe('nmr-vt');

    const first = await openTemperatureController({ driver: name, url: started.url });
    try {
      // One decimal place on the Eurotherm's wire, sensor noise 0.02 K.
      expect((await first.read()).temperatureK).toBeCloseTo(simulation.snapshot().trueTemperatureK, 0);
    } finally {
      await first.close();
    }
    const next = await openTemperatureController({ driver: name, url: started.url });
    try {
      // 37.0 °C: exact with the Eurotherm's one decimal place.
      await next.setSetpoint(310.15);
      expect((await next.read()).setpointK).toBeCloseTo(310.15, 5);
    } finally {
      await next.close();
    }
    expect(simulation.snapshot().targetSetpointK).toBeCloseTo(310.15, 5);
  });

  it.each([
    ['tcp', /^tcp:\/\/127\.0\.0\.1:\d+$/],
    ['pty', /^serial:\/\/\/.+\?baud=115200$/],
  ] as const)('dp5 over %s: the DP5 driver identifies it and reads a spectrum, twice', async (link, url) => {
    const started = await start('dp5', { link });
    expect(started.url).toMatch(url);
    for (const session of [1, 2]) {
      const driver = await AmptekDp5.open(started.url);
      try {
        expect(await driver.identify(), `session ${session}`).toMatchObject({ model: 'DP5', serialNumber: 5_012_345 });
        expect((await driver.spectrum({ withStatus: true })).counts.length).toBe(1024);
      } finally {
        await driver.close();
      }
    }
  });

  it('listens on the port it is given, with the default preset', async () => {
    const port = await freePort();
    const started = await start('eurotherm', { link: 'tcp', port });
    expect(started.url).toBe(`modbus-tcp://127.0.0.1:${port}?unit=1`);
    expect(temperatureSimulator(started).simulation.preset.name).toBe('furnace');
    const driver = await openTemperatureController({ driver: 'eurotherm', url: started.url });
    try {
      expect((await driver.identify()).model).toContain('2408');
    } finally {
      await driver.close();
    }
  });

  it('refuses settings the model does not take before starting anything', async () => {
    const deps = { clock: new ScaledClock(1), logger: silentLogger };
    await expect(startStandaloneSimulator('lakeshore336', { link: 'tcp', seed: 0, variant: 'LixV2O5' }, deps)).rejects.toSatisfy(
      (e) => e instanceof SimulatorSettingsError && e.code === 'BAD_VARIANT',
    );
    await expect(startStandaloneSimulator('potentiostat', { link: 'pty', port: 4000, seed: 0 }, deps)).rejects.toSatisfy(
      (e) => e instanceof SimulatorSettingsError && e.code === 'BAD_LINK',
    );
  });

  it('serves the instruments of a lab file whose transports are their tcp:// and modbus-tcp:// URLs', async () => {
    const pstat = await start('potentiostat', { link: 'tcp', variant: 'LAGP-pellet' });
    const furnace = await start('eurotherm', { link: 'tcp' });
    const dir = await mkdtemp(path.join(tmpdir(), 'operando-standalone-lab-'));
    closers.push(() => rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'lab.yaml');
    await writeFile(
      file,
      `lab: { name: lab on standalone simulators, timeScale: ${SCALE} }
store: { kind: sqlite, path: lab.db }
api: { tokens: [ { name: op, role: operator, token: operator-token-standalone } ] }
instruments:
  - { id: pstat1, kind: potentiostat, driver: methodscript, transport: "${pstat.url}", limits: { minV: -1, maxV: 1, maxAbsCurrentA: 0.001 } }
  - { id: furnace1, kind: temperature, driver: eurotherm, transport: "${furnace.url}", limits: { minK: 250, maxK: 450, maxRampKPerMin: 10, safeK: 298.15 } }
`,
    );
    const lab = await startLab(await loadLabConfig(file), { logger: silentLogger, api: false });
    closers.push(() => lab.close());
    expect(lab.instruments.all().map((i) => [i.id, i.status().connection])).toEqual([
      ['pstat1', 'connected'],
      ['furnace1', 'connected'],
    ]);
    expect(lab.instruments.get('pstat1').status().identity).toMatchObject({ device: 'es4_hr' });
    const reading = await (lab.instruments.get('furnace1') as TemperatureInstrument).read();
    expect(reading.temperatureK).toBeCloseTo(temperatureSimulator(furnace).simulation.snapshot().trueTemperatureK, 0);
  });

  it('lists every kind’s simulator models, each starting a simulator of its kind', () => {
    expect(Object.entries(SIMULATOR_MODELS).map(([name, m]) => [name, m.kind])).toEqual([
      ['potentiostat', 'potentiostat'],
      ['eurotherm', 'temperature'],
      ['lakeshore336', 'temperature'],
      ['dp5', 'mca'],
    ]);
  });
});
