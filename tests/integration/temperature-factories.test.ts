import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isTemperatureError } from '../../drivers/temperature/errors.js';
import { openTemperatureController } from '../../drivers/temperature/open-temperature-controller.js';
import { LimitedTemperatureController } from '../../src/kinds/temperature/limits.js';
import { ScaledClock } from '../../src/core/clock.js';
import { FURNACE } from '../../simulators/temperature/presets.js';
import { startTemperatureSimulator } from '../../simulators/temperature/start-temperature-simulator.js';

describe.each([
  ['eurotherm', 'tcp', /^Eurotherm/],
  ['eurotherm', 'pty', /^Eurotherm/],
  ['lakeshore336', 'tcp', /^LSCI MODEL336/],
  ['lakeshore336', 'pty', /^LSCI MODEL336/],
] as const)('a lab file’s %s simulator on %s and its driver', (model, link, identity) => {
  it('connect, identify, and reach the safe state', async () => {
    const simulator = await startTemperatureSimulator({ model, preset: 'furnace', link, seed: 1 }, new ScaledClock(60));
    try {
      const controller = new LimitedTemperatureController(await openTemperatureController({ driver: model, url: simulator.url }), FURNACE.limits);
      try {
        expect((await controller.identify()).model).toMatch(identity);
        await controller.safeState();
        expect(simulator.simulation.snapshot()).toMatchObject({ rampKPerMin: FURNACE.limits.maxRampKPerMin });
        expect(simulator.simulation.snapshot().targetSetpointK).toBeCloseTo(FURNACE.limits.safeK, 3);
      } finally {
        await controller.close();
      }
    } finally {
      await simulator.close();
    }
  });
});

/** A loopback port that was free a moment ago: nobody listens there now. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('opening a driver', () => {
  it.each(['eurotherm', 'lakeshore336'] as const)('%s: a refused connection or a missing device is OPEN_FAILED, a bad URL BAD_CONFIG', async (driver) => {
    const port = await closedPort();
    const scheme = driver === 'eurotherm' ? { tcp: 'modbus-tcp', serial: 'modbus-rtu' } : { tcp: 'tcp', serial: 'serial' };
    const attempts = {
      refused: `${scheme.tcp}://127.0.0.1:${port}`,
      missing: `${scheme.serial}:///dev/operando-no-such-device`,
      bad: `${scheme.tcp}://127.0.0.1:${port}?speed=fast`,
    };
    const codes: Record<string, unknown> = {};
    for (const [name, url] of Object.entries(attempts)) {
      const failure = await openTemperatureController({ driver, url }).then(
        async (c) => {
          await c.close();
          return null;
        },
        (e: unknown) => e,
      );
      codes[name] = isTemperatureError(failure) ? failure.code : failure;
    }
    expect(codes).toEqual({ refused: 'OPEN_FAILED', missing: 'OPEN_FAILED', bad: 'BAD_CONFIG' });
  });
});

describe('driver options from a lab file', () => {
  it.each([
    ['eurotherm', { decimalplaces: 2 }, '/decimalplaces'],
    ['eurotherm', { decimalPlaces: 1.5 }, '/decimalPlaces'],
    ['eurotherm', { rampUnit: 'per-fortnight' }, '/rampUnit'],
    ['lakeshore336', { heaterRange: 0 }, '/heaterRange'],
    ['lakeshore336', { replyTimeoutMs: -1 }, '/replyTimeoutMs'],
  ] as const)('%s refuses %o before opening anything', async (driver, options, path) => {
    // The URL is never opened: no such host exists.
    const failure = await openTemperatureController({ driver, url: 'tcp://no-such-host.invalid:1', options }).catch((e: unknown) => e);
    expect(isTemperatureError(failure, 'BAD_CONFIG')).toBe(true);
    expect((failure as { context: { path: string } }).context.path).toBe(path);
  });

  it('passes valid options to the driver', async () => {
    const simulator = await startTemperatureSimulator({ model: 'eurotherm', preset: 'furnace', link: 'tcp', seed: 1 }, new ScaledClock(60));
    try {
      const controller = await openTemperatureController({ driver: 'eurotherm', url: simulator.url, options: { floatRegisters: true, rampUnit: 'per-minute' } });
      try {
        await controller.setSetpoint(300.123);
        // Only the float registers carry three decimals; scaled integers would round to 300.15.
        expect(simulator.simulation.snapshot().targetSetpointK).toBeCloseTo(300.123, 3);
      } finally {
        await controller.close();
      }
    } finally {
      await simulator.close();
    }
  });
});
