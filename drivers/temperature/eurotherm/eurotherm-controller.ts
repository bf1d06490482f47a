import modbusSerial from 'modbus-serial';
import { ExclusiveQueue } from '../../../src/transport/exclusive-queue.js';
import { EUROTHERM_DEFAULTS, type RetryPolicy } from '../defaults.js';
import { fromTransportError, TemperatureError } from '../errors.js';
import { withRetries } from '../retry.js';
import { errorMessage } from '../../../src/core/errors.js';
import type { ControllerHardLimits, TemperatureController, TemperatureIdentity, TemperatureNativeQuantities, TemperatureReading } from '../temperature-controller.js';
import { parseModbusUrl } from './modbus-url.js';
import {
  Tag,
  celsiusToKelvin,
  decodeScaled,
  decodeStatusWord,
  encodeScaled,
  floatAddress,
  floatToWords,
  hexWord,
  kelvinToCelsius,
  rampToInstrument,
  wordsToFloat,
  type RampUnit,
} from './register-map.js';

// modbus-serial is CommonJS: its default export is the whole module, whose `default` is the client class.
const ModbusClient = modbusSerial.default;
type ModbusClient = InstanceType<typeof ModbusClient>;

export interface EurothermOptions {
  /** Decimal places of temperatures and of the rate limit in integer registers (the instrument's display resolution). Default 1. */
  readonly decimalPlaces?: number;
  /** Decimal places of the output power registers. Default 1 (unverified: check the model). */
  readonly outputDecimalPlaces?: number;
  /** Use the IEEE float copies at 0x8000 + 2*tag instead of scaled integers. Default false. */
  readonly floatRegisters?: boolean;
  /** Unit of the setpoint rate limit (tag 531 on models that have it). Default per minute. */
  readonly rampUnit?: RampUnit;
  /**
   * Tags of the setpoint high and low limit registers the hard limits are
   * written to. Default 111 and 112, the 2000 series' (PROTOCOLS.md): to be
   * verified against the manual of the model in use.
   */
  readonly setpointLimitTags?: { readonly high: number; readonly low: number };
  readonly transactionTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  readonly retry?: RetryPolicy;
}

/**
 * Eurotherm 2000/3000 series over Modbus RTU (`modbus-rtu:///dev/ttyUSB1?baud=9600&unit=1`)
 * or Modbus TCP (`modbus-tcp://host:502?unit=1`), with modbus-serial as the
 * Modbus client. One transaction at a time (a queue); each has a timeout and
 * bounded retries with backoff. Modbus RTU has no transaction ids: a reply
 * arriving after its timeout could be taken for the next request's, which the
 * backoff before a retry makes unlikely (see EUROTHERM_DEFAULTS).
 */
