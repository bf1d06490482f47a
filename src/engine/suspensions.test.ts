import { BehaviorSubject } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ScaledClock } from '../core/clock.js';
import { silentLogger } from '../core/logger.js';
import { InstrumentError } from '../instruments/instrument-error.js';
import { RunSuspensions, StepInterrupted, type Suspender, type SuspenderState } from './suspensions.js';

/** A condition the test trips and clears by hand. */
function condition(name: string, options: Partial<Pick<Suspender, 'interrupts' | 'settleS' | 'maxSuspensionS' | 'instrument' | 'scope'>> = {}) {
  const state = new BehaviorSubject<SuspenderState>({ tripped: false, reason: 'ok' });
  const suspender: Suspender = { name, state$: state, interrupts: true, settleS: 5, maxSuspensionS: 3600, ...options };
  return {
    suspender,
    trip: (reason = 'out') => state.next({ tripped: true, reason }),
    clear: (reason = 'back') => state.next({ tripped: false, reason }),
    fail: (error: unknown) => state.next({ tripped: true, reason: 'cannot read', error }),
  };
}

/** A step of `ms` lab milliseconds that obeys its signal. */
const lasting = (clock: ScaledClock, ms: number) => (signal: AbortSignal) => clock.sleep(ms, signal).then(() => 'done');

