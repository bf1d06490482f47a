import { Subject } from 'rxjs';
import type { Clock } from '../../src/core/clock.js';
import { errorMessage } from '../../src/core/errors.js';
import type { Logger } from '../../src/core/logger.js';
import { MethodScriptLineParser } from '../../drivers/potentiostat/methodscript/line-parser.js';
import { GALVANOSTAT_DEVICES, SIMULATOR_DEFAULTS, type DeviceIdentity } from './defaults.js';
import { DEVICE_ERROR_CODES, formatErrorCode } from './error-codes.js';
import { ScriptRun, type MeasuredPoint, type RunEnding } from './interpreter.js';
import { parseScript, ScriptLoadError, type Program } from './script-parser.js';
import type { SimulatedChannel } from './simulated-channel.js';

/**
 * What the device does, for tests and observers: scripts starting and ending,
 * and every point of a measurement loop as it is taken (`point`, before the
 * loop's conditions run), also while no host is connected.
 */
export type DeviceEvent =
  | { readonly kind: 'script-started' }
  | { readonly kind: 'script-ended'; readonly ending: RunEnding }
  | ({ readonly kind: 'point' } & MeasuredPoint);

export interface MethodScriptDeviceOptions {
  readonly identity: DeviceIdentity;
  readonly channel: SimulatedChannel;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Sends one reply line (without its newline) to the host. */
  readonly output: (line: string) => void;
}

/**
 * The host side of a MethodSCRIPT device: bytes from the host in, reply lines
 * out; no I/O of its own. Commands: `t` (two lines, the second ending `*`),
 * `i`, `v` (the MethodSCRIPT version; `v!0003` when the identity has none),
 * `e` + script + empty line (load and run), `l` (load), `r` (run the loaded
 * script), `Z` (abort: `Z` then the rest of the output; idle: `Z!0006`). Anything else: `<letter>!0003` when idle, `<letter>!0006`
 * while a script runs.
 */
export class MethodScriptDevice {
  private readonly parser = new MethodScriptLineParser(SIMULATOR_DEFAULTS.maxLineLength);
  private readonly eventsSubject = new Subject<DeviceEvent>();
  private loading: { command: 'e' | 'l'; lines: string[]; overflow: boolean } | null = null;
  private loaded: Program | null = null;
  private running: { controller: AbortController; done: Promise<void> } | null = null;

  readonly events$ = this.eventsSubject.asObservable();

  constructor(private readonly options: MethodScriptDeviceOptions) {}

  get busy(): boolean {
    return this.running !== null;
  }

  receive(bytes: Uint8Array): void {
    for (const event of this.parser.push(bytes)) {
      if ('line' in event) this.onLine(event.line);
      else this.reply(`!${formatErrorCode(DEVICE_ERROR_CODES.unknownCommand)}`);
    }
  }

  /** Stops a running script (as `Z` does, without a reply) and waits for its end. */
  async stop(): Promise<void> {
    const running = this.running;
    if (!running) return;
    running.controller.abort();
    await running.done;
  }

  private onLine(line: string): void {
    if (this.loading) {
      if (line === '') this.load();
      else if (this.loading.lines.length < SIMULATOR_DEFAULTS.maxScriptLines) this.loading.lines.push(line);
      else this.loading.overflow = true;
      return;
    }
    const command = line.trim();
    if (command === '') return;
    if (this.running) {
      if (command === 'Z') {
        this.reply('Z');
        this.running.controller.abort();
      } else {
        this.replyError(command, DEVICE_ERROR_CODES.notInThisState);
      }
      return;
    }
    const { identity } = this.options;
    switch (command) {
      case 't':
        this.reply(`t${identity.device}${identity.firmwareVersion}`);
        this.reply(`${identity.buildInfo}*`);
        return;
      case 'i':
        this.reply(`i${identity.serial}`);
        return;
      case 'v':
        if (identity.methodScriptVersion === undefined) return this.replyError(command, DEVICE_ERROR_CODES.unknownCommand);
        this.reply(`v${identity.methodScriptVersion}`);
        return;
      case 'e':
      case 'l':
        this.loading = { command, lines: [], overflow: false };
        return;
      case 'r':
        if (!this.loaded) return this.replyError(command, DEVICE_ERROR_CODES.noScriptLoaded);
        this.reply('r');
        this.start(this.loaded);
        return;
      case 'Z':
        return this.replyError(command, DEVICE_ERROR_CODES.notInThisState);
      default:
        return this.replyError(command, DEVICE_ERROR_CODES.unknownCommand);
    }
  }

  private load(): void {
    const { command, lines, overflow } = this.loading!;
    this.loading = null;
    this.loaded = null;
    if (overflow) {
      this.reply(`${command}!${formatErrorCode(DEVICE_ERROR_CODES.scriptTooLong)}: Line ${SIMULATOR_DEFAULTS.maxScriptLines + 1}, Col 1`);
      return;
    }
    let program: Program;
    try {
      program = parseScript(lines, { galvanostat: this.galvanostat });
    } catch (e) {
      if (!(e instanceof ScriptLoadError)) throw e;
      this.reply(`${command}!${formatErrorCode(e.deviceCode)}: Line ${e.line}, Col ${e.column}`);
      return;
    }
    this.loaded = program;
    this.reply(command);
    if (command === 'e') this.start(program);
  }

  private start(program: Program): void {
    const { channel, clock, logger } = this.options;
    const controller = new AbortController();
    const run = new ScriptRun(
      program,
      {
        channel,
        clock,
        output: (line) => this.reply(line),
        galvanostat: this.galvanostat,
        eisPeriodsPerPoint: SIMULATOR_DEFAULTS.eisPeriodsPerPoint,
        eisMinPointS: SIMULATOR_DEFAULTS.eisMinPointS,
        maxArrayElements: SIMULATOR_DEFAULTS.maxArrayElements,
        commandsPerTurn: SIMULATOR_DEFAULTS.commandsPerTurn,
        onPoint: (point) => this.eventsSubject.next({ kind: 'point', ...point }),
      },
      controller.signal,
    );
    this.eventsSubject.next({ kind: 'script-started' });
    const done: Promise<void> = run.run().then(
      (ending) => this.ended(done, ending),
      (e: unknown) => {
        // A simulator bug: say so, and still end the output so the host is not left waiting.
        logger.error({ err: errorMessage(e) }, 'the simulated device failed while running a script');
        this.reply('');
        this.ended(done, 'error');
      },
    );
    this.running = { controller, done };
  }

  private ended(done: Promise<void>, ending: RunEnding): void {
    if (this.running?.done === done) this.running = null;
    this.eventsSubject.next({ kind: 'script-ended', ending });
  }

  private get galvanostat(): boolean {
    return GALVANOSTAT_DEVICES.includes(this.options.identity.device);
  }

  private replyError(command: string, code: number): void {
    this.reply(`${command[0] ?? ''}!${formatErrorCode(code)}`);
  }

  private reply(line: string): void {
    this.options.output(line);
  }
}
