import { Subject, type Subscription } from 'rxjs';
import { errorMessage } from '../../../src/core/errors.js';
import { openTransport } from '../../../src/transport/open-transport.js';
import { RequestChannel } from '../../../src/transport/request-channel.js';
import { isTransportError, type Transport } from '../../../src/transport/transport.js';
import { parseLinkUrl } from '../../../src/transport/url.js';
import { withRetries } from '../../temperature/retry.js';
import { DP5_DEFAULTS, type RetryPolicy } from '../defaults.js';
import { Dp5Error, isDp5Error, type Dp5ErrorCode } from './errors.js';
import { CHECKSUM_BYTES, HEADER_BYTES, type Dp5Packet } from './packet.js';
import { Dp5PacketParser, type Dp5PacketEvent } from './packet-parser.js';
import { ACK, ackError, decodeConfigurationReadback, decodeEcho, decodeStatusReply, hasPids, isAck, REPLY_PIDS } from './replies.js';
import {
  clearSpectrumRequest,
  disableMcaRequest,
  echoRequest,
  enableMcaRequest,
  readConfigurationRequest,
  spectrumRequest,
  statusRequest,
  textConfigurationRequest,
} from './requests.js';
import { BYTES_PER_CHANNEL, decodeSpectrum, SPECTRUM_REPLY_PID1, type Dp5Spectrum } from './spectrum.js';
import { deviceType, STATUS_BYTES, versionText, type Dp5Status } from './status.js';

export interface AmptekDp5Options {
  readonly replyTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  readonly retry?: RetryPolicy;
  /** Port of a `udp://` URL that gives none (default DP5_DEFAULTS.udpPort, unverified). */
  readonly udpPort?: number;
  /**
   * Baud rate of the slowest serial line on the path, for the time long
   * replies take: by default the `serial://` URL's, DP5_DEFAULTS.baudRate
   * behind a `tcp://` device server, none over UDP.
   */
  readonly lineBaudRate?: number;
  readonly maxTextConfigurationBytes?: number;
  /** Jitter of the retry backoff (tests pass a fixed one). */
  readonly random?: () => number;
}

/** What identifies a DP5-family device: from its status. */
export interface Dp5Identity {
  /** DP5, PX5, DP5G, MCA8000D (or `device id N` for an id this driver does not know). */
  readonly model: string;
  readonly deviceId: number;
  readonly serialNumber: number;
  readonly firmware: string;
  readonly fpga: string;
}

/** Bytes of the largest reply: a 8192-channel spectrum with status. */
const LARGEST_REPLY_BYTES = HEADER_BYTES + 8192 * BYTES_PER_CHANNEL + STATUS_BYTES + CHECKSUM_BYTES;
/** What `echo()` sends when given nothing. */
const DEFAULT_ECHO = new Uint8Array(Buffer.from('operando', 'latin1'));

/**
 * Failures of the link rather than of the request: a reply that came garbled,
 * the device seeing our request garbled, or busy. Each is worth another
 * attempt (with a reply timeout, `isRetriable`); still failing after the
 * retries, the link is renewed (the MCA instrument's link faults). A refusal
 * (bad parameter, unknown command) would be refused again.
 */
export const DP5_LINK_FAULT_CODES: ReadonlySet<Dp5ErrorCode> = new Set([
  'BAD_CHECKSUM',
  'PACKET_TOO_LONG',
  'BAD_PACKET',
  'ECHO_MISMATCH',
  'ACK_SYNC_ERROR',
  'ACK_PID_ERROR',
  'ACK_LENGTH_ERROR',
  'ACK_CHECKSUM_ERROR',
  'ACK_BUSY',
]);

/**
 * An Amptek DP5-family multichannel analyser (DP5, PX5, DP5G, MCA8000D)
 * speaking the DP5 packet protocol (PROTOCOL.md) on `serial://PATH`
 * (115200 baud unless the URL says otherwise; unverified), `tcp://HOST:PORT`
 * (a serial device server) or `udp://HOST[:PORT]` (the Ethernet interface;
 * port 10001 unless the URL or `udpPort` says otherwise, unverified).
 *
 * One request at a time (the transport's RequestChannel), each with its
 * timeout and bounded retries (DP5_DEFAULTS); every request the driver sends
 * is idempotent, so a retry cannot do harm. The framer is reset before each
 * attempt: the protocol has no request ids, so bytes from before the request
 * are stale. Replies of another kind arriving meanwhile (a late answer to an
 * abandoned attempt) are passed over; a late reply of the same kind answers
 * an identical request, which is harmless. Acknowledges name no request, so
 * after a late one an ACK may be taken for the next command's (and that
 * command's for the one after) until a request of another kind comes: it
 * takes a reply later than the reply timeout (1 s, against replies of
 * milliseconds), and shifts OKs unless a command was refused meanwhile.
 *
 * Errors: Dp5Error for the protocol (ACK refusals as ACK_* codes, garbled
 * packets); TransportError for the link (TIMEOUT after the retries,
 * DISCONNECTED, CANCELED after close()). `lost` resolves once the link is
 * lost or closed: reconnecting means a new driver.
 */