describe('RunSuspensions: conditions that suspend and resume a run', () => {
  let clock: ScaledClock;
  let abort: AbortController;
  let records: string[];
  let progress: string[];
  let suspensions: RunSuspensions;
  const seconds = () => Number(clock.nowNs()) / 1e9;

  beforeEach(() => {
    vi.useFakeTimers();
    clock = new ScaledClock(1, 0);
    abort = new AbortController();
    records = [];
    progress = [];
    suspensions = new RunSuspensions({
      runId: 'r1',
      clock,
      logger: silentLogger,
      signal: abort.signal,
      report: {
        record: (state, condition) => records.push(`${state} ${condition}`),
        progress: (phase) => progress.push(phase),
      },
    });
  });
  afterEach(() => {
    suspensions.dispose();
    vi.useRealTimers();
  });

  it('runs a step undisturbed when nothing trips, recording nothing', async () => {
    suspensions.install(condition('link').suspender);
    const result = suspensions.step('s', lasting(clock, 1000));
    await vi.advanceTimersByTimeAsync(1000);
    await expect(result).resolves.toEqual({ completed: true, value: 'done', interruptions: [] });
    expect(records).toEqual([]);
  });

  it('interrupts the step at a trip, and returns only once the condition has been clear for its settle time', async () => {
    const link = condition('pstat1 link', { settleS: 5 });
    suspensions.install(link.suspender);
    let reason: unknown = null;
    const result = suspensions.step('pulse 3', (signal) => lasting(clock, 60_000)(signal).catch((e) => ((reason = signal.reason), Promise.reject(e))));
    let resolved = false;
    void result.then(() => (resolved = true));
    await vi.advanceTimersByTimeAsync(10_000);
    link.trip('ECONNRESET');
    await vi.advanceTimersByTimeAsync(0);
    expect(reason).toBeInstanceOf(StepInterrupted);
    expect(suspensions.suspended).toBe(true);
    await vi.advanceTimersByTimeAsync(20_000);
    link.clear();
    await vi.advanceTimersByTimeAsync(4_999);
    expect(resolved).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const outcome = await result;
    expect(outcome.completed).toBe(false);
    expect(outcome.interruptions).toEqual([{ condition: 'pstat1 link', reason: 'ECONNRESET', atNs: 10_000_000_000n, resumedNs: 35_000_000_000n }]);
    expect(records).toEqual(['tripped pstat1 link', 'suspended pstat1 link', 'interrupted pstat1 link', 'cleared pstat1 link', 'resumed pstat1 link']);
    expect(progress).toEqual(['suspended', 'resumed']);
    expect(suspensions.suspended).toBe(false);
  });

  it('starts the settle time over when the condition trips again while settling', async () => {
    const link = condition('link', { settleS: 5 });
    suspensions.install(link.suspender);
    link.trip();
    const waiting = suspensions.waitWhileSuspended('checkpoint');
    await vi.advanceTimersByTimeAsync(1000);
    link.clear();
    await vi.advanceTimersByTimeAsync(3000);
    link.trip();
    await vi.advanceTimersByTimeAsync(1000);
    link.clear();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await waiting).toBe(10_000_000_000n);
  });

  it('lets a step the condition does not interrupt run to its end, and says it was disturbed', async () => {
    const band = condition('furnace1 temperature band', { interrupts: false, settleS: 0 });
    suspensions.install(band.suspender);
    const result = suspensions.step('hold', lasting(clock, 60_000));
    await vi.advanceTimersByTimeAsync(10_000);
    band.trip('305 K is outside 300 ± 1 K');
    // Suspended from the trip on, while the step goes on.
    expect(progress).toEqual(['suspended']);
    await vi.advanceTimersByTimeAsync(60_000);
    band.clear();
    const outcome = await result;
    expect(outcome).toMatchObject({ completed: true, value: 'done', interruptions: [{ condition: 'furnace1 temperature band' }] });
    expect(seconds()).toBe(70);
  });

  it('fails the run when a suspension lasts longer than its condition allows', async () => {
    const link = condition('link', { maxSuspensionS: 600 });
    suspensions.install(link.suspender);
    link.trip();
    const waiting = suspensions.waitWhileSuspended('checkpoint');
    const failed = expect(waiting).rejects.toMatchObject({ code: 'SUSPENDED_TOO_LONG' });
    await vi.advanceTimersByTimeAsync(600_000);
    await failed;
    expect(records.at(-1)).toBe('failed suspension');
  });

  it("runs an instrument's restore actions as soon as its link is back, before the run resumes and while another condition holds it", async () => {
    const link = condition('furnace1 link', { instrument: 'furnace1', settleS: 1 });
    const band = condition('furnace1 temperature band', { settleS: 0 });
    suspensions.install(link.suspender);
    suspensions.install(band.suspender);
    const restored: number[] = [];
    suspensions.onReconnect('furnace1', async () => {
      restored.push(seconds());
    });
    link.trip();
    const waiting = suspensions.waitWhileSuspended('checkpoint');
    await vi.advanceTimersByTimeAsync(30_000);
    link.clear();
    band.trip('re-settling');
    await vi.advanceTimersByTimeAsync(0);
    expect(restored).toEqual([30]);
    await vi.advanceTimersByTimeAsync(60_000);
    band.clear();
    await vi.advanceTimersByTimeAsync(1000);
    expect(await waiting).toBe(91_000_000_000n);
    expect(restored).toEqual([30]);
  });

  it('interrupts a pausable step at a pause request and says it was paused', async () => {
    const result = suspensions.step('rest', lasting(clock, 60_000), { pausable: true });
    await vi.advanceTimersByTimeAsync(1000);
    suspensions.pauseRequested();
    await expect(result).resolves.toEqual({ completed: false, paused: true, interruptions: [] });
    expect(seconds()).toBe(1);
  });

  it('waits for a pause request at the next checkpoint for a step that is not pausable', async () => {
    const result = suspensions.step('pulse', lasting(clock, 60_000));
    await vi.advanceTimersByTimeAsync(1000);
    suspensions.pauseRequested();
    await vi.advanceTimersByTimeAsync(59_000);
    await expect(result).resolves.toMatchObject({ completed: true });
  });

  it('counts a link failure under a request as an interruption, and passes any other error on', async () => {
    const lost = await suspensions.step('pulse', async () => {
      throw new InstrumentError('pstat1: the link failed', 'LINK_LOST', { instrument: 'pstat1' });
    });
    expect(lost).toMatchObject({ completed: false, paused: false, interruptions: [{ condition: 'instrument link', reason: 'pstat1: the link failed' }] });
    await expect(
      suspensions.step('pulse', async () => {
        throw new RangeError('a bug');
      }),
    ).rejects.toThrow('a bug');
  });

  it('fails the step and the run with the error of a condition that can no longer be judged', async () => {
    const band = condition('band');
    suspensions.install(band.suspender);
    const result = suspensions.step('hold', lasting(clock, 60_000));
    const failed = expect(result).rejects.toThrow('Modbus exception 2');
    await vi.advanceTimersByTimeAsync(1000);
    band.fail(new Error('Modbus exception 2'));
    await failed;
    await expect(suspensions.waitWhileSuspended('checkpoint')).rejects.toThrow('Modbus exception 2');
  });

  it('holds only the steps of its scope: the spectra stop at a monitor drop while the plating beside them goes on', async () => {
    const monitor = condition('neutron monitor', { scope: 'counting', settleS: 60 });
    suspensions.install(monitor.suspender);
    const plating = suspensions.step('plating 1', lasting(clock, 3600_000));
    const spectrum = suspensions.step('spectrum 4', lasting(clock, 300_000), { scope: 'counting' });
    await vi.advanceTimersByTimeAsync(100_000);
    monitor.trip('rate 120 /s below 800 /s');
    await vi.advanceTimersByTimeAsync(0);
    expect(suspensions.suspended).toBe(false);
    await vi.advanceTimersByTimeAsync(400_000);
    monitor.clear();
    await vi.advanceTimersByTimeAsync(60_000);
    const counted = await spectrum;
    expect(counted.completed).toBe(false);
    expect(seconds()).toBe(560);
    // A spectrum started while the monitor is low waits for it.
    monitor.trip('low again');
    const next = suspensions.step('spectrum 5', lasting(clock, 300_000), { scope: 'counting' });
    await vi.advanceTimersByTimeAsync(1000_000);
    monitor.clear();
    await vi.advanceTimersByTimeAsync(360_000);
    await expect(next).resolves.toMatchObject({ completed: true });
    await vi.advanceTimersByTimeAsync(3600_000 - 1920_000);
    await expect(plating).resolves.toMatchObject({ completed: true, interruptions: [] });
    expect(progress).toEqual([]);
    expect(records).toEqual([
      'tripped neutron monitor',
      'interrupted neutron monitor',
      'suspended neutron monitor',
      'cleared neutron monitor',
      'resumed neutron monitor',
      'tripped neutron monitor',
      'suspended neutron monitor',
      'cleared neutron monitor',
      'resumed neutron monitor',
    ]);
  });

  it('interrupts every step side by side when a condition of the whole run trips, and resumes them once', async () => {
    const link = condition('pstat1 link', { settleS: 5 });
    suspensions.install(link.suspender);
    const plating = suspensions.step('plating 1', lasting(clock, 3600_000));
    const spectrum = suspensions.step('spectrum 4', lasting(clock, 300_000), { scope: 'counting' });
    await vi.advanceTimersByTimeAsync(10_000);
    link.trip();
    await vi.advanceTimersByTimeAsync(10_000);
    link.clear();
    await vi.advanceTimersByTimeAsync(5_000);
    const outcomes = await Promise.all([plating, spectrum]);
    expect(outcomes.map((o) => o.completed)).toEqual([false, false]);
    expect(progress).toEqual(['suspended', 'resumed']);
    expect(records.filter((r) => r.startsWith('resumed'))).toHaveLength(1);
  });

  it('does not start a step once the run is aborted', async () => {
    abort.abort('operator');
    let started = false;
    await expect(
      suspensions.step('pulse', async () => {
        started = true;
      }),
    ).rejects.toBe('operator');
    expect(started).toBe(false);
  });

  it("ends a wait at the run's abort", async () => {
    const link = condition('link');
    suspensions.install(link.suspender);
    link.trip();
    const waiting = suspensions.waitWhileSuspended('checkpoint');
    const aborted = expect(waiting).rejects.toBe('operator');
    abort.abort('operator');
    await aborted;
  });
});
