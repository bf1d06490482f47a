import { filter, firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { AmptekDp5 } from '../../drivers/mca/amptek-dp5/amptek-dp5.js';
import { isDp5Error } from '../../drivers/mca/amptek-dp5/errors.js';
import { REQUEST_PIDS } from '../../drivers/mca/amptek-dp5/requests.js';
import { isTransportError } from '../../src/transport/transport.js';
import { Dp5Simulator, type Dp5Link } from '../../simulators/ndp/dp5-simulator.js';
import { SteadySpectrumSource } from '../../simulators/ndp/spectrum-source.js';
import { ManualClock } from '../support/manual-clock.js';

/** Short reply timeouts and no backoff wait worth the name: the faults below time out on purpose. */
const QUICK = { replyTimeoutMs: 300, retry: { retries: 1, backoffBaseMs: 5, backoffMaxMs: 10 } };

describe.each<{ link: Dp5Link; scheme: string }>([
  { link: 'pty', scheme: 'serial:' },
  { link: 'udp', scheme: 'udp:' },
  { link: 'tcp', scheme: 'tcp:' },
])('the DP5 driver and the simulated DP5 over a real $link link', ({ link, scheme }) => {
  const closers: Array<() => Promise<void>> = [];

  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function setUp() {
    const clock = new ManualClock();
    const simulator = await Dp5Simulator.start({ clock, link, source: new SteadySpectrumSource(), seed: 3 });
    closers.push(() => simulator.close());
    const driver = await AmptekDp5.open(simulator.url, QUICK);
    closers.push(() => driver.close());
    return { clock, simulator, driver };
  }

  /** Resolves when the simulated device has answered a request with these PIDs. */
  const answered = (simulator: Dp5Simulator, [pid1, pid2]: readonly [number, number]) =>
    firstValueFrom(simulator.device.requests$.pipe(filter((p) => p.pid1 === pid1 && p.pid2 === pid2)));

  it('identifies the device and runs an acquisition to its preset on the lab clock', async () => {
    const { simulator, driver, clock } = await setUp();
    expect(simulator.url.startsWith(scheme)).toBe(true);
    await expect(driver.identify()).resolves.toEqual({ model: 'DP5', deviceId: 0, serialNumber: 5_012_345, firmware: '6.09', fpga: '5.04' });
    await driver.configure('MCAC=8192;PRET=60;');
    await expect(driver.readConfiguration(['MCAC', 'PRET'])).resolves.toEqual({ MCAC: '8192', PRET: '60.0' });
    await driver.clear();
    await driver.enable();
    clock.advanceS(61);
    // The largest reply there is: 8192 channels and the status, 24648 bytes in one packet.
    const { counts, status } = await driver.spectrum({ withStatus: true });
    expect(counts.length).toBe(8192);
    expect(status).toMatchObject({ presetRealTimeReached: true, mcaEnabled: false, realTimeS: 60 });
    expect(counts.reduce((sum, c) => sum + c, 0)).toBe(status!.slowCount);
    expect(status!.generalPurposeCount).toBeGreaterThan(0);
    await expect(driver.echo()).resolves.toEqual(new Uint8Array(Buffer.from('operando')));
  });

  it('times out while the device drops its replies, and carries on when it answers again', async () => {
    const { simulator, driver } = await setUp();
    simulator.faults.dropReplies = true;
    const silent = await driver.status().catch((e: unknown) => e);
    expect(isTransportError(silent, 'TIMEOUT')).toBe(true);
    simulator.faults.dropReplies = false;
    await expect(driver.status()).resolves.toMatchObject({ deviceId: 0 });
  });

  it('fails with BAD_CHECKSUM while every reply is corrupt, passes over injected garbage, and reports busy', async () => {
    const { simulator, driver } = await setUp();
    simulator.faults.corruptChecksums = true;
    expect(isDp5Error(await driver.status().catch((e: unknown) => e), 'BAD_CHECKSUM')).toBe(true);
    simulator.faults.corruptChecksums = false;
    // Garbage between replies: the framer resynchronises and the next reply comes whole.
    await driver.status();
    await simulator.faults.injectGarbage(new Uint8Array([0x00, 0xf5, 0x42, 0x13, 0x37]));
    await expect(driver.status()).resolves.toMatchObject({ deviceId: 0 });
    simulator.faults.busyReplies = true;
    expect(isDp5Error(await driver.enable().catch((e: unknown) => e), 'ACK_BUSY')).toBe(true);
    expect(simulator.device.state().enabled).toBe(false);
    simulator.faults.busyReplies = false;
    const enabling = answered(simulator, REQUEST_PIDS.enableMca);
    await driver.enable();
    await enabling;
    expect(simulator.device.state().enabled).toBe(true);
  });

  it('is found again at the same URL after its cable is pulled and plugged back in; the MCA counted on meanwhile', async () => {
    const { simulator, driver, clock } = await setUp();
    await driver.configure('PRET=OFF;');
    await driver.enable();
    const before = (await driver.status()).realTimeS;
    await simulator.faults.replug();
    clock.advanceS(5);
    if (link === 'udp') {
      // No connection to end: the port is back before anything was sent to it, and the host's next datagram is answered.
      await expect(driver.status()).resolves.toMatchObject({ mcaEnabled: true });
    } else {
      // A stream link ends for the host, which opens a new one.
      await expect(driver.lost).resolves.toEqual(expect.any(String));
      await expect(driver.status()).rejects.toSatisfy((e) => isTransportError(e));
    }
    const again = await AmptekDp5.open(simulator.url, QUICK);
    closers.push(() => again.close());
    const after = await again.status();
    expect(after.mcaEnabled).toBe(true);
    expect(after.realTimeS).toBe(before + 5);
  });
});

describe('the DP5 simulator over UDP', () => {
  it('loses the link when its port closes (the host sees DISCONNECTED from the port-unreachable answer)', async () => {
    const simulator = await Dp5Simulator.start({ clock: new ManualClock(), link: 'udp', source: new SteadySpectrumSource(), seed: 1 });
    const driver = await AmptekDp5.open(simulator.url, QUICK);
    try {
      await driver.status();
      await simulator.faults.drop();
      const failed = await driver.status().catch((e: unknown) => e);
      expect(isTransportError(failed, 'DISCONNECTED')).toBe(true);
      await expect(driver.lost).resolves.toContain('disconnected');
    } finally {
      await driver.close();
      await simulator.close();
    }
  });
});