export class AmptekDp5 {
  /** Resolves (never rejects) with the reason once the link is lost or closed. */
  readonly lost: Promise<string>;
  private readonly parser = new Dp5PacketParser();
  private readonly events = new Subject<Dp5PacketEvent>();
  private readonly channel: RequestChannel<Dp5PacketEvent>;
  private readonly framing: Subscription;
  private readonly replyTimeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly random: () => number;
  private readonly maxTextConfigurationBytes: number;
  /** Real ms per byte on the slowest line of the path (0 over UDP). */
  private readonly msPerByte: number;

  /**
   * The driver on an open transport. `lineBaudRate`: the slowest serial line
   * on the path, for the time long replies take (null: none, as over UDP).
   */
  constructor(
    private readonly transport: Transport,
    options: Omit<AmptekDp5Options, 'lineBaudRate'> = {},
    lineBaudRate: number | null = DP5_DEFAULTS.baudRate,
  ) {
    this.replyTimeoutMs = options.replyTimeoutMs ?? DP5_DEFAULTS.replyTimeoutMs;
    this.retry = options.retry ?? DP5_DEFAULTS.retry;
    this.random = options.random ?? Math.random;
    this.maxTextConfigurationBytes = options.maxTextConfigurationBytes ?? DP5_DEFAULTS.maxTextConfigurationBytes;
    // 10 bits per byte on an 8N1 line.
    this.msPerByte = lineBaudRate === null ? 0 : 10_000 / lineBaudRate;
    this.channel = new RequestChannel(transport, this.events.asObservable(), { timeoutMs: this.replyTimeoutMs });
    // The framer lives in this one subscription, for the driver's life.
    this.framing = transport.data$.subscribe({
      next: (chunk) => {
        for (const event of this.parser.push(chunk)) this.events.next(event);
      },
      error: (e: unknown) => this.events.error(e),
      complete: () => this.events.complete(),
    });
    this.lost = new Promise((resolve) =>
      transport.data$.subscribe({ error: (e: unknown) => resolve(errorMessage(e)), complete: () => resolve(`${transport.url}: closed`) }),
    );
  }

  /** Opens the link the URL names and the driver on it; TransportError BAD_URL or OPEN_FAILED when it cannot. */
  static async open(url: string, options: AmptekDp5Options = {}): Promise<AmptekDp5> {
    const resolved = withUdpPort(url, options.udpPort ?? DP5_DEFAULTS.udpPort);
    const endpoint = parseLinkUrl(resolved);
    const lineBaudRate =
      options.lineBaudRate ?? (endpoint.kind === 'serial' ? (endpoint.baudRate ?? DP5_DEFAULTS.baudRate) : endpoint.kind === 'tcp' ? DP5_DEFAULTS.baudRate : null);
    const transport = await openTransport(resolved, { defaultBaudRate: DP5_DEFAULTS.baudRate, connectTimeoutMs: options.connectTimeoutMs ?? DP5_DEFAULTS.connectTimeoutMs });
    return new AmptekDp5(transport, options, lineBaudRate);
  }

  get url(): string {
    return this.transport.url;
  }

  /** Model, serial number, firmware and FPGA versions, from a status. */
  async identify(): Promise<Dp5Identity> {
    const status = await this.status();
    return {
      model: deviceType(status.deviceId) ?? `device id ${status.deviceId}`,
      deviceId: status.deviceId,
      serialNumber: status.serialNumber,
      firmware: versionText(status.firmwareVersion),
      fpga: versionText(status.fpgaVersion),
    };
  }

  /** `01 01` -> `80 01`. */
  status(): Promise<Dp5Status> {
    return this.transact(statusRequest(), (packet) => (hasPids(packet, REPLY_PIDS.status) ? decodeStatusReply(packet) : undefined));
  }

