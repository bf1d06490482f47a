import { filter, firstValueFrom } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTemperatureError } from '../../drivers/temperature/errors.js';
import { LakeShore336Controller, type LakeShore336Options } from '../../drivers/temperature/lakeshore336/lakeshore336-controller.js';
import { silentLogger } from '../../src/core/logger.js';
import { isLimitError } from '../../src/instruments/limits.js';
import { temperatureKind } from '../../src/kinds/temperature/index.js';
import { LimitedTemperatureController } from '../../src/kinds/temperature/limits.js';
import { ScaledClock } from '../../src/core/clock.js';
import { LakeShore336Simulator } from '../../simulators/temperature/lakeshore336/lakeshore336-simulator.js';
import { FURNACE, NMR_VT } from '../../simulators/temperature/presets.js';
import { collect, labTimeReached, rampStarted } from '../support/thermal.js';

/** Lab time runs 600x real time: 10 lab minutes per real second. */
const SCALE = 600;
const MINUTE_MS = 60_000;
/** Short link timings for the fault tests (real ms). */
const QUICK: LakeShore336Options = { replyTimeoutMs: 100, retry: { retries: 1, backoffBaseMs: 1, backoffMaxMs: 1 } };

describe.each(['tcp', 'pty'] as const)('Lake Shore 336 driver against the simulator over %s', (link) => {
  let simulator: LakeShore336Simulator;
  let driver: LakeShore336Controller | undefined;

  beforeEach(async () => {
    simulator = await LakeShore336Simulator.start({ clock: new ScaledClock(SCALE), preset: NMR_VT, seed: 5, link });
  });

  afterEach(async () => {
    await driver?.close();
    driver = undefined;
    await simulator?.close();
  });

  /** One driver per test: a serial port (the pty) admits one user at a time. */
  async function open(options: LakeShore336Options = {}): Promise<LakeShore336Controller> {
    driver = await LakeShore336Controller.open(simulator.url, options);
    return driver;
  }

  it('identifies the instrument', async () => {
    const driver = await open();
    await expect(driver.identify()).resolves.toEqual({ model: 'LSCI MODEL336', serial: 'LSA2F3C', firmware: '2.9' });
  });

  it('reads the plant in kelvin', async () => {
    const driver = await open();
    const reading = await driver.read();
    expect(reading.temperatureK).toBeCloseTo(simulator.simulation.snapshot().trueTemperatureK, 0);
    expect(reading.setpointK).toBeCloseTo(293.15, 3);
    expect(reading.workingSetpointK).toBeCloseTo(293.15, 3);
    expect(reading.outputPercent).toBeGreaterThan(0);
    expect(reading.status).toEqual({ sensorBreak: false, outOfRange: false, heaterFail: false, rampComplete: true });
  });

  it('ramps the plant to a new setpoint', async () => {
    const driver = await open();
    const guarded = new LimitedTemperatureController(driver, NMR_VT.limits);
    const rampStart = rampStarted(simulator, 313.15);
    await guarded.setRampRate(4);
    await guarded.setSetpoint(313.15);
    const startMs = (await rampStart).labTimeMs;
    const afterWrite = simulator.simulation.snapshot();
    expect(afterWrite.targetSetpointK).toBe(313.15);
    expect(afterWrite.rampKPerMin).toBe(4);

    // 20 K at 4 K/min take 5 min: meanwhile the driver reports the target and the ramping working setpoint.
    const twoMinutes = await labTimeReached(simulator.simulation, startMs + 2 * MINUTE_MS);
    expect(twoMinutes.workingSetpointK).toBeGreaterThan(296);
    expect(twoMinutes.workingSetpointK).toBeLessThan(310);
    const ramping = await driver.read();
    const after = simulator.simulation.snapshot();
    expect(ramping.setpointK).toBe(313.15);
    // Read some (load-dependent) lab time later: between the two snapshots, and its status agrees with its own value.
    expect(ramping.workingSetpointK).toBeGreaterThanOrEqual(twoMinutes.workingSetpointK - 1e-3);
    expect(ramping.workingSetpointK).toBeLessThanOrEqual(after.workingSetpointK + 1e-3);
    expect(ramping.status.rampComplete).toBe(ramping.workingSetpointK >= 313.15 - 1e-3);

    const settled = await labTimeReached(simulator.simulation, startMs + 15 * MINUTE_MS);
    expect(settled.trueTemperatureK).toBeCloseTo(313.15, 0);
    const reading = await driver.read();
    expect(reading.temperatureK).toBeCloseTo(313.15, 0);
    expect(reading.workingSetpointK).toBeCloseTo(313.15, 3);
    expect(reading.status.rampComplete).toBe(true);
  });

  it('reports a sensor break and a heater failure in the status', async () => {
    const driver = await open();
    simulator.setFault('sensor-break', true);
    simulator.setFault('heater-fail', true);
    const reading = await driver.read();
    expect(reading.status).toMatchObject({ sensorBreak: true, heaterFail: true });
    expect(reading.temperatureK).toBeNaN();
  });

  it('turns unanswered lines into a TIMEOUT after the retries', async () => {
    const driver = await open(QUICK);
    simulator.setFault('drop-replies', true);
    const lines = collect(simulator.lines$);
    const failure = await driver.read().catch((e: unknown) => e);
    expect(isTemperatureError(failure, 'TIMEOUT')).toBe(true);
    expect(await lines.stop()).toHaveLength(2);
  });

  it('fails a waiting line with DISCONNECTED when the link drops', async () => {
    // A timeout beyond the test's own: only the link loss can end the wait.
    const driver = await open({ replyTimeoutMs: 120_000, retry: { retries: 0, backoffBaseMs: 1, backoffMaxMs: 1 } });
    simulator.setFault('drop-replies', true);
    const served = firstValueFrom(simulator.lines$);
    const pending = driver.read().catch((e: unknown) => e);
    await served;
    await simulator.close();
    expect(isTemperatureError(await pending, 'DISCONNECTED')).toBe(true);
  });

  it('turns garbled replies into BAD_REPLY after the retries', async () => {
    const driver = await open(QUICK);
    simulator.setFault('corrupt-replies', true);
    const failure = await driver.identify().catch((e: unknown) => e);
    expect(isTemperatureError(failure, 'BAD_REPLY')).toBe(true);
  });

  it('writes TLIMIT at connect; driven past it directly, the instrument switches its output off itself and keeps it off', async () => {
    const lines = collect(simulator.lines$);
    const config = { id: 'vt1', kind: 'temperature', driver: 'lakeshore336', transport: simulator.url, limits: NMR_VT.limits } as const;
    const instrument = await temperatureKind.connect(config, { clock: new ScaledClock(SCALE), logger: silentLogger, url: simulator.url });
    expect(await instrument.connect()).toBe(true);
    await instrument.close();
    const sent = await lines.stop();
    const tlimit = sent.indexOf('TLIMIT A,443.150;*ESR?');
    expect(tlimit).toBeGreaterThan(-1);
    expect(tlimit).toBeLessThan(sent.findIndex((line) => line.includes('SETP 1,')));
    expect(simulator.simulation.snapshot().outputCutoffK).toBe(443.15);

    // Bypassing the service: no ramp and a setpoint above maxK, which the 336 takes (its own setpoint range is the probe's, 453.15 K).
    const direct = await open();
    const tripped = firstValueFrom(simulator.simulation.state$.pipe(filter((s) => s.outputCutoffTripped)));
    await direct.setRampRate(null);
    await direct.setSetpoint(450);
    // It trips only on a reading above the limit; from that control step on the heater is off.
    const atTrip = await tripped;
    expect(atTrip).toMatchObject({ outputCutoffK: 443.15, heaterPowerW: 0 });
    const later = await labTimeReached(simulator.simulation, atTrip.labTimeMs + 10 * MINUTE_MS);
    expect(later).toMatchObject({ outputCutoffTripped: true, heaterPowerW: 0, targetSetpointK: 450 });
    expect(later.trueTemperatureK).toBeLessThan(443.15);
    expect((await direct.read()).outputPercent).toBe(0);
  });

  it('leaves TLIMIT alone when told to (unverified on hardware)', async () => {
    const lines = collect(simulator.lines$);
    const config = { id: 'vt1', kind: 'temperature', driver: 'lakeshore336', transport: simulator.url, limits: NMR_VT.limits, options: { tlimit: false } } as const;
    const instrument = await temperatureKind.connect(config, { clock: new ScaledClock(SCALE), logger: silentLogger, url: simulator.url });
    expect(await instrument.connect()).toBe(true);
    await instrument.close();
    expect((await lines.stop()).some((line) => line.includes('TLIMIT'))).toBe(false);
    expect(simulator.simulation.snapshot().outputCutoffK).toBeNull();
  });

  it('passes the instrument refusing a setpoint above the probe limit on as an EXECUTION_ERROR', async () => {
    const driver = await open();
    const lines = collect(simulator.lines$);
    const failure = await driver.setSetpoint(NMR_VT.setpointHighK + 10).catch((e: unknown) => e);
    expect(isTemperatureError(failure, 'EXECUTION_ERROR')).toBe(true);
    // Not retried: the instrument's verdict does not change.
    expect(await lines.stop()).toHaveLength(1);
    expect(simulator.simulation.snapshot().targetSetpointK).toBe(NMR_VT.initialK);
  });

  it('refuses out-of-range setpoints and ramps before anything is sent', async () => {
    const driver = await open();
    const guarded = new LimitedTemperatureController(driver, NMR_VT.limits);
    const lines = collect(simulator.lines$);
    for (const attempt of [() => guarded.setSetpoint(450), () => guarded.setSetpoint(240), () => guarded.setRampRate(6), () => guarded.setRampRate(null)]) {
      const failure = await attempt().catch((e: unknown) => e);
      expect(isLimitError(failure)).toBe(true);
    }
    await guarded.setRampRate(1);
    expect(await lines.stop()).toEqual(['RAMP 1,1,1.0;*ESR?']);
  });
});

describe('Lake Shore 336 driver', () => {
  it('sends the safe state: safe ramp, heater range and safe setpoint', async () => {
    const simulator = await LakeShore336Simulator.start({ clock: new ScaledClock(SCALE), preset: FURNACE, seed: 3, link: 'tcp' });
    const driver = await LakeShore336Controller.open(simulator.url, { heaterRange: 2 });
    try {
      const guarded = new LimitedTemperatureController(driver, { ...FURNACE.limits, safeRampKPerMin: 2 });
      const lines = collect(simulator.lines$);
      await guarded.safeState();
      expect(await lines.stop()).toEqual(['RAMP 1,1,2.0;*ESR?', 'RANGE 1,2;SETP 1,298.150;*ESR?']);
      const snapshot = simulator.simulation.snapshot();
      expect(snapshot.targetSetpointK).toBe(FURNACE.limits.safeK);
      expect(snapshot.rampKPerMin).toBe(2);
    } finally {
      await driver.close();
      await simulator.close();
    }
  });
});
