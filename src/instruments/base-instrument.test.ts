import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InstrumentConfig } from '../config/schema.js';
import { silentLogger } from '../core/logger.js';
import { BaseInstrument } from './base-instrument.js';
import { RECONNECT_DEFAULTS } from './defaults.js';
import type { DeviceLink } from './device-link.js';
import type { ConnectionChange } from './instrument.js';
import { isInstrumentError } from './instrument-error.js';

class LinkFault extends Error {}

/** A device behind one link: it records what the instrument asked of it, in order. */
class FakeDevice {
  readonly calls: string[];
  broken = false;
  constructor(calls: string[]) {
    this.calls = calls;
  }
  async identify() {
    this.calls.push('identify');
    return { model: 'fake' };
  }
  async safe() {
    this.calls.push('safe');
  }
  async read() {
    if (this.broken) throw new LinkFault('no reply within 1 s');
    this.calls.push('read');
    return 42;
  }
}

/**
 * The links a test hands out: `reachable` says whether the next attempt
 * finds the device; `drop()` loses the current link as a transport would.
 * Open times are Date.now() of each attempt (fake timers).
 */
class FakeLinks {
  reachable = true;
  readonly calls: string[] = [];
  readonly attemptsAtMs: number[] = [];
  closed = 0;
  current: { device: FakeDevice; lose: (reason: string) => void } | null = null;
  /** When set, the next open hangs until this resolves. */
  hang: Promise<void> | null = null;

  open = async (): Promise<DeviceLink<FakeDevice>> => {
    this.attemptsAtMs.push(Date.now());
    if (this.hang) await this.hang;
    if (!this.reachable) throw new Error('connect ECONNREFUSED');
    const device = new FakeDevice(this.calls);
    let lose: (reason: string) => void = () => undefined;
    const lost = new Promise<string>((resolve) => (lose = resolve));
    this.current = { device, lose };
    return {
      device,
      lost,
      close: async () => {
        this.closed++;
        lose('closed');
      },
    };
  };

  drop(reason = 'ECONNRESET'): void {
    this.current?.lose(reason);
  }
}

class FakeInstrument extends BaseInstrument<InstrumentConfig, FakeDevice> {
  protected readonly safeStateFailure = 'could not reach the safe state';
  protected readonly safeStateDone = 'safe';
  protected identify() {
    return this.device.identify();
  }
  protected override async prepareDevice() {
    this.device.calls.push('prepare');
  }
  protected enterSafeState() {
    return this.device.safe();
  }
  protected isLinkFault(error: unknown) {
    return error instanceof LinkFault;
  }
  read() {
    return this.use((d) => d.read());
  }
}

const config: InstrumentConfig = { id: 'dev1', kind: 'potentiostat', driver: 'methodscript', transport: 'tcp://127.0.0.1:1', limits: { minV: 0, maxV: 1, maxAbsCurrentA: 1 } };

