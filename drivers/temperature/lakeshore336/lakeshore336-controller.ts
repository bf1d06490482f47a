import { share, type Subscription } from 'rxjs';
import { openTransport } from '../../../src/transport/open-transport.js';
import { RequestChannel } from '../../../src/transport/request-channel.js';
import { isTransportError, type Transport } from '../../../src/transport/transport.js';
import { LAKESHORE336_DEFAULTS, type RetryPolicy } from '../defaults.js';
import { fromTransportError, TemperatureError } from '../errors.js';
import { withRetries } from '../retry.js';
import { errorMessage } from '../../../src/core/errors.js';
import type { ControllerHardLimits, TemperatureController, TemperatureIdentity, TemperatureNativeQuantities, TemperatureReading } from '../temperature-controller.js';
import { lines } from './line-framing.js';
import { decodeReadingStatus, HeaterStatus, parseIdentity, parseInteger, parseNumber, parseReply } from './reply-parser.js';

export interface LakeShore336Options {
  /** Control loop and heater output. Default 1. */
  readonly output?: 1 | 2;
  /** Input of the control sensor. Default A. */
  readonly input?: 'A' | 'B' | 'C' | 'D';
  /** Heater range set with every setpoint (1 low, 2 medium, 3 high): a 336 powers up with the heater off. Default 3. */
  readonly heaterRange?: 1 | 2 | 3;
  /**
   * Write the hard maxK as `TLIMIT <input>,<maxK>` at connect: the 336 then
   * switches all control outputs off when the input exceeds it. Default true.
   * Unverified on hardware (PROTOCOLS.md): false leaves the instrument's
   * TLIMIT as it is, should a firmware refuse the command.
   */
  readonly tlimit?: boolean;
  readonly replyTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  readonly retry?: RetryPolicy;
}

/**
 * Lake Shore 336 over its text protocol: `serial://PATH` (57600 7O1 unless
 * the URL says otherwise) or `tcp://HOST:7777`. Every line carries `;*ESR?`,
 * so each command is checked and errors come back typed. One line at a time
 * (the transport's RequestChannel), each with a timeout and bounded retries;
 * all commands sent are idempotent, so a retry cannot do harm.
 *
 * The 336 answers `SETP?` with the setpoint it controls to now, which ramps
 * (unverified, check the manual of the firmware in use): while a ramp runs,
 * the target reported is the last one this driver sent.
 */
export class LakeShore336Controller implements TemperatureController {
  private readonly output: number;
  private readonly input: string;
  private readonly heaterRange: number;
  private readonly tlimit: boolean;
  private readonly retry: RetryPolicy;
  /** The target while a ramp runs (SETP? gives the ramping setpoint then). */
  private targetK: number | null = null;
  readonly nativeQuantities: TemperatureNativeQuantities;
  readonly linkLost: Promise<string>;

  private constructor(
    private readonly transport: Transport,
    private readonly channel: RequestChannel<string>,
    private readonly keepFraming: Subscription,
    options: LakeShore336Options,
  ) {
    this.output = options.output ?? 1;
    this.input = options.input ?? 'A';
    this.heaterRange = options.heaterRange ?? 3;
    this.tlimit = options.tlimit ?? true;
    this.retry = options.retry ?? LAKESHORE336_DEFAULTS.retry;
    this.linkLost = new Promise((resolve) =>
      transport.data$.subscribe({ error: (e: unknown) => resolve(errorMessage(e)), complete: () => resolve(`${transport.url}: closed`) }),
    );
    this.nativeQuantities = {
      temperature: `Lake Shore 336 KRDG? ${this.input}`,
      setpoint: `Lake Shore 336 SETP ${this.output} (last target sent)`,
      workingSetpoint: `Lake Shore 336 SETP? ${this.output}`,
      output: `Lake Shore 336 HTR? ${this.output}`,
    };
  }

  static async open(url: string, options: LakeShore336Options = {}): Promise<LakeShore336Controller> {
    let transport: Transport;
    try {
      transport = await openTransport(withSerialDefaults(url), {
        defaultBaudRate: LAKESHORE336_DEFAULTS.serial.baudRate,
        connectTimeoutMs: options.connectTimeoutMs ?? LAKESHORE336_DEFAULTS.connectTimeoutMs,
      });
    } catch (e) {
      throw fromTransportError(e);
    }
    const frames$ = transport.data$.pipe(lines(LAKESHORE336_DEFAULTS.maxLineLength), share());
    // Framing state lives in one shared subscription, kept for the driver's life.
    const keepFraming = frames$.subscribe({ error: () => undefined });
    const channel = new RequestChannel(transport, frames$, { timeoutMs: options.replyTimeoutMs ?? LAKESHORE336_DEFAULTS.replyTimeoutMs });
    return new LakeShore336Controller(transport, channel, keepFraming, options);
  }

