import { firstValueFrom } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EurothermController, type EurothermOptions } from '../../drivers/temperature/eurotherm/eurotherm-controller.js';
import { isTemperatureError } from '../../drivers/temperature/errors.js';
import { Tag } from '../../drivers/temperature/eurotherm/register-map.js';
import { silentLogger } from '../../src/core/logger.js';
import { isLimitError } from '../../src/instruments/limits.js';
import { temperatureKind } from '../../src/kinds/temperature/index.js';
import { LimitedTemperatureController } from '../../src/kinds/temperature/limits.js';
import { ScaledClock } from '../../src/core/clock.js';
import { EurothermSimulator } from '../../simulators/temperature/eurotherm/eurotherm-simulator.js';
import type { RegisterAccess } from '../../simulators/temperature/eurotherm/register-bank.js';
import { NMR_VT } from '../../simulators/temperature/presets.js';
import { collect, labTimeReached, rampStarted } from '../support/thermal.js';

/** Lab time runs 600x real time: 10 lab minutes per real second. */
const SCALE = 600;
const MINUTE_MS = 60_000;
/** Short link timings for the fault tests (real ms). */
const QUICK: EurothermOptions = { transactionTimeoutMs: 100, retry: { retries: 1, backoffBaseMs: 1, backoffMaxMs: 1 } };

