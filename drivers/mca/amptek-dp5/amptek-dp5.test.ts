import { Subject } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isTransportError, TransportError, type Transport } from '../../../src/transport/transport.js';
import { Dp5Device } from '../../../simulators/ndp/dp5-device.js';
import { SteadySpectrumSource } from '../../../simulators/ndp/spectrum-source.js';
import { DP5_DEFAULTS } from '../defaults.js';
import { AmptekDp5 } from './amptek-dp5.js';
import { isDp5Error } from './errors.js';
import { encodePacket } from './packet.js';
import { ACK, ackPacket } from './replies.js';
import { ManualClock } from '../../../tests/support/manual-clock.js';


/**
 * A transport whose far end is a function of the bytes written: replies come
 * back on the next turn of the microtask queue, as one chunk each.
 */
class LoopTransport implements Transport {
  readonly url = 'memory://dp5';
  isOpen = true;
  readonly written: Uint8Array[] = [];
  private readonly subject = new Subject<Uint8Array>();
  readonly data$ = this.subject.asObservable();

  constructor(private readonly answer: (request: Uint8Array) => Uint8Array[]) {}

  async open(): Promise<void> {}

  async write(data: Uint8Array | string): Promise<void> {
    if (!this.isOpen) throw new TransportError('closed', 'CANCELED', {});
    const bytes = typeof data === 'string' ? new Uint8Array(Buffer.from(data, 'latin1')) : data;
    this.written.push(bytes);
    const replies = this.answer(bytes);
    void Promise.resolve().then(() => {
      for (const reply of replies) this.subject.next(reply);
    });
  }

  async close(): Promise<void> {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.subject.complete();
  }

  lose(): void {
    this.isOpen = false;
    this.subject.error(new TransportError('memory://dp5: disconnected', 'DISCONNECTED', {}));
  }
}