export class EurothermController implements TemperatureController {
  readonly nativeQuantities: TemperatureNativeQuantities = {
    temperature: 'Eurotherm tag 1 (process value)',
    setpoint: 'Eurotherm tag 2 (target setpoint)',
    workingSetpoint: 'Eurotherm tag 5 (working setpoint)',
    output: 'Eurotherm tag 3 (output power)',
  };
  private readonly queue = new ExclusiveQueue();
  /** Set when the link is lost; rejects (with DISCONNECTED) so a waiting transaction fails at once, not at its timeout. */
  private lostError: TemperatureError | null = null;
  private readonly lost: Promise<never>;
  readonly linkLost: Promise<string>;
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly client: ModbusClient,
    private readonly isTcp: boolean,
    private readonly options: Required<EurothermOptions>,
  ) {
    let markLost: (cause: unknown) => void = () => undefined;
    this.lost = new Promise<never>((_, reject) => {
      markLost = (cause) => {
        this.lostError ??= new TemperatureError('the Modbus link is lost', 'DISCONNECTED', {}, { cause });
        reject(this.lostError);
      };
    });
    this.linkLost = this.lost.catch((e: unknown) => errorMessage(e));
    // modbus-serial re-emits serial port errors; without a listener they would crash the process.
    client.on('error', (e: unknown) => markLost(e));
    client.on('close', () => markLost(null));
  }

  static async open(url: string, options: EurothermOptions = {}): Promise<EurothermController> {
    const endpoint = parseModbusUrl(url);
    const resolved: Required<EurothermOptions> = {
      decimalPlaces: options.decimalPlaces ?? 1,
      outputDecimalPlaces: options.outputDecimalPlaces ?? 1,
      floatRegisters: options.floatRegisters ?? false,
      rampUnit: options.rampUnit ?? 'per-minute',
      setpointLimitTags: options.setpointLimitTags ?? { high: Tag.setpointHighLimit, low: Tag.setpointLowLimit },
      transactionTimeoutMs: options.transactionTimeoutMs ?? EUROTHERM_DEFAULTS.transactionTimeoutMs,
      connectTimeoutMs: options.connectTimeoutMs ?? EUROTHERM_DEFAULTS.connectTimeoutMs,
      retry: options.retry ?? EUROTHERM_DEFAULTS.retry,
    };
    const client = new ModbusClient();
    try {
      if (endpoint.kind === 'tcp') {
        // The socket timeout doubles as the connect timeout in modbus-serial's TcpPort.
        await client.connectTCP(endpoint.host, { port: endpoint.port, timeout: resolved.connectTimeoutMs });
      } else {
        await client.connectRTUBuffered(endpoint.path, {
          baudRate: endpoint.baudRate ?? EUROTHERM_DEFAULTS.baudRate,
          dataBits: endpoint.dataBits,
          parity: endpoint.parity,
          stopBits: endpoint.stopBits,
        });
      }
    } catch (cause) {
      await new Promise<void>((resolve) => client.destroy(() => resolve()));
      throw new TemperatureError(`cannot open ${url}`, 'OPEN_FAILED', { url }, { cause });
    }
    client.setID(endpoint.unit);
    // modbus-serial waits forever for a reply unless told otherwise.
    client.setTimeout(resolved.transactionTimeoutMs);
    return new EurothermController(client, endpoint.kind === 'tcp', resolved);
  }

  identify(): Promise<TemperatureIdentity> {
    return this.exclusive(async () => {
      const [identifier] = await this.readWords(Tag.instrumentIdentifier, 1);
      const [version] = await this.readWords(Tag.version, 1);
      return { model: `Eurotherm >${hexWord(identifier!)}`, firmware: `>${hexWord(version!)}` };
    });
  }

  read(): Promise<TemperatureReading> {
    return this.exclusive(async () => {
      // Tags 1..5 are contiguous: PV, target SP, output, working output, working SP.
      const [pvC, targetC, outputPercent, , workingC] = this.options.floatRegisters
        ? pairs(await this.readWords(floatAddress(Tag.processValue), 10)).map(([high, low]) => wordsToFloat(high, low))
        : (await this.readWords(Tag.processValue, 5)).map((word, i) =>
            decodeScaled(word, i === 2 || i === 3 ? this.options.outputDecimalPlaces : this.options.decimalPlaces),
          );
      const [statusWord] = await this.readWords(Tag.statusWord, 1);
      const status = decodeStatusWord(statusWord!);
      return {
        temperatureK: status.sensorBreak ? Number.NaN : celsiusToKelvin(pvC!),
        setpointK: celsiusToKelvin(targetC!),
        workingSetpointK: celsiusToKelvin(workingC!),
        outputPercent: outputPercent!,
        status,
      };
    });
  }

  async setSetpoint(temperatureK: number): Promise<void> {
    if (!Number.isFinite(temperatureK)) throw notEncodable('setpoint', temperatureK);
    await this.exclusive(() => this.writeValue(Tag.targetSetpoint, kelvinToCelsius(temperatureK)));
  }

  async setRampRate(kPerMin: number | null): Promise<void> {
    if (kPerMin !== null && !(kPerMin > 0 && Number.isFinite(kPerMin))) throw notEncodable('ramp rate', kPerMin);
    const value = kPerMin === null ? 0 : rampToInstrument(kPerMin, this.options.rampUnit);
    // 0 means "rate limit off": a rate too small for the register must not turn the ramp off.
    if (kPerMin !== null && !this.options.floatRegisters && encodeScaled(value, this.options.decimalPlaces) === 0) {
      throw notEncodable('ramp rate', kPerMin);
    }
    await this.exclusive(() => this.writeValue(Tag.setpointRateLimit, value));
  }

  /**
   * Writes minK and maxK into the setpoint limit registers: the instrument
   * then refuses a setpoint outside them, from the service or anyone else.
   * They are encoded like setpoints (to the nearest register step), so every
   * setpoint the service allows encodes inside them. The high limit is read
   * first, to write the two in an order that never puts low above high.
   */
  async writeHardLimits({ minK, maxK }: ControllerHardLimits): Promise<void> {
    if (!(Number.isFinite(minK) && Number.isFinite(maxK) && minK < maxK)) throw notEncodable('setpoint limits', minK);
    const { high, low } = this.options.setpointLimitTags;
    const [lowC, highC] = [kelvinToCelsius(minK), kelvinToCelsius(maxK)];
    await this.exclusive(async () => {
      const presentHighC = await this.readValue(high);
      const order: Array<[number, number]> = lowC > presentHighC ? [[high, highC], [low, lowC]] : [[low, lowC], [high, highC]];
      for (const [tag, value] of order) await this.writeValue(tag, value);
    });
  }

  /** Lets the running transaction finish, fails the waiting ones with CLOSED, releases the link. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      // Urgent: the waiting transactions would only fail with CLOSED. If even the
      // queue is full (BUSY), release at once: the running transaction then fails.
      await this.queue.run(async () => undefined, { urgent: true }).catch(() => undefined);
      // destroy() cancels modbus-serial's transaction timers and on TCP destroys the socket
      // (TcpPort.close() never calls back once the peer has gone). The RTU port has no
      // destroy(), so it is closed as well; its close() calls back either way.
      await new Promise<void>((resolve) => this.client.destroy(() => resolve()));
      if (!this.isTcp) await new Promise<void>((resolve) => this.client.close(() => resolve()));
    })();
    return this.closing;
  }

  /** One transaction on the line at a time; none after close(). */
  private async exclusive<T>(task: () => Promise<T>): Promise<T> {
    try {
      return await this.queue.run(() => (this.closing ? Promise.reject(new TemperatureError('the driver is closed', 'CLOSED')) : task()));
    } catch (e) {
      throw fromTransportError(e);
    }
  }

  private async writeValue(tag: number, value: number): Promise<void> {
    if (this.options.floatRegisters) {
      const words = floatToWords(value);
      await this.transaction(() => this.client.writeRegisters(floatAddress(tag), words));
    } else {
      const word = encodeScaled(value, this.options.decimalPlaces);
      await this.transaction(() => this.client.writeRegister(tag, word));
    }
  }

  /** One temperature-like value (display units) of a tag, as configured: scaled integer or float. */
  private async readValue(tag: number): Promise<number> {
    if (this.options.floatRegisters) {
      const [high, low] = await this.readWords(floatAddress(tag), 2);
      return wordsToFloat(high!, low!);
    }
    const [word] = await this.readWords(tag, 1);
    return decodeScaled(word!, this.options.decimalPlaces);
  }

  private async readWords(address: number, count: number): Promise<number[]> {
    const { data } = await this.transaction(() => this.client.readHoldingRegisters(address, count));
    if (data.length !== count) throw new TemperatureError(`expected ${count} registers from ${address}, got ${data.length}`, 'BAD_REPLY', { address, count });
    return data;
  }

  /** One Modbus request with the retry policy; failures become TemperatureErrors. */
  private transaction<T>(request: () => Promise<T>): Promise<T> {
    return withRetries(
      async () => {
        if (this.lostError !== null) throw this.lostError;
        try {
          return await Promise.race([request(), this.lost]);
        } catch (e) {
          throw fromModbusSerial(e);
        }
      },
      this.options.retry,
      isRetriable,
    );
  }
}