describe.each(['tcp', 'pty'] as const)('Eurotherm driver against the simulator over %s', (link) => {
  let simulator: EurothermSimulator;
  let driver: EurothermController | undefined;

  beforeEach(async () => {
    simulator = await EurothermSimulator.start({ clock: new ScaledClock(SCALE), preset: NMR_VT, seed: 7, link });
  });

  afterEach(async () => {
    await driver?.close();
    driver = undefined;
    await simulator?.close();
  });

  /** One driver per test: a serial port (the pty) admits one user at a time. */
  async function open(options: EurothermOptions = {}): Promise<EurothermController> {
    driver = await EurothermController.open(simulator.url, options);
    return driver;
  }

  it('identifies the instrument', async () => {
    const driver = await open();
    await expect(driver.identify()).resolves.toEqual({ model: 'Eurotherm >2408', firmware: '>0311' });
  });

  it('reads the plant in kelvin', async () => {
    const driver = await open();
    const reading = await driver.read();
    const truth = simulator.simulation.snapshot();
    // One decimal place of °C on the wire, noise 0.02 K, plant in equilibrium at 293.15 K.
    expect(reading.temperatureK).toBeCloseTo(truth.trueTemperatureK, 0);
    expect(reading.setpointK).toBeCloseTo(293.15, 5);
    expect(reading.workingSetpointK).toBeCloseTo(293.15, 5);
    expect(reading.outputPercent).toBeGreaterThan(0);
    expect(reading.status).toMatchObject({ sensorBreak: false, heaterFail: false, rampComplete: true });
  });

  it('ramps the plant to a new setpoint', async () => {
    const driver = await open();
    const guarded = new LimitedTemperatureController(driver, NMR_VT.limits);
    // The ramp starts when the instrument takes the setpoint: lab time at 600x would make any real latency before it minutes long.
    const rampStart = rampStarted(simulator, 313.15);
    await guarded.setRampRate(5);
    await guarded.setSetpoint(313.15);
    const startMs = (await rampStart).labTimeMs;
    const afterWrite = simulator.simulation.snapshot();
    expect(afterWrite.targetSetpointK).toBeCloseTo(313.15, 5);
    expect(afterWrite.rampKPerMin).toBe(5);

    // 20 K at 5 K/min take 4 min: after 2 min the working setpoint is about halfway.
    const halfway = await labTimeReached(simulator.simulation, startMs + 2 * MINUTE_MS);
    expect(halfway.workingSetpointK).toBeGreaterThan(298);
    expect(halfway.workingSetpointK).toBeLessThan(309);
    expect(halfway.rampComplete).toBe(false);

    const settled = await labTimeReached(simulator.simulation, startMs + 15 * MINUTE_MS);
    expect(settled.trueTemperatureK).toBeCloseTo(313.15, 0);
    const reading = await driver.read();
    expect(reading.temperatureK).toBeCloseTo(313.15, 0);
    expect(reading.workingSetpointK).toBeCloseTo(313.15, 5);
    expect(reading.status.rampComplete).toBe(true);
  });

  it('reports a sensor break in the status', async () => {
    const driver = await open();
    simulator.setFault('sensor-break', true);
    const reading = await driver.read();
    expect(reading.status.sensorBreak).toBe(true);
    expect(reading.temperatureK).toBeNaN();
    simulator.setFault('sensor-break', false);
    await labTimeReached(simulator.simulation, simulator.simulation.snapshot().labTimeMs + 1000);
    expect((await driver.read()).status.sensorBreak).toBe(false);
  });

  it('turns unanswered requests into a TIMEOUT after the retries', async () => {
    const driver = await open(QUICK);
    simulator.setFault('drop-replies', true);
    const accesses = collect(simulator.accesses$);
    const failure = await driver.read().catch((e: unknown) => e);
    expect(isTemperatureError(failure, 'TIMEOUT')).toBe(true);
    // The first attempt and one retry reached the instrument, nothing more.
    expect(await accesses.stop()).toHaveLength(2);
  });

  it('fails a waiting transaction with DISCONNECTED when the link drops, and later ones at once', async () => {
    // A timeout beyond the test's own: only the link loss can end the wait.
    const driver = await open({ transactionTimeoutMs: 120_000, retry: { retries: 0, backoffBaseMs: 1, backoffMaxMs: 1 } });
    simulator.setFault('drop-replies', true);
    const served = firstValueFrom(simulator.accesses$);
    const pending = driver.read().catch((e: unknown) => e);
    await served;
    await simulator.close();
    expect(isTemperatureError(await pending, 'DISCONNECTED')).toBe(true);
    expect(isTemperatureError(await driver.identify().catch((e: unknown) => e), 'DISCONNECTED')).toBe(true);
  });

  it('refuses out-of-range setpoints and ramps before anything is sent', async () => {
    const driver = await open();
    const guarded = new LimitedTemperatureController(driver, NMR_VT.limits);
    const accesses = collect(simulator.accesses$);
    for (const attempt of [() => guarded.setSetpoint(500), () => guarded.setSetpoint(200), () => guarded.setRampRate(50), () => guarded.setRampRate(null), () => guarded.setSetpoint(300)]) {
      const failure = await attempt().catch((e: unknown) => e);
      expect(isLimitError(failure)).toBe(true);
    }
    await guarded.setRampRate(2);
    // Only the allowed ramp reached the instrument.
    expect(await accesses.stop()).toEqual<RegisterAccess[]>([{ kind: 'write', address: 35, values: [20] }]);
  });

  it('writes the hard limits into the setpoint limit registers at connect; the instrument itself then refuses a setpoint beyond them', async () => {
    const accesses = collect(simulator.accesses$);
    const config = { id: 'vt1', kind: 'temperature', driver: 'eurotherm', transport: simulator.url, limits: NMR_VT.limits } as const;
    const instrument = await temperatureKind.connect(config, { clock: new ScaledClock(SCALE), logger: silentLogger, url: simulator.url });
    expect(await instrument.connect()).toBe(true);
    await instrument.close();
    const writes = (await accesses.stop()).filter((a) => a.kind === 'write');
    // minK 250 K = -23.15 °C (-231 tenths, rounded as setpoints are), maxK 443.15 K = 170.0 °C: low first (the present high, 180.0 °C, lies above it), before any setpoint.
    expect(writes.slice(0, 2)).toEqual<RegisterAccess[]>([
      { kind: 'write', address: Tag.setpointLowLimit, values: [0x10000 - 231] },
      { kind: 'write', address: Tag.setpointHighLimit, values: [1700] },
    ]);
    expect(writes.findIndex((w) => w.address === Tag.targetSetpoint)).toBeGreaterThan(1);
    expect(simulator.simulation.snapshot().setpointHighK).toBeCloseTo(443.15, 6);

    // Bypassing the service: a setpoint above maxK, still below the probe limit the instrument had before (453.15 K), is refused by the instrument itself.
    const direct = await open();
    const failure = await direct.setSetpoint(448.15).catch((e: unknown) => e);
    expect(isTemperatureError(failure, 'MODBUS_EXCEPTION')).toBe(true);
    expect((failure as { context: Record<string, unknown> }).context.exceptionCode).toBe(3);
    await direct.setSetpoint(440.15);
    expect(simulator.simulation.snapshot().targetSetpointK).toBeCloseTo(440.15, 6);
  });

  it('writes the limits to the tags configured for the model (here ones this simulated 2408 lacks: the instrument refuses)', async () => {
    const driver = await open({ setpointLimitTags: { high: 211, low: 212 } });
    const accesses = collect(simulator.accesses$);
    const failure = await driver.writeHardLimits({ minK: 250, maxK: 443.15 }).catch((e: unknown) => e);
    expect(isTemperatureError(failure, 'MODBUS_EXCEPTION')).toBe(true);
    expect((failure as { context: Record<string, unknown> }).context.exceptionCode).toBe(2);
    expect(await accesses.stop()).toEqual<RegisterAccess[]>([{ kind: 'read', address: 211, count: 1 }]);
  });

  it('passes the instrument refusing a setpoint above the probe limit on as a Modbus exception', async () => {
    const driver = await open();
    const failure = await driver.setSetpoint(NMR_VT.setpointHighK + 10).catch((e: unknown) => e);
    expect(isTemperatureError(failure, 'MODBUS_EXCEPTION')).toBe(true);
    expect((failure as { context: Record<string, unknown> }).context.exceptionCode).toBe(3);
  });

  it('reads and writes the IEEE float registers when configured', async () => {
    const driver = await open({ floatRegisters: true });
    await driver.setRampRate(2.5);
    await driver.setSetpoint(300.15);
    const snapshot = simulator.simulation.snapshot();
    // float32 keeps about 7 significant digits of 27.0 °C.
    expect(snapshot.targetSetpointK).toBeCloseTo(300.15, 4);
    expect(snapshot.rampKPerMin).toBeCloseTo(2.5, 6);
    // The plant starts to move toward 300.15 K: the reading lies between the true temperatures before and after it.
    const before = simulator.simulation.snapshot().trueTemperatureK;
    const reading = await driver.read();
    const after = simulator.simulation.snapshot().trueTemperatureK;
    expect(reading.setpointK).toBeCloseTo(300.15, 4);
    expect(reading.temperatureK).toBeGreaterThan(Math.min(before, after) - 0.5);
    expect(reading.temperatureK).toBeLessThan(Math.max(before, after) + 0.5);
  });
});