  async identify(): Promise<TemperatureIdentity> {
    const [idn] = await this.query(['*IDN?']);
    return parseIdentity(idn!);
  }

  async read(): Promise<TemperatureReading> {
    const { input, output } = this;
    const [kelvin, setpoint, heater, ramping, readingStatus, heaterStatus] = await this.query([
      `KRDG? ${input}`,
      `SETP? ${output}`,
      `HTR? ${output}`,
      `RAMPST? ${output}`,
      `RDGST? ${input}`,
      `HTRST? ${output}`,
    ]);
    const { sensorBreak, outOfRange } = decodeReadingStatus(parseInteger(readingStatus!, 'RDGST?'));
    const workingSetpointK = parseNumber(setpoint!, 'SETP?');
    const rampComplete = parseInteger(ramping!, 'RAMPST?') === 0;
    if (rampComplete) this.targetK = workingSetpointK;
    return {
      temperatureK: sensorBreak ? Number.NaN : parseNumber(kelvin!, 'KRDG?'),
      setpointK: this.targetK ?? workingSetpointK,
      workingSetpointK,
      outputPercent: parseNumber(heater!, 'HTR?'),
      status: { sensorBreak, outOfRange, heaterFail: parseInteger(heaterStatus!, 'HTRST?') !== HeaterStatus.ok, rampComplete },
    };
  }

  /**
   * `TLIMIT <input>,<maxK>` (unless the `tlimit` option is false): all
   * control outputs go off when the input reads above maxK, whoever set the
   * setpoint. Written to the millikelvin, rounded down. The 336 has no lower
   * counterpart: minK is the service's to hold. A firmware that does not know
   * the command answers with a command error, which fails the connect.
   */
  async writeHardLimits({ maxK }: ControllerHardLimits): Promise<void> {
    if (!this.tlimit) return;
    if (!(maxK > 0 && Number.isFinite(maxK))) throw notSendable('temperature limit', maxK);
    await this.command([`TLIMIT ${this.input},${(Math.floor(maxK * 1000 + 1e-6) / 1000).toFixed(3)}`]);
  }

  async setSetpoint(temperatureK: number): Promise<void> {
    if (!(temperatureK > 0 && Number.isFinite(temperatureK))) throw notSendable('setpoint', temperatureK);
    await this.command([`RANGE ${this.output},${this.heaterRange}`, `SETP ${this.output},${temperatureK.toFixed(3)}`]);
    this.targetK = temperatureK;
  }

  async setRampRate(kPerMin: number | null): Promise<void> {
    if (kPerMin === null) return this.command([`RAMP ${this.output},0,0`]);
    // The 336 takes rates of 0.1..100 K/min with one decimal; a rate that rounds to 0 would mean "no ramp".
    const rate = kPerMin.toFixed(1);
    if (!(Number.isFinite(kPerMin) && Number(rate) > 0)) throw notSendable('ramp rate', kPerMin);
    await this.command([`RAMP ${this.output},1,${rate}`]);
  }

  /** Lets the running line finish, then closes the link (waiting lines fail with CLOSED). */
  async close(): Promise<void> {
    await this.channel.exclusive(async () => undefined, { urgent: true }).catch(() => undefined);
    this.keepFraming.unsubscribe();
    await this.transport.close();
  }

  private command(commands: string[]): Promise<void> {
    return this.exchange(commands, 0).then(() => undefined);
  }

  private query(queries: string[]): Promise<string[]> {
    return this.exchange(queries, queries.length);
  }

  /** Sends `parts;*ESR?` and returns the `queryCount` answers before the status. */
  private async exchange(parts: string[], queryCount: number): Promise<string[]> {
    const line = `${[...parts, '*ESR?'].join(';')}\n`;
    try {
      return await this.channel.exclusive(() =>
        withRetries(() => this.channel.exchange(line, (reply) => parseReply(reply, queryCount)), this.retry, isRetriable),
      );
    } catch (e) {
      throw fromTransportError(e);
    }
  }
}

/** Timeouts and garbled replies are worth another try; instrument-reported errors and a lost link are not. */
function isRetriable(e: unknown): boolean {
  return isTransportError(e, 'TIMEOUT') || (e instanceof TemperatureError && e.code === 'BAD_REPLY');
}

function notSendable(what: string, value: number): TemperatureError {
  return new TemperatureError(`${what} ${value} cannot be sent to the instrument`, 'VALUE_NOT_ENCODABLE', { value });
}

/** A serial URL without a character format gets the 336's 7O1. */
function withSerialDefaults(url: string): string {
  if (!url.startsWith('serial:')) return url;
  const parsed = new URL(url);
  const { dataBits, parity, stopBits } = LAKESHORE336_DEFAULTS.serial;
  for (const [key, value] of [['dataBits', String(dataBits)], ['parity', parity], ['stopBits', String(stopBits)]] as const) {
    if (!parsed.searchParams.has(key)) parsed.searchParams.set(key, value);
  }
  return parsed.toString();
}