  /** `02 01` (counts) or `02 03` (counts and status) -> `81 xx`, whatever the channel count. */
  spectrum(options: { withStatus: boolean }): Promise<Dp5Spectrum> {
    return this.transact(
      spectrumRequest(options),
      (packet) => {
        if (packet.pid1 !== SPECTRUM_REPLY_PID1) return undefined;
        const spectrum = decodeSpectrum(packet);
        if ((spectrum.status !== null) !== options.withStatus) {
          throw new Dp5Error(`asked for a spectrum ${options.withStatus ? 'with' : 'without'} status, got the other`, 'BAD_PACKET', { pid2: packet.pid2 });
        }
        return spectrum;
      },
      this.replyTimeoutMs + DP5_DEFAULTS.lineTimeFactor * this.msPerByte * LARGEST_REPLY_BYTES,
    );
  }

  /** `20 02` with ASCII commands such as `PRET=60;MCAC=4096;`; BAD_CONFIGURATION before sending text the device would not take, ACK_BAD_PARAMETER when it refuses. */
  async configure(text: string): Promise<void> {
    return this.command(textConfigurationRequest(text, this.maxTextConfigurationBytes));
  }

  /** `20 03` -> `82 07`: the values of the named commands as the device holds them, by name. */
  async readConfiguration(names: readonly string[]): Promise<Record<string, string>> {
    const request = readConfigurationRequest(names, this.maxTextConfigurationBytes);
    return this.transact(request, (packet) => (hasPids(packet, REPLY_PIDS.configurationReadback) ? decodeConfigurationReadback(packet) : undefined));
  }

  /** `F0 01`: spectrum and counters to zero. */
  clear(): Promise<void> {
    return this.command(clearSpectrumRequest());
  }

  /** `F0 02`: start accumulating. */
  enable(): Promise<void> {
    return this.command(enableMcaRequest());
  }

  /** `F0 03`: stop accumulating (the safe state). Goes before queued requests. */
  disable(): Promise<void> {
    return this.command(disableMcaRequest(), { urgent: true });
  }

  /** `F1 7F` -> `8F 7F`: the link round trip; ECHO_MISMATCH when the data come back different. */
  async echo(data: Uint8Array = DEFAULT_ECHO): Promise<Uint8Array> {
    return this.transact(echoRequest(data), (packet) => {
      if (!hasPids(packet, REPLY_PIDS.echo)) return undefined;
      const back = decodeEcho(packet);
      if (!sameBytes(back, data)) throw new Dp5Error(`the echo of ${data.length} bytes came back as ${back.length} different ones`, 'ECHO_MISMATCH', { sent: data.length, received: back.length });
      return back;
    });
  }

  /** Lets the running request finish, then closes the link: requests waiting for a reply or for the line fail with CANCELED. */
  async close(): Promise<void> {
    await this.channel.exclusive(async () => undefined, { urgent: true }).catch(() => undefined);
    // Closing completes data$, and with it the packets a waiting request listens to.
    await this.transport.close();
    this.framing.unsubscribe();
  }

  /** A request the device answers with ACK OK. */
  private command(request: Uint8Array, options: { urgent?: boolean } = {}): Promise<void> {
    return this.transact(request, (packet) => (isAck(packet) && packet.pid2 === ACK.ok ? true : undefined), this.replyTimeoutMs, options).then(() => undefined);
  }

  /**
   * One request with the line to itself, retried as DP5_DEFAULTS.retry says.
   * `collect` answers for the packets of its reply and `undefined` for the
   * others (passed over); an ACK refusal fails the attempt with its code, a
   * garbled packet with the framer's. Skipped garbage is not a failure: the
   * framer has resynchronised and the reply may still come whole.
   */
  private transact<R>(request: Uint8Array, collect: (packet: Dp5Packet) => R | undefined, timeoutMs = this.replyTimeoutMs, options: { urgent?: boolean } = {}): Promise<R> {
    const attempt = () => {
      this.parser.reset();
      return this.channel.exchange(
        request,
        (event: Dp5PacketEvent) => {
          if ('error' in event) {
            if (event.error.code === 'GARBAGE_SKIPPED') return undefined;
            throw event.error;
          }
          const refusal = ackError(event.packet);
          if (refusal) throw refusal;
          return collect(event.packet);
        },
        { timeoutMs },
      );
    };
    return this.channel.exclusive(() => withRetries(attempt, this.retry, isRetriable, this.random), options);
  }
}

/** Timeouts and garbled packets are worth another attempt; refusals and a lost link are not. */
export function isRetriable(e: unknown): boolean {
  return isTransportError(e, 'TIMEOUT') || (isDp5Error(e) && DP5_LINK_FAULT_CODES.has(e.code));
}

/** A `udp://` URL without a port gets `port`; other URLs pass unchanged. */
function withUdpPort(url: string, port: number): string {
  const match = /^udp:\/\/(\[[^\]]*\]|[^/:?#]*)(\/?)$/i.exec(url);
  return match ? `udp://${match[1]}:${port}${match[2]}` : url;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