describe('BaseInstrument: a supervised link', () => {
  let links: FakeLinks;
  let instrument: FakeInstrument;
  let changes: ConnectionChange[];

  beforeEach(() => {
    vi.useFakeTimers();
    // Jitter from a fixed draw: the midpoint (no jitter) unless a test says otherwise.
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    links = new FakeLinks();
    instrument = new FakeInstrument(config, silentLogger, links.open);
    changes = [];
    instrument.connection$.subscribe((c) => changes.push(c));
  });

  afterEach(async () => {
    await instrument.close();
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  const states = () => changes.map((c) => c.state);

  it('identifies, prepares and puts the device in its safe state before it is connected', async () => {
    expect(await instrument.connect()).toBe(true);
    expect(links.calls).toEqual(['identify', 'prepare', 'safe']);
    expect(states()).toEqual(['connecting', 'connected']);
    expect(await instrument.read()).toBe(42);
  });

  it('starts as error when the device is unreachable, keeps trying with backoff, and connects when it appears', async () => {
    links.reachable = false;
    expect(await instrument.connect()).toBe(false);
    expect(instrument.status()).toMatchObject({ connection: 'error', lastError: 'connect ECONNREFUSED' });
    await expect(instrument.read()).rejects.toSatisfy((e) => isInstrumentError(e, 'NOT_CONNECTED'));
    await vi.advanceTimersByTimeAsync(500 + 1000 + 2000);
    expect(links.attemptsAtMs.map((t) => t - links.attemptsAtMs[0]!)).toEqual([0, 500, 1500, 3500]);
    links.reachable = true;
    await vi.advanceTimersByTimeAsync(4000);
    expect(instrument.status().connection).toBe('connected');
    expect(links.calls).toEqual(['identify', 'prepare', 'safe']);
  });

  it('reconnects a lost link: reconnecting, then identified and safe again before anything else', async () => {
    await instrument.connect();
    links.reachable = false;
    links.drop('ECONNRESET');
    await vi.advanceTimersByTimeAsync(0);
    expect(instrument.status()).toMatchObject({ connection: 'reconnecting', lastError: 'ECONNRESET' });
    await expect(instrument.read()).rejects.toSatisfy((e) => isInstrumentError(e, 'NOT_CONNECTED'));
    links.reachable = true;
    await vi.advanceTimersByTimeAsync(500);
    expect(states()).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
    expect(links.calls).toEqual(['identify', 'prepare', 'safe', 'identify', 'prepare', 'safe']);
    expect(links.closed).toBe(1);
  });

  it('turns a link fault during a request into LINK_LOST and reconnects', async () => {
    await instrument.connect();
    links.current!.device.broken = true;
    await expect(instrument.read()).rejects.toSatisfy((e) => isInstrumentError(e, 'LINK_LOST'));
    expect(instrument.status().connection).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(500);
    expect(instrument.status().connection).toBe('connected');
    expect(await instrument.read()).toBe(42);
  });

  it('grows the wait exponentially up to its maximum, with jitter within its bound', async () => {
    const draws = [0, 1, 0.25, 0.75];
    let n = 0;
    vi.mocked(Math.random).mockImplementation(() => draws[n++ % draws.length]!);
    links.reachable = false;
    await instrument.connect();
    await vi.advanceTimersByTimeAsync(3 * 60_000);
    const waits = links.attemptsAtMs.slice(1).map((t, i) => t - links.attemptsAtMs[i]!);
    const { initialDelayMs, factor, maxDelayMs, jitter } = RECONNECT_DEFAULTS;
    waits.forEach((w, i) => {
      const nominal = Math.min(initialDelayMs * factor ** i, maxDelayMs);
      expect(w).toBeGreaterThanOrEqual(Math.floor(nominal * (1 - jitter)));
      expect(w).toBeLessThanOrEqual(Math.ceil(nominal * (1 + jitter)));
    });
    // The draws 0 and 1 reached both ends of the jitter band.
    expect(waits[0]).toBe(initialDelayMs * (1 - jitter));
    expect(waits[1]).toBe(initialDelayMs * factor * (1 + jitter));
  });

  it('gives up after its bound (disconnected) and tries again when asked', async () => {
    instrument = new FakeInstrument(config, silentLogger, links.open, { giveUpAfterMs: 10_000 });
    changes = [];
    instrument.connection$.subscribe((c) => changes.push(c));
    links.reachable = false;
    await instrument.connect();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(instrument.status().connection).toBe('disconnected');
    const attempts = links.attemptsAtMs.length;
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(links.attemptsAtMs).toHaveLength(attempts);
    links.reachable = true;
    instrument.requestReconnect();
    await vi.advanceTimersByTimeAsync(500);
    expect(instrument.status().connection).toBe('connected');
  });

  it('fails an attempt that hangs past its timeout, and closes the link that opens afterwards', async () => {
    let release: () => void = () => undefined;
    links.hang = new Promise((resolve) => (release = resolve));
    const connecting = instrument.connect();
    await vi.advanceTimersByTimeAsync(RECONNECT_DEFAULTS.attemptTimeoutMs);
    expect(await connecting).toBe(false);
    expect(instrument.status().lastError).toMatch(/no connection within/);
    links.hang = null;
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(links.closed).toBe(1);
    expect(links.calls).toEqual([]);
  });

  it('stops trying once closed', async () => {
    links.reachable = false;
    await instrument.connect();
    await instrument.close();
    const attempts = links.attemptsAtMs.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(links.attemptsAtMs).toHaveLength(attempts);
    expect(states().at(-1)).toBe('disconnected');
  });
});
