import { describe, expect, it } from 'vitest';
import type { Clock } from '../../core/clock.js';
import { silentLogger } from '../../core/logger.js';
import { isInstrumentError } from '../../instruments/instrument-error.js';
import { TransportError } from '../../transport/transport.js';
import { MCA_ACQUISITION_DEFAULTS } from '../../../drivers/mca/defaults.js';
import type { McaInstrumentConfig } from './config.js';
import type { McaChannelCount, McaDevice, McaDriverTraits, McaStatus } from './device.js';
import { isMcaError } from './errors.js';
import { McaInstrument } from './instrument.js';
import { InstantClock } from '../../../simulators/potentiostat/instant-clock.test-support.js';


const TRAITS: McaDriverTraits = {
  nativeQuantities: { counts: 'c', liveTime: 'l', realTime: 'r', monitorCounts: 'm', inputCounts: 'i' },
  presetRealTimeRangeS: { min: 0.1, max: 1e6 },
  isLinkFault: (e) => e instanceof Error && e.message === 'garbled',
};

const CONFIG: McaInstrumentConfig = { id: 'mca1', kind: 'mca', driver: 'amptek-dp5', transport: 'udp://127.0.0.1:10001', options: { channels: 1024 } };

/**
 * An MCA that counts real time on the lab clock while enabled, up to its
 * preset, and records every call. `stuck` stops its real time (a device that
 * hangs); `onStatus` runs at each status read.
 */
function fakeMca(clock: Clock, options: { stuck?: boolean; channelsSent?: number; onStatus?: (status: McaStatus) => void; fail?: () => Error | null } = {}) {
  const calls: string[] = [];
  let enabled = false;
  let presetS = 0;
  let realS = 0;
  let sinceMs = clock.nowMs();
  let channels: McaChannelCount = 256;
  const catchUp = () => {
    if (enabled && !options.stuck) {
      realS = Math.min(presetS, realS + (clock.nowMs() - sinceMs) / 1000);
      if (realS >= presetS) enabled = false;
    }
    sinceMs = clock.nowMs();
  };
  const status = (): McaStatus => {
    catchUp();
    return { monitorCounts: Math.round(realS * 10), inputCounts: Math.round(realS * 100), liveTimeS: realS * 0.99, realTimeS: realS, accumulationTimeS: realS, enabled, presetReached: realS >= presetS };
  };
  const act = async (name: string, then: () => void = () => {}) => {
    calls.push(name);
    const failure = options.fail?.();
    if (failure) throw failure;
    catchUp();
    then();
  };
  const device: McaDevice = {
    identify: async () => ({ model: 'fake' }),
    setChannels: (n) => act(`channels ${n}`, () => (channels = n)),
    setPresetRealTime: (s) => act(`preset ${s}`, () => (presetS = s)),
    clear: () => act('clear', () => (realS = 0)),
    enable: () => act('enable', () => (enabled = true)),
    disable: () => act('disable', () => (enabled = false)),
    status: async () => {
      await act('status');
      const s = status();
      options.onStatus?.(s);
      return s;
    },
    readSpectrum: async () => {
      await act('spectrum');
      return { counts: new Uint32Array(options.channelsSent ?? channels).fill(1), status: status() };
    },
    close: async () => {},
  };
  return { device, calls, isEnabled: () => enabled };
}

async function connected(clock: Clock, device: McaDevice): Promise<McaInstrument> {
  const instrument = new McaInstrument(CONFIG, async () => ({ device, lost: new Promise<string>(() => {}), close: async () => {} }), silentLogger, clock, TRAITS);
  expect(await instrument.connect()).toBe(true);
  return instrument;
}

