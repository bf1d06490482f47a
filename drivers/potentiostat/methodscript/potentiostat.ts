import { Subject, type Subscription } from 'rxjs';
import type { Clock } from '../../../src/core/clock.js';
import { errorMessage } from '../../../src/core/errors.js';
import type { Logger } from '../../../src/core/logger.js';
import type { HardLimitedStep, PotentiostatDevice, PotentiostatNativeQuantities, PotentiostatStep, StepOutcome } from '../../../src/kinds/potentiostat/device.js';
import { sampleBeyondHardLimits } from '../../../src/kinds/potentiostat/hard-limits.js';
import { RequestChannel, type Collector } from '../../../src/transport/request-channel.js';
import { isTransportError, TransportError, type Transport } from '../../../src/transport/transport.js';
import type { DataPackage } from './data-package.js';
import { METHODSCRIPT_DEFAULTS, SCRIPT_DEFAULTS } from './defaults.js';
import { MethodScriptError } from './errors.js';
import { firmwareCollector, parseSerialReply, type MethodScriptIdentity } from './identity.js';
import { MethodScriptLineParser } from './line-parser.js';
import { classifyReply, type Reply } from './replies.js';
import { sampleFromPackage, type MethodScriptSample } from './sample.js';
import { cellOffScript, stepScript, type ScriptSettings } from './scripts.js';

export type MethodScriptTimeouts = {
  -readonly [K in 'replyTimeoutMs' | 'pauseAfterErrorReplyMs' | 'sampleGapFactor' | 'sampleGapSlackS' | 'eisPeriodsPerPointMax']: number;
};

export interface MethodScriptPotentiostatOptions {
  /** Lab time: the allowed silence during a step scales with it. */
  clock: Clock;
  logger: Logger;
  timeouts?: Partial<MethodScriptTimeouts>;
  script?: Partial<ScriptSettings>;
}

/** A reply line, or a framing error; `abortReply` marks the answer to our `Z`. */
type DriverEvent = { readonly line: string; readonly abortReply: boolean } | { readonly error: MethodScriptError };

interface ActiveScript {
  /** Sends `Z` unless one is outstanding; the run ends when the device's output does. */
  requestAbort(): void;
  /** Resolves when the run has ended, whichever way. */
  readonly finished: Promise<void>;
}

/**
 * A PalmSens MethodSCRIPT potentiostat (EmStat Pico, EmStat4, Nexus) on a
 * transport. One transaction at a time; a safe-state `cellOff()` goes before
 * queued steps.
 *
 * Robustness: after anything that leaves the device's state unknown (a
 * timeout, garbage, a device error, and at first use), the next transaction
 * first aborts and drains: `\n` + `Z\n`, then waits for `Z!0006` (nothing
 * runs) or `Z` and the end of the running script's output, as PalmSens'
 * `abort_and_sync` does. A failing step sends `Z` at once, so the cell goes
 * off without waiting for the caller.
 *
 * Errors: MethodScriptError for protocol and device problems (DEVICE_ERROR with
 * the device's code and, for script errors, line and column; TIMEOUT when a
 * running script goes silent); TransportError for the link (DISCONNECTED,
 * CANCELED after close(), TIMEOUT of a reply to `t`/`i`/`Z`). After a
 * disconnect every call rejects with it: reconnecting means a new transport
 * and a new device object.
 */
export class MethodScriptPotentiostat implements PotentiostatDevice {
  /** The package variable types behind each quantity (PROTOCOLS.md), named in the stream descriptors. */
  readonly nativeQuantities: PotentiostatNativeQuantities = {
    potential: 'MethodSCRIPT ab (WE vs RE potential; da, the applied potential, in potentiostatic steps)',
    current: 'MethodSCRIPT ba (WE current)',
    frequency: 'MethodSCRIPT dc (applied frequency)',
    zRe: 'MethodSCRIPT cc (Z real)',
    zIm: 'MethodSCRIPT cd (Z imaginary)',
  };
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly timeouts: MethodScriptTimeouts;
  private readonly scriptSettings: ScriptSettings;
  private readonly parser = new MethodScriptLineParser();
  private readonly events = new Subject<DriverEvent>();
  private readonly channel: RequestChannel<DriverEvent>;
  private readonly subscription: Subscription;
  /** The device's state is unknown: abort and drain before the next transaction. */
  private needsSync = true;
  /** A `Z` was sent and its reply has not come yet (never more than one outstanding). */
  private abortPending = false;
  private active: ActiveScript | null = null;
  /** The device id from the last identify(): scripts for what it lacks (GEIS on a Pico) are refused unsent. */
  private device: string | undefined;