describe('Eurotherm driver over Modbus RTU on a pseudo-terminal', () => {
  let simulator: EurothermSimulator;

  beforeEach(async () => {
    simulator = await EurothermSimulator.start({ clock: new ScaledClock(SCALE), preset: NMR_VT, seed: 11, link: 'pty' });
  });

  afterEach(async () => {
    await simulator?.close();
  });

  it('puts the documented frame on the wire: write SP = 25.0 is 01 06 00 02 00 FA A8 49', async () => {
    const driver = await EurothermController.open(simulator.url);
    try {
      const frames = firstValueFrom(simulator.requestFrames$!);
      await driver.setSetpoint(298.15);
      expect(Buffer.from(await frames).toString('hex')).toBe('01060002' + '00faa849');
    } finally {
      await driver.close();
    }
  });

  it('turns replies with a bad CRC into BAD_REPLY after the retries', async () => {
    const driver = await EurothermController.open(simulator.url, QUICK);
    try {
      simulator.setFault('corrupt-replies', true);
      const accesses = collect(simulator.accesses$);
      const failure = await driver.identify().catch((e: unknown) => e);
      expect(isTemperatureError(failure, 'BAD_REPLY')).toBe(true);
      expect(await accesses.stop()).toHaveLength(2);
    } finally {
      await driver.close();
    }
  });
});
