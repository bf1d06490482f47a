import { Subject } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ScaledClock } from '../../../src/core/clock.js';
import type { Logger } from '../../../src/core/logger.js';
import { isLimitError } from '../../../src/instruments/limits.js';
import type { HardLimitedStep, PotentiostatHardLimits } from '../../../src/kinds/potentiostat/device.js';
import { isTransportError, TransportError, type Transport } from '../../../src/transport/transport.js';
import { encodePackage } from './data-package.js';
import { isMethodScriptError } from './errors.js';
import { MethodScriptPotentiostat } from './potentiostat.js';
import type { MethodScriptSample } from './sample.js';

/** A link to a scripted device: the test decides what each write gets as an answer. */
class ScriptedLink implements Transport {
  readonly url = 'fake://pstat';
  isOpen = true;
  readonly written: string[] = [];
  private readonly subject = new Subject<Uint8Array>();
  readonly data$ = this.subject.asObservable();
  /** Answers a script (the text after `e\n`); idle `Z`, `t` and `i` are answered by default. */
  onScript: (script: string) => void = () => {};
  running = false;
  /** First line of the reply to `t`: `t` + device id + firmware version. */
  firmware = 'tes4_hr1.4';

  async open(): Promise<void> {}
  async close(): Promise<void> {
    this.isOpen = false;
    this.subject.complete();
  }
  async write(data: Uint8Array | string): Promise<void> {
    if (!this.isOpen) throw new TransportError('closed', 'CANCELED');
    const text = typeof data === 'string' ? data : Buffer.from(data).toString('latin1');
    this.written.push(text);
    // Answer after the write resolved, as a device on a wire does.
    queueMicrotask(() => this.answer(text));
  }
  reply(...lines: string[]): void {
    this.subject.next(new Uint8Array(Buffer.from(lines.map((l) => `${l}\n`).join(''), 'latin1')));
  }
  lose(): void {
    this.isOpen = false;
    this.subject.error(new TransportError('gone', 'DISCONNECTED'));
  }
  scripts(): string[] {
    return this.written.filter((w) => w.startsWith('e\n'));
  }
  private answer(text: string): void {
    if (text === '\nZ\n') return this.running ? undefined : this.reply('Z!0006');
    if (text === 't\n') return this.reply(this.firmware, '#build*');
    if (text === 'i\n') return this.reply('iES4-0042');
    if (text.startsWith('e\n')) this.onScript(text.slice(2));
  }
}

const quiet = (): Logger & { errors: unknown[] } => {
  const errors: unknown[] = [];
  return { errors, info() {}, warn() {}, debug() {}, error: (o) => errors.push(o) };
};

function setup(timeouts: Record<string, number> = {}) {
  const link = new ScriptedLink();
  const logger = quiet();
  const device = new MethodScriptPotentiostat(link, { clock: new ScaledClock(1000), logger, timeouts: { pauseAfterErrorReplyMs: 0, ...timeouts } });
  return { link, logger, device };
}

const cpPackage = (elapsedS: number, potentialV: number, currentA = -1e-4) =>
  encodePackage({ variables: [{ type: 'eb', value: elapsedS }, { type: 'ab', value: potentialV }, { type: 'ba', value: currentA, status: 0, rangeIndex: 21 }] });

/** Hard limits wide enough for the scripted packages, unless a test says otherwise. */
const HARD: PotentiostatHardLimits = { minV: 2, maxV: 4.5, maxAbsCurrentA: 1e-3 };
const CC: HardLimitedStep = { kind: 'constant-current', currentA: -1e-4, durationS: 3, intervalS: 1, limits: { minV: 3.0 }, hardLimits: HARD };
const OCP = (durationS: number): HardLimitedStep => ({ kind: 'ocp', durationS, intervalS: 1, hardLimits: HARD });