  constructor(
    private readonly transport: Transport,
    options: MethodScriptPotentiostatOptions,
  ) {
    this.clock = options.clock;
    this.logger = options.logger;
    this.timeouts = { ...METHODSCRIPT_DEFAULTS, ...options.timeouts };
    this.scriptSettings = { ...SCRIPT_DEFAULTS, ...options.script };
    this.channel = new RequestChannel(transport, this.events, { timeoutMs: this.timeouts.replyTimeoutMs });
    this.subscription = transport.data$.subscribe({
      next: (chunk) => this.receive(chunk),
      error: (e: unknown) => {
        this.logger.warn({ transport: transport.url, err: errorMessage(e) }, 'MethodSCRIPT link lost');
        this.events.error(e);
      },
      complete: () => this.events.complete(),
    });
  }

  /** `t` and `i`: device id, firmware version, serial number. */
  identify(): Promise<MethodScriptIdentity> {
    return this.transaction(async () => {
      const { device, firmware } = await this.channel.exchange('t\n', lines(firmwareCollector()));
      const serial = await this.channel.exchange('i\n', lines(parseSerialReply));
      this.device = device;
      return { device, firmware, serial };
    });
  }

  /**
   * Runs one step; each data package reaches `onSample` while it runs (a throw
   * there is logged and does not stop the step). The script holds the cell
   * within the step's hard limits on the device itself (stepScript). Resolves
   * when the script has ended: `completed`, `cut-off` (a condition of the
   * script, a cut-off or a hard limit, ended it early) or `aborted` (the
   * signal fired, or `abort()`, and the device confirmed). A step whose signal
   * fires while it waits for the line is not sent and resolves `aborted`.
   */
  async runStep(step: HardLimitedStep, onSample: (sample: MethodScriptSample) => void, signal?: AbortSignal): Promise<StepOutcome> {
    const script = stepScript(step, this.scriptSettings, this.device);
    if (signal?.aborted) return { ending: 'aborted' };
    let last: MethodScriptSample | undefined;
    let started = false;
    const onPackage = (pkg: DataPackage) => {
      const sample = sampleFromPackage(pkg);
      last = sample;
      try {
        onSample(sample);
      } catch (e) {
        this.logger.error({ err: errorMessage(e) }, 'a sample consumer threw; the step goes on');
      }
    };
    try {
      return await this.transaction(
        async () => {
          started = true;
          if (signal?.aborted) return { ending: 'aborted' };
          const { aborted } = await this.executeScript(script, onPackage, this.maxSilenceS(step), signal);
          return { ending: aborted ? 'aborted' : endedByScriptLimit(step, last) ? 'cut-off' : 'completed' };
        },
        { signal },
      );
    } catch (e) {
      // Cancelled while waiting for the line: nothing was sent.
      if (!started && signal?.aborted && isTransportError(e, 'CANCELED')) return { ending: 'aborted' };
      throw e;
    }
  }

  /** Stops the running script (`\n`, `Z\n`); resolves once its output has ended. Nothing runs: resolves at once. */
  async abort(): Promise<void> {
    const active = this.active;
    if (!active) return;
    active.requestAbort();
    await active.finished;
  }

  /** Puts the cell off: aborts a running step, then runs a `cell_off` script ahead of queued steps. */
  async cellOff(): Promise<void> {
    await this.abort();
    await this.transaction(async () => {
      await this.executeScript(cellOffScript(), () => {
        throw new MethodScriptError('a data package from the cell_off script', 'UNEXPECTED_REPLY');
      }, 0);
    }, { urgent: true });
  }

  /** Closes the transport: a running step rejects with CANCELED. */
  async close(): Promise<void> {
    await this.transport.close();
    this.subscription.unsubscribe();
  }