/** A driver on a simulated device, and the knobs between them. */
function onDevice(options: { lineBaudRate?: number | null } = {}) {
  const clock = new ManualClock();
  const device = new Dp5Device({ clock, source: new SteadySpectrumSource(), seed: 11 });
  const knobs = { drop: 0, busy: 0, corrupt: 0, garbageFirst: false, before: [] as Uint8Array[] };
  const transport = new LoopTransport((request) => {
    if (knobs.drop > 0) {
      knobs.drop--;
      device.receive(request);
      return [];
    }
    const busy = knobs.busy > 0 && knobs.busy-- > 0;
    const replies = device.receive(request, { busy });
    if (knobs.corrupt > 0) {
      knobs.corrupt--;
      for (const reply of replies) reply[reply.length - 1]! ^= 0xff;
    }
    const extra = knobs.before.splice(0);
    if (knobs.garbageFirst) extra.push(new Uint8Array([0x13, 0x37, 0xf5, 0x00]));
    return [...extra, ...replies];
  });
  const driver = new AmptekDp5(transport, { random: () => 0.5 }, options.lineBaudRate === undefined ? null : options.lineBaudRate);
  return { clock, device, knobs, transport, driver };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('AmptekDp5 against the simulated device', () => {
  it('identifies the device, configures it, reads back, and runs an acquisition through the whole request set', async () => {
    const { clock, driver, device } = onDevice();
    await expect(driver.identify()).resolves.toEqual({ model: 'DP5', deviceId: 0, serialNumber: 5_012_345, firmware: '6.09', fpga: '5.04' });
    await driver.configure('MCAC=512;PRET=2.5;');
    await expect(driver.readConfiguration(['MCAC', 'PRET'])).resolves.toEqual({ MCAC: '512', PRET: '2.5' });
    await driver.clear();
    await driver.enable();
    expect(device.state().enabled).toBe(true);
    clock.advanceS(1);
    expect((await driver.status()).mcaEnabled).toBe(true);
    clock.advanceS(5);
    const { counts, status } = await driver.spectrum({ withStatus: true });
    expect(counts.length).toBe(512);
    expect(status).toMatchObject({ presetRealTimeReached: true, mcaEnabled: false, realTimeS: 2.5 });
    const bare = await driver.spectrum({ withStatus: false });
    expect(bare.status).toBeNull();
    expect(bare.counts).toEqual(counts);
    await driver.disable();
    await expect(driver.echo(new Uint8Array([1, 2, 3]))).resolves.toEqual(new Uint8Array([1, 2, 3]));
  });

  it('passes over skipped garbage and replies of another kind (a late answer to an abandoned request)', async () => {
    const { driver, knobs } = onDevice();
    knobs.garbageFirst = true;
    knobs.before.push(ackPacket(ACK.ok), encodePacket(0x8f, 0x7f, new Uint8Array([9])));
    const status = await driver.status();
    expect(status.deviceId).toBe(0);
  });

  it('reports a refusal with its code at once, without retrying it', async () => {
    const { driver, transport } = onDevice();
    const refused = await driver.configure('MCAC=5000;').catch((e: unknown) => e);
    expect(isDp5Error(refused, 'ACK_BAD_PARAMETER')).toBe(true);
    expect(transport.written).toHaveLength(1);
    // Text the device would not take is refused before anything is sent.
    const malformed = await driver.configure('MCAC 4096').catch((e: unknown) => e);
    expect(isDp5Error(malformed, 'BAD_CONFIGURATION')).toBe(true);
    expect(transport.written).toHaveLength(1);
  });

  it('retries a reply with a bad checksum and a busy device, within the retry bound', async () => {
    const { driver, knobs, transport } = onDevice();
    knobs.corrupt = 1;
    await driver.enable();
    expect(transport.written).toHaveLength(2);
    knobs.busy = DP5_DEFAULTS.retry.retries + 1;
    const busy = await driver.clear().catch((e: unknown) => e);
    expect(isDp5Error(busy, 'ACK_BUSY')).toBe(true);
    expect(transport.written).toHaveLength(2 + DP5_DEFAULTS.retry.retries + 1);
  });

  it('times out a silent device after its retries (TIMEOUT), and recovers when it answers again', async () => {
    vi.useFakeTimers();
    const { driver, knobs, transport } = onDevice();
    knobs.drop = 1;
    const first = driver.status();
    // The first attempt times out; the retry after its backoff gets the answer.
    await vi.advanceTimersByTimeAsync(DP5_DEFAULTS.replyTimeoutMs + DP5_DEFAULTS.retry.backoffBaseMs);
    await expect(first).resolves.toMatchObject({ deviceId: 0 });
    expect(transport.written).toHaveLength(2);
    knobs.drop = 10;
    const silent = driver.status().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync((DP5_DEFAULTS.retry.retries + 1) * DP5_DEFAULTS.replyTimeoutMs + DP5_DEFAULTS.retry.backoffMaxMs * DP5_DEFAULTS.retry.retries);
    expect(isTransportError(await silent, 'TIMEOUT')).toBe(true);
    expect(transport.written).toHaveLength(2 + DP5_DEFAULTS.retry.retries + 1);
  });

  it('gives a spectrum the time its bytes take on a slow serial line before timing out', async () => {
    vi.useFakeTimers();
    const { driver, knobs } = onDevice({ lineBaudRate: 9600 });
    knobs.drop = 1;
    let settled = false;
    const spectrum = driver.spectrum({ withStatus: true }).finally(() => {
      settled = true;
    });
    // Past the short reply timeout the spectrum is still awaited: 24648 bytes take 26 s at 9600 baud.
    await vi.advanceTimersByTimeAsync(3 * DP5_DEFAULTS.replyTimeoutMs);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(60_000);
    await expect(spectrum).resolves.toMatchObject({ counts: expect.any(Uint32Array) });
  });

  it('resolves lost when the link is lost, and fails requests with DISCONNECTED from then on', async () => {
    const { driver, transport } = onDevice();
    transport.lose();
    await expect(driver.lost).resolves.toContain('disconnected');
    await expect(driver.status()).rejects.toSatisfy((e) => isTransportError(e, 'DISCONNECTED'));
  });

  it('closes after the running request, and lost says closed', async () => {
    const { driver } = onDevice();
    const status = driver.status();
    await driver.close();
    await expect(status).resolves.toMatchObject({ deviceId: 0 });
    await expect(driver.lost).resolves.toContain('closed');
    await expect(driver.status()).rejects.toSatisfy((e) => isTransportError(e));
  });

  it('reports an echo that comes back different as ECHO_MISMATCH', async () => {
    const transport = new LoopTransport(() => [encodePacket(0x8f, 0x7f, new Uint8Array([0]))]);
    const driver = new AmptekDp5(transport, { retry: { retries: 0, backoffBaseMs: 1, backoffMaxMs: 1 } }, null);
    const mismatch = await driver.echo(new Uint8Array([1])).catch((e: unknown) => e);
    expect(isDp5Error(mismatch, 'ECHO_MISMATCH')).toBe(true);
  });
});