describe('MethodScriptPotentiostat', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('identifies the device after making sure nothing runs', async () => {
    const { link, device } = setup();
    await expect(device.identify()).resolves.toEqual({ device: 'es4_hr', firmware: 'es4_hr1.4 #build', serial: 'ES4-0042' });
    expect(link.written).toEqual(['\nZ\n', 't\n', 'i\n']);
  });

  it('refuses galvanostatic EIS unsent once it knows the device is an EmStat Pico', async () => {
    const { link, device } = setup();
    link.firmware = 'tespico1.2';
    await device.identify();
    const geis: HardLimitedStep = { kind: 'eis', mode: 'galvanostatic', startHz: 1e3, endHz: 1, points: 5, amplitudeA: 1e-6, dcA: 0, hardLimits: HARD };
    const refused = await device.runStep(geis, () => {}).catch((e: unknown) => e);
    expect(isMethodScriptError(refused, 'BAD_STEP')).toBe(true);
    expect(link.scripts()).toEqual([]);
  });

  it('drains a script left running by an earlier session before the first command', async () => {
    const { link, device } = setup();
    link.running = true;
    const identified = device.identify();
    await vi.waitFor(() => expect(link.written).toEqual(['\nZ\n']));
    link.running = false;
    link.reply('Z', cpPackage(99, 3.1), '*', '');
    await expect(identified).resolves.toMatchObject({ device: 'es4_hr' });
  });

  it('runs a step: delivers each package as a sample and resolves completed', async () => {
    const { link, device } = setup();
    link.onScript = (script) => {
      expect(script).toContain('meas_loop_cp p c -100u 1 3');
      link.reply('e', 'M0000', cpPackage(1, 3.5), cpPackage(2, 3.45), cpPackage(3, 3.41), '*', '');
    };
    const samples: MethodScriptSample[] = [];
    await expect(device.runStep(CC, (s) => samples.push(s))).resolves.toEqual({ ending: 'completed' });
    expect(samples.map((s) => [s.elapsedS, s.potentialV, s.currentA, s.rangeIndex])).toEqual([
      [1, 3.5, -1e-4, 21],
      [2, 3.45, -1e-4, 21],
      [3, 3.41, -1e-4, 21],
    ]);
  });

  it('says cut-off when the last sample reached a limit or the loop ended early', async () => {
    const { link, device } = setup();
    link.onScript = () => link.reply('e', 'M0000', cpPackage(1, 3.2), cpPackage(2, 2.99), '*', '');
    await expect(device.runStep(CC, () => {})).resolves.toEqual({ ending: 'cut-off' });
    // The device's comparison can see a value the package rounds onto the limit: ending early counts too.
    link.onScript = () => link.reply('e', 'M0000', cpPackage(1, 3.0000001), '*', '');
    await expect(device.runStep(CC, () => {})).resolves.toEqual({ ending: 'cut-off' });
  });

  it('sends the hard limits inside the script, and says cut-off when the device ended the loop at one of them', async () => {
    const { link, device } = setup();
    let sent = '';
    link.onScript = (script) => {
      sent = script;
      link.reply('e', 'M0000', cpPackage(1, 4.4), cpPackage(2, 4.6), '*', '');
    };
    const samples: MethodScriptSample[] = [];
    const charge: HardLimitedStep = { ...CC, currentA: 1e-4, limits: {} };
    await expect(device.runStep(charge, (s) => samples.push(s))).resolves.toEqual({ ending: 'cut-off' });
    expect(sent).toContain('  if p > 4500m\n    breakloop\n  endif\n  if p < 2\n    breakloop\n  endif\nendloop');
    // The package beyond the limit is delivered: the instrument turns it into LIMIT_EXCEEDED.
    expect(samples.map((s) => s.potentialV)).toEqual([4.4, 4.6]);
  });

  it('refuses a step beyond its hard limits unsent, as the instrument does', async () => {
    const { link, device } = setup();
    const refused = await device.runStep({ ...CC, currentA: -2e-3 }, () => {}).catch((e: unknown) => e);
    expect(isLimitError(refused, 'LIMIT_EXCEEDED')).toBe(true);
    expect(link.scripts()).toEqual([]);
  });

  it('surfaces a script load error with its position, and resynchronises before the next transaction', async () => {
    const { link, device } = setup();
    link.onScript = () => link.reply('e!4004: Line 3, Col 7');
    const failure = await device.runStep(CC, () => {}).catch((e: unknown) => e);
    expect(isMethodScriptError(failure, 'DEVICE_ERROR')).toBe(true);
    expect((failure as { context: object }).context).toMatchObject({ deviceCode: 0x4004, line: 3, column: 7 });
    // The failed step sends an abort at once (the device may be running it).
    expect(link.written.slice(1)).toEqual([expect.stringMatching(/^e\n/), '\nZ\n']);
    await device.identify();
    // The next transaction makes sure nothing runs before its command.
    expect(link.written.slice(-3)).toEqual(['\nZ\n', 't\n', 'i\n']);
  });

  it('fails a step on garbage with BAD_PACKAGE and stops the device at once', async () => {
    const { link, device } = setup();
    link.onScript = () => {
      link.running = true;
      link.reply('e', 'M0000', cpPackage(1, 3.5), 'Pgarbage');
    };
    const samples: unknown[] = [];
    const failure = await device.runStep(CC, (s) => samples.push(s)).catch((e: unknown) => e);
    expect(isMethodScriptError(failure, 'BAD_PACKAGE')).toBe(true);
    expect(samples).toHaveLength(1);
    expect(link.written.at(-1)).toBe('\nZ\n');
  });

  it('fails a step whose device goes silent with TIMEOUT', async () => {
    vi.useFakeTimers();
    const { link, device } = setup({ replyTimeoutMs: 500 });
    link.onScript = () => {
      link.running = true;
      link.reply('e', 'M0000', cpPackage(1, 3.5));
    };
    const outcome = expect(device.runStep(CC, () => {})).rejects.toSatisfy((e) => isMethodScriptError(e, 'TIMEOUT'));
    await vi.advanceTimersByTimeAsync(499);
    expect(link.written.at(-1)).not.toBe('\nZ\n');
    await vi.advanceTimersByTimeAsync(1);
    await outcome;
    expect(link.written.at(-1)).toBe('\nZ\n');
  });

  it('aborts a running step through its signal: Z, then the end of the output', async () => {
    const { link, device } = setup();
    const controller = new AbortController();
    link.onScript = () => {
      link.running = true;
      link.reply('e', 'M0000', cpPackage(1, 3.5));
    };
    const running = device.runStep(CC, () => controller.abort(), controller.signal);
    // The script, then the abort (the first Z of all is the resync before the script).
    await vi.waitFor(() => expect(link.written.slice(-2)).toEqual([expect.stringMatching(/^e\n/), '\nZ\n']));
    link.running = false;
    link.reply('Z', '*', '');
    await expect(running).resolves.toEqual({ ending: 'aborted' });
  });

  it('does not send a step whose signal fires while it waits for the line', async () => {
    const { link, device } = setup();
    link.onScript = () => link.reply('e', 'M0000');
    const first = device.runStep(CC, () => {});
    const controller = new AbortController();
    const second = device.runStep(OCP(10), () => {}, controller.signal);
    controller.abort();
    await expect(second).resolves.toEqual({ ending: 'aborted' });
    await vi.waitFor(() => expect(link.scripts()).toHaveLength(1));
    link.reply('*', '');
    await first;
    expect(link.scripts()).toHaveLength(1);
  });

  it('puts the cell off: aborts the running step, then runs cell_off before queued steps', async () => {
    const { link, device } = setup();
    link.onScript = (script) => {
      if (script.startsWith('cell_off')) return link.reply('e', '');
      if (script.includes('meas_loop_ocp')) return link.reply('e', 'M0000', '*', '');
      link.running = true;
      link.reply('e', 'M0000');
    };
    const running = device.runStep(CC, () => {});
    await vi.waitFor(() => expect(link.scripts()).toHaveLength(1));
    const queued = device.runStep(OCP(2), () => {});
    const off = device.cellOff();
    await vi.waitFor(() => expect(link.written.at(-1)).toBe('\nZ\n'));
    link.running = false;
    link.reply('Z', '*', '');
    await expect(running).resolves.toEqual({ ending: 'aborted' });
    await off;
    await queued;
    // The step, then cell_off, then the step that was queued before cellOff() was called.
    expect(link.scripts()[1]).toBe('e\ncell_off\n\n');
    expect(link.scripts()[2]).toContain('meas_loop_ocp');
    expect(link.scripts()).toHaveLength(3);
  });

  it('ignores the late Z!0006 of an abort that crossed the end of the script', async () => {
    const { link, device } = setup();
    const controller = new AbortController();
    link.onScript = () => link.reply('e', 'M0000', cpPackage(1, 3.5), cpPackage(2, 3.4), cpPackage(3, 3.3), '*', '');
    // The abort reaches the device after the script ended: it answers Z!0006 (default answer when idle).
    await expect(device.runStep(CC, () => controller.abort(), controller.signal)).resolves.toEqual({ ending: 'completed' });
    await expect(device.identify()).resolves.toMatchObject({ serial: 'ES4-0042' });
  });

  it('keeps going when a sample consumer throws', async () => {
    const { link, device, logger } = setup();
    link.onScript = () => link.reply('e', 'M0000', cpPackage(1, 3.5), cpPackage(2, 3.4), cpPackage(3, 3.3), '*', '');
    let seen = 0;
    const outcome = await device.runStep(CC, () => {
      seen++;
      throw new Error('plot failed');
    });
    expect(outcome).toEqual({ ending: 'completed' });
    expect(seen).toBe(3);
    expect(logger.errors).toHaveLength(3);
  });

  it('fails a running step with DISCONNECTED when the link is lost, and every later call too', async () => {
    const { link, device } = setup();
    link.onScript = () => {
      link.reply('e', 'M0000', cpPackage(1, 3.5));
      link.lose();
    };
    await expect(device.runStep(CC, () => {})).rejects.toSatisfy((e) => isTransportError(e, 'DISCONNECTED'));
    await expect(device.identify()).rejects.toSatisfy((e) => isTransportError(e, 'DISCONNECTED'));
  });

  it('fails a running step with CANCELED when closed', async () => {
    const { link, device } = setup();
    link.onScript = () => link.reply('e', 'M0000');
    const running = device.runStep(CC, () => {});
    await vi.waitFor(() => expect(link.scripts()).toHaveLength(1));
    await device.close();
    await expect(running).rejects.toSatisfy((e) => isTransportError(e, 'CANCELED'));
  });

  it('refuses an impossible step before sending anything', async () => {
    const { link, device } = setup();
    await expect(device.runStep(OCP(-1), () => {})).rejects.toSatisfy((e) => isMethodScriptError(e, 'BAD_STEP'));
    await device.abort();
    expect(link.written).toEqual([]);
  });
});