  private receive(chunk: Uint8Array): void {
    for (const event of this.parser.push(chunk)) {
      if ('error' in event) {
        this.deliver(event);
        continue;
      }
      const isAbortAnswer = event.line === 'Z' || event.line.startsWith('Z!');
      if (isAbortAnswer && !this.abortPending) {
        // The answer to a `Z` given up on (its wait timed out): nobody's business now.
        this.logger.debug({ line: event.line }, 'late reply to an abort');
        continue;
      }
      if (isAbortAnswer) this.abortPending = false;
      this.deliver({ line: event.line, abortReply: isAbortAnswer });
    }
  }

  private deliver(event: DriverEvent): void {
    if (!this.events.observed) this.logger.debug({ event: 'line' in event ? event.line : event.error.message }, 'unsolicited output from the device');
    this.events.next(event);
  }

  /** One exclusive transaction, preceded by a resync when the device state is unknown. */
  private transaction<T>(task: () => Promise<T>, options: { signal?: AbortSignal; urgent?: boolean } = {}): Promise<T> {
    return this.channel.exclusive(async () => {
      try {
        if (this.needsSync) await this.sync();
        return await task();
      } catch (e) {
        this.needsSync = true;
        throw e;
      }
    }, options);
  }

  private requestAbort(): void {
    if (this.abortPending) return;
    this.abortPending = true;
    // The newline first ends any partial command in the device's input buffer.
    this.transport.write('\nZ\n').catch((e: unknown) => {
      this.abortPending = false;
      this.logger.warn({ err: errorMessage(e) }, 'could not send the abort');
    });
  }

  /** Aborts whatever the device runs and waits until it is idle (see the class comment). */
  private async sync(): Promise<void> {
    const reply = await new Promise<string>((resolve, reject) => {
      let answer: string | null = null;
      let timer: NodeJS.Timeout | undefined;
      // Assigned after subscribe(), which may already end in finish() (a link lost before).
      let subscription: Subscription | undefined;
      let settled = false;
      const finish = (error: unknown) => {
        settled = true;
        clearTimeout(timer);
        subscription?.unsubscribe();
        if (error !== undefined) reject(error);
        else resolve(answer ?? '');
      };
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          if (answer === null) this.abortPending = false;
          finish(new TransportError(`${this.transport.url}: no answer to the abort within ${this.timeouts.replyTimeoutMs} ms`, 'TIMEOUT', { url: this.transport.url }));
        }, this.timeouts.replyTimeoutMs);
      };
      subscription = this.events.subscribe({
        next: (event) => {
          arm();
          // Whatever the device still sends before our answer (output, garbage) is what we drain.
          if ('error' in event || (answer === null && !event.abortReply)) return;
          if (answer === null) {
            answer = event.line;
            // `Z!0006`: nothing was running. `Z`: a script was, wait for its end.
            if (answer !== 'Z') finish(undefined);
          } else if (event.line === '') {
            finish(undefined);
          }
        },
        error: (e: unknown) => finish(e),
        complete: () => finish(new TransportError(`${this.transport.url}: closed`, 'CANCELED', { url: this.transport.url })),
      });
      if (settled) {
        subscription.unsubscribe();
        return;
      }
      arm();
      this.requestAbort();
    });
    this.needsSync = false;
    if (reply !== 'Z') await realDelay(this.timeouts.pauseAfterErrorReplyMs);
  }

  /**
   * Sends `e` + the script + an empty line and follows its output until the
   * empty line that ends it. Silence longer than `maxSilenceS` (lab time, at
   * least the reply timeout in real time) fails it with TIMEOUT.
   */
  private executeScript(script: string[], onPackage: (pkg: DataPackage) => void, maxSilenceS: number, signal?: AbortSignal): Promise<{ aborted: boolean }> {
    const runningSilenceMs = Math.max(this.timeouts.replyTimeoutMs, (maxSilenceS * 1000) / this.clock.scale);
    let markFinished!: () => void;
    const finished = new Promise<void>((resolve) => (markFinished = resolve));
    return new Promise<{ aborted: boolean }>((resolve, reject) => {
      let running = false;
      let aborted = false;
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      // Assigned after subscribe(), which may already end in finish() (a link lost before).
      let subscription: Subscription | undefined;
      const onAbort = () => active.requestAbort();
      const finish = (error?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        subscription?.unsubscribe();
        signal?.removeEventListener('abort', onAbort);
        if (this.active === active) this.active = null;
        markFinished();
        if (error === undefined) {
          resolve({ aborted });
          return;
        }
        // Stop the device at once (the cell goes off in on_finished) unless the link itself failed.
        if (!isTransportError(error)) this.requestAbort();
        reject(error);
      };
      const arm = () => {
        clearTimeout(timer);
        const ms = running ? runningSilenceMs : this.timeouts.replyTimeoutMs;
        timer = setTimeout(() => finish(new MethodScriptError(`the device was silent for ${Math.round(ms)} ms ${running ? 'during the script' : 'after the script was sent'}`, 'TIMEOUT', { silentMs: ms })), ms);
      };
      const unexpected = (line: string) => new MethodScriptError(`unexpected ${running ? 'line in the script output' : 'reply to "e"'}`, 'UNEXPECTED_REPLY', { line: line.slice(0, 200) });
      const active: ActiveScript = {
        requestAbort: () => this.requestAbort(),
        finished,
      };
      const onEvent = (event: DriverEvent) => {
        arm();
        if ('error' in event) return finish(event.error);
        if (event.abortReply) {
          if (event.line === 'Z') aborted = true;
          return;
        }
        let reply: Reply;
        try {
          reply = classifyReply(event.line);
        } catch (e) {
          return finish(e);
        }
        switch (reply.kind) {
          case 'ack':
            if (running || reply.command !== 'e') return finish(unexpected(event.line));
            running = true;
            return;
          case 'end':
            return running ? finish() : finish(unexpected(event.line));
          case 'error':
            return finish(reply.error);
          case 'package':
            if (!running) return finish(unexpected(event.line));
            try {
              onPackage(reply.package);
            } catch (e) {
              return finish(e);
            }
            return;
          case 'text':
            this.logger.info({ text: reply.text }, 'device text');
            return;
          default:
            // Loop and scan markers carry nothing a step needs.
            return;
        }
      };
      subscription = this.events.subscribe({
        next: onEvent,
        error: (e: unknown) => finish(e),
        complete: () => finish(new TransportError(`${this.transport.url}: closed while a script ran`, 'CANCELED', { url: this.transport.url })),
      });
      if (settled) {
        subscription.unsubscribe();
        return;
      }
      this.active = active;
      signal?.addEventListener('abort', onAbort, { once: true });
      arm();
      this.transport.write(`e\n${script.join('\n')}\n\n`).catch((e: unknown) => finish(e));
    });
  }

  /** How long a running step may stay silent, in lab seconds. */
  private maxSilenceS(step: PotentiostatStep): number {
    const { sampleGapFactor, sampleGapSlackS, eisPeriodsPerPointMax } = this.timeouts;
    if (step.kind === 'eis') return eisPeriodsPerPointMax / Math.min(step.startHz, step.endHz) + sampleGapSlackS;
    return step.intervalS * sampleGapFactor + sampleGapSlackS;
  }
}