function pairs(words: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i + 1 < words.length; i += 2) out.push([words[i]!, words[i + 1]!]);
  return out;
}

function notEncodable(what: string, value: number): TemperatureError {
  return new TemperatureError(`${what} ${value} cannot be sent to the instrument`, 'VALUE_NOT_ENCODABLE', { value });
}

/** Modbus exception 6: the instrument is busy, worth asking again. */
const SERVER_BUSY = 6;

function isRetriable(e: unknown): boolean {
  if (!(e instanceof TemperatureError)) return false;
  return e.code === 'TIMEOUT' || e.code === 'BAD_REPLY' || (e.code === 'MODBUS_EXCEPTION' && e.context.exceptionCode === SERVER_BUSY);
}

/**
 * modbus-serial's failures by their properties (never their text): `errno`
 * ETIMEDOUT for a timeout, `modbusCode` for an exception reply, the
 * PortNotOpenError type for a closed link; anything else (bad CRC, short
 * reply) is a garbled reply.
 */
function fromModbusSerial(e: unknown): TemperatureError {
  if (e instanceof TemperatureError) return e;
  const props = (typeof e === 'object' && e !== null ? e : {}) as { errno?: unknown; modbusCode?: unknown; name?: unknown };
  if (props.errno === 'ETIMEDOUT') return new TemperatureError('no reply from the instrument', 'TIMEOUT', {}, { cause: e });
  if (typeof props.modbusCode === 'number') {
    return new TemperatureError(`the instrument answered with Modbus exception ${props.modbusCode}`, 'MODBUS_EXCEPTION', { exceptionCode: props.modbusCode }, { cause: e });
  }
  if (props.name === 'PortNotOpenError') return new TemperatureError('the Modbus link is not open', 'DISCONNECTED', {}, { cause: e });
  return new TemperatureError('a garbled reply from the instrument', 'BAD_REPLY', {}, { cause: e });
}