describe('McaInstrument', () => {
  it('writes the lab file’s channel count and disables the MCA on connect', async () => {
    const clock = new InstantClock(undefined, 1);
    const { device, calls } = fakeMca(clock);
    const instrument = await connected(clock, device);
    expect(calls).toEqual(['channels 1024', 'disable']);
    expect(instrument.status().identity).toEqual({ model: 'fake' });
    expect(instrument.channels).toBe(1024);
  });

  it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY, 0.05, 2e6])('refuses a preset real time of %s s before anything is sent (BAD_ACQUISITION)', async (realTimeS) => {
    const clock = new InstantClock(undefined, 1);
    const { device, calls } = fakeMca(clock);
    const instrument = await connected(clock, device);
    calls.length = 0;
    const refused = await instrument.acquire({ realTimeS }, new AbortController().signal).catch((e: unknown) => e);
    expect(isMcaError(refused, 'BAD_ACQUISITION')).toBe(true);
    expect(calls).toEqual([]);
  });

  it('clears, sets the preset, enables, waits out the preset on the lab clock, reads spectrum and status, and disables', async () => {
    const clock = new InstantClock(undefined, 1);
    const { device, calls, isEnabled } = fakeMca(clock);
    const instrument = await connected(clock, device);
    calls.length = 0;
    const beforeNs = clock.nowNs();
    const { spectrum, endNs, status } = await instrument.acquire({ realTimeS: 60 }, new AbortController().signal);
    // Polled every second at most (the real-time bound at scale 1), until the device stopped by itself.
    expect(calls.slice(0, 3)).toEqual(['clear', 'preset 60', 'enable']);
    expect(calls.slice(-2)).toEqual(['disable', 'spectrum']);
    expect(calls.filter((c) => c === 'status')).toHaveLength(60_000 / MCA_ACQUISITION_DEFAULTS.maxPollRealMs);
    expect(status).toMatchObject({ presetReached: true, enabled: false, realTimeS: 60 });
    expect(spectrum.counts.length).toBe(1024);
    expect(spectrum).toMatchObject({ realTimeS: 60, liveTimeS: 60 * 0.99, startNs: beforeNs, energyCalibrationKeV: null });
    expect(endNs - spectrum.startNs!).toBe(60_000_000_000n);
    expect(isEnabled()).toBe(false);
  });

  it('cut short by its signal: disables at once and returns what was counted, preset not reached', async () => {
    const clock = new InstantClock(undefined, 1);
    const abort = new AbortController();
    let polls = 0;
    const { device, calls, isEnabled } = fakeMca(clock, { onStatus: () => ++polls === 10 && abort.abort(new Error('operator abort')) });
    const instrument = await connected(clock, device);
    calls.length = 0;
    const { status, endNs, spectrum } = await instrument.acquire({ realTimeS: 60 }, abort.signal);
    expect(status.presetReached).toBe(false);
    expect(status.realTimeS).toBe(10);
    expect(endNs - spectrum.startNs!).toBe(10_000_000_000n);
    // Disabled before the spectrum is read, so counts and clocks stop together.
    expect(calls.slice(-2)).toEqual(['disable', 'spectrum']);
    expect(isEnabled()).toBe(false);
  });

  it('rejects with the signal’s reason when aborted before anything was counted', async () => {
    const clock = new InstantClock(undefined, 1);
    const { device, calls } = fakeMca(clock);
    const instrument = await connected(clock, device);
    calls.length = 0;
    const abort = new AbortController();
    abort.abort(new Error('not now'));
    await expect(instrument.acquire({ realTimeS: 10 }, abort.signal)).rejects.toThrow('not now');
    expect(calls).toEqual([]);
  });

  it('returns a cut-short acquisition when the device stops without its preset (someone disabled it)', async () => {
    const clock = new InstantClock(undefined, 1);
    let disableBehindTheBack: () => void = () => {};
    const { device } = fakeMca(clock, { onStatus: (s) => s.realTimeS >= 5 && disableBehindTheBack() });
    disableBehindTheBack = () => void device.disable();
    const instrument = await connected(clock, device);
    const { status } = await instrument.acquire({ realTimeS: 60 }, new AbortController().signal);
    expect(status).toMatchObject({ presetReached: false, enabled: false });
    expect(status.realTimeS).toBeLessThan(60);
  });

  it('gives up on a device whose real time stops (ACQUISITION_STALLED) and disables it', async () => {
    const clock = new InstantClock(undefined, 1);
    const { device, calls, isEnabled } = fakeMca(clock, { stuck: true });
    const instrument = await connected(clock, device);
    const startMs = clock.nowMs();
    const stalled = await instrument.acquire({ realTimeS: 60 }, new AbortController().signal).catch((e: unknown) => e);
    expect(isMcaError(stalled, 'ACQUISITION_STALLED')).toBe(true);
    expect(clock.nowMs() - startMs).toBeGreaterThanOrEqual(60_000 * MCA_ACQUISITION_DEFAULTS.stallFactor + MCA_ACQUISITION_DEFAULTS.stallSlackRealMs);
    expect(calls.at(-1)).toBe('disable');
    expect(isEnabled()).toBe(false);
  });

  it('refuses a spectrum of another channel count than the lab file’s (CHANNEL_MISMATCH)', async () => {
    const clock = new InstantClock(undefined, 1);
    const { device } = fakeMca(clock, { channelsSent: 2048 });
    const instrument = await connected(clock, device);
    const mismatch = await instrument.acquire({ realTimeS: 1 }, new AbortController().signal).catch((e: unknown) => e);
    expect(isMcaError(mismatch, 'CHANNEL_MISMATCH')).toBe(true);
  });

  it('turns a link fault during an acquisition into LINK_LOST and reconnects', async () => {
    const clock = new InstantClock(undefined, 1);
    let garble = false;
    const { device } = fakeMca(clock, { fail: () => (garble ? new Error('garbled') : null), onStatus: () => (garble = true) });
    const instrument = new McaInstrument(CONFIG, async () => ({ device, lost: new Promise<string>(() => {}), close: async () => {} }), silentLogger, clock, TRAITS, {
      initialDelayMs: 60_000,
    });
    expect(await instrument.connect()).toBe(true);
    const lost = await instrument.acquire({ realTimeS: 60 }, new AbortController().signal).catch((e: unknown) => e);
    expect(isInstrumentError(lost, 'LINK_LOST')).toBe(true);
    expect(instrument.status().connection).toBe('reconnecting');
    await instrument.close();
    // Transport errors are link faults whatever the driver says, a bad URL excepted.
    const probe = instrument as unknown as { isLinkFault(e: unknown): boolean };
    expect(probe.isLinkFault(new TransportError('x', 'TIMEOUT'))).toBe(true);
    expect(probe.isLinkFault(new TransportError('x', 'BAD_URL'))).toBe(false);
  });
});