/** A collector of reply lines: framing errors fail the exchange, late abort answers are skipped. */
function lines<R>(collect: (line: string) => R | undefined): Collector<DriverEvent, R> {
  return (event) => {
    if ('error' in event) throw event.error;
    return event.abortReply ? undefined : collect(event.line);
  };
}

/**
 * A step whose script ended its loop at one of its conditions: a cut-off or a
 * hard limit (the instrument tells them apart: a sample beyond a hard limit is
 * LIMIT_EXCEEDED). Its last sample is at or beyond a limit (the device broke
 * the loop after that package), or it ended more than half an interval before
 * its last scheduled sample. Sweeps have no conditions.
 */
function endedByScriptLimit(step: HardLimitedStep, last: MethodScriptSample | undefined): boolean {
  if (step.kind === 'eis' || !last) return false;
  if (atCutOff(step, last) || sampleBeyondHardLimits(step, last, step.hardLimits)) return true;
  const lastScheduledS = Math.floor(step.durationS / step.intervalS + 1e-9) * step.intervalS;
  return last.elapsedS < lastScheduledS - step.intervalS / 2;
}

/** A sample at or beyond a cut-off of a constant-current step. */
function atCutOff(step: PotentiostatStep, sample: MethodScriptSample): boolean {
  if (step.kind !== 'constant-current' || !step.limits || sample.potentialV === undefined) return false;
  const { minV, maxV } = step.limits;
  return (maxV !== undefined && sample.potentialV >= maxV) || (minV !== undefined && sample.potentialV <= minV);
}

/** A pause the device needs in real time (not lab time). */
function realDelay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
