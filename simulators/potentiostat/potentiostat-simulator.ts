import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { BehaviorSubject, distinctUntilChanged, type Observable } from 'rxjs';
import type { Clock } from '../../src/core/clock.js';
import { errorMessage } from '../../src/core/errors.js';
import { silentLogger, type Logger } from '../../src/core/logger.js';
import { openTransport } from '../../src/transport/open-transport.js';
import { openPtyPair, type PtyPair } from '../../src/transport/pty-pair.js';
import { transportFromSocket } from '../../src/transport/tcp.js';
import type { Transport } from '../../src/transport/transport.js';
import { Random } from '../common/random.js';
import { DEFAULT_LISTEN_HOST, tcpAuthority } from '../common/tcp-endpoint.js';
import type { CellModel } from './cell/index.js';
import { SIMULATOR_DEFAULTS, type DeviceIdentity } from './defaults.js';
import { MethodScriptDevice, type DeviceEvent } from './device.js';
import { SimulatorFaults } from './faults.js';
import { channelRangeSettings, SimulatedChannel, type NoiseSettings } from './simulated-channel.js';

export interface PotentiostatSimulatorOptions {
  readonly cell: CellModel;
  /** Lab time: the device measures on it (a ScaledClock runs a lab hour in seconds). */
  readonly clock: Clock;
  /** Seed of the measurement noise. */
  readonly seed?: number;
  readonly noise?: NoiseSettings;
  readonly identity?: Partial<DeviceIdentity>;
  readonly logger?: Logger;
}

export interface SimulatorStatus {
  readonly cellOn: boolean;
  readonly mode: number;
  readonly running: boolean;
  readonly connected: boolean;
  /** Reply bytes produced and not yet taken by the link (at most MAX_QUEUED_REPLY_BYTES). */
  readonly queuedReplyBytes: number;
  /** Reply lines thrown away because the queue was full: nobody read them. */
  readonly lostReplyLines: number;
}

/** Serial speed in the URLs the simulator gives out: the EmStat Pico's (on a pseudo-terminal any speed works). */
const SERIAL_BAUD = 230_400;

/**
 * Reply bytes the simulator holds for a link that does not take them. A
 * script keeps running when its host goes away; on a pseudo-terminal nobody
 * has open, the kernel's buffers fill (a few tens of kB) and writes wait, so
 * without a bound hours of output would pile up in memory and reach the next
 * host. Past the bound lines are lost, as from an instrument's full transmit
 * buffer. A reading host keeps the queue near empty, far below the bound.
 */
export const MAX_QUEUED_REPLY_BYTES = 64 * 1024;

/**
 * A MethodSCRIPT potentiostat with a simulated cell, serving the real wire
 * protocol on one byte stream at a time: a socat pseudo-terminal pair it owns
 * (`servePty`), a serial port (`attachSerial`) or a TCP port (`listen`; a new
 * client replaces the previous one, as after a reconnect). The driver connects
 * to `url`. Like an instrument on a serial line or behind a serial device
 * server, it does not notice its host going away: a running script goes on
 * driving the cell on the lab clock, its output is lost while nobody is
 * connected (TCP) or waits in the pseudo-terminal for the next host, and the
 * next host is served.
 */
export class PotentiostatSimulator {
  readonly cell: CellModel;
  readonly faults: SimulatorFaults;
  readonly events$: Observable<DeviceEvent>;
  /** Whether a host is connected, as the simulator sees it (a killed host's socket closes a moment after its death). */
  readonly connected$: Observable<boolean>;
  private readonly connectedSubject = new BehaviorSubject(false);
  private readonly channel: SimulatedChannel;
  private readonly device: MethodScriptDevice;
  private readonly logger: Logger;
  private link: Transport | null = null;
  private pty: PtyPair | null = null;
  /** Where the pseudo-terminal links live, kept across a replug so the host's URL stays valid; `own` when made here. */
  private ptyDirectory: { readonly path: string; readonly own: boolean } | null = null;
  private server: Server | null = null;
  private servedUrl: string | null = null;
  /** Reply lines go out in order, also when the delay fault holds them back. */
  private outgoing: Promise<void> = Promise.resolve();
  private queuedReplyBytes = 0;
  private lostReplyLines = 0;

  constructor(options: PotentiostatSimulatorOptions) {
    this.cell = options.cell;
    this.logger = options.logger ?? silentLogger;
    const identity = { ...SIMULATOR_DEFAULTS.identity, ...options.identity };
    this.channel = new SimulatedChannel(options.cell, new Random(options.seed ?? SIMULATOR_DEFAULTS.seed), options.noise ?? SIMULATOR_DEFAULTS.noise, options.clock.nowMs(), channelRangeSettings(identity.device));
    this.device = new MethodScriptDevice({
      identity,
      channel: this.channel,
      clock: options.clock,
      logger: this.logger,
      output: (line) => this.send(`${line}\n`),
    });
    this.events$ = this.device.events$;
    this.connected$ = this.connectedSubject.pipe(distinctUntilChanged());
    this.faults = new SimulatorFaults({ drop: () => this.drop(), replug: () => this.replug(), inject: (bytes) => this.write(bytes) });
  }

  /** The transport URL a driver opens to reach this simulator. */
  get url(): string {
    if (this.servedUrl === null) throw new Error('the simulator serves nothing yet');
    return this.servedUrl;
  }

  status(): SimulatorStatus {
    return {
      cellOn: this.channel.cellOn,
      mode: this.channel.mode,
      running: this.device.busy,
      connected: this.link?.isOpen ?? false,
      queuedReplyBytes: this.queuedReplyBytes,
      lostReplyLines: this.lostReplyLines,
    };
  }

  /** Creates a socat pseudo-terminal pair, serves one end, and returns the URL of the other. */
  async servePty(options: { directory?: string } = {}): Promise<string> {
    this.checkNotServing();
    this.ptyDirectory = options.directory === undefined ? { path: await mkdtemp(join(tmpdir(), 'operando-pstat-pty-')), own: true } : { path: options.directory, own: false };
    await this.openPty(this.ptyDirectory.path);
    return (this.servedUrl = `serial://${this.pty!.pathB}?baud=${SERIAL_BAUD}`);
  }

  private async openPty(directory: string): Promise<void> {
    this.pty = await openPtyPair({ directory });
    this.attach(await openTransport(`serial://${this.pty.pathA}?baud=${SERIAL_BAUD}`));
  }

  /** Serves an existing serial port (the far end of a null-modem cable or pseudo-terminal). */
  async attachSerial(path: string): Promise<void> {
    this.checkNotServing();
    this.attach(await openTransport(`serial://${path}?baud=${SERIAL_BAUD}`));
  }

  /** Serves TCP on `host:port` (0: a free port) and returns the URL. */
  async listen(port = 0, host = DEFAULT_LISTEN_HOST): Promise<string> {
    this.checkNotServing();
    const server = createServer((socket) => {
      transportFromSocket(socket).then(
        (link) => this.attach(link),
        (e: unknown) => this.logger.warn({ err: errorMessage(e) }, 'simulator could not take a client'),
      );
    });
    this.server = server;
    server.listen(port, host);
    await once(server, 'listening');
    const address = server.address() as AddressInfo;
    return (this.servedUrl = `tcp://${tcpAuthority(host, address.port)}`);
  }

  /** Stops a running script, the links and the server. */
  async close(): Promise<void> {
    await this.device.stop();
    const server = this.server;
    this.server = null;
    await this.drop();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    const directory = this.ptyDirectory;
    this.ptyDirectory = null;
    if (directory?.own) await rm(directory.path, { recursive: true, force: true });
  }

  /** One way of serving at a time: a second would leak the first. */
  private checkNotServing(): void {
    if (this.server || this.pty || this.link) throw new Error('the simulator serves a link already');
  }

  private attach(link: Transport): void {
    const previous = this.link;
    this.setLink(link);
    if (previous) void previous.close();
    link.data$.subscribe({
      next: (bytes) => this.device.receive(bytes),
      error: () => this.detach(link),
      complete: () => this.detach(link),
    });
  }

  private detach(link: Transport): void {
    if (this.link === link) this.setLink(null);
  }

  private setLink(link: Transport | null): void {
    this.link = link;
    this.connectedSubject.next(link !== null);
  }

  private async drop(): Promise<void> {
    const link = this.link;
    const pty = this.pty;
    this.setLink(null);
    this.pty = null;
    // Killing socat first: to the host, the cable is pulled, not its far end closed.
    if (pty) await pty.close();
    if (link) await link.close();
  }

  /** The cable pulled and plugged back in: a pseudo-terminal pair is made again at the same links; a TCP port takes the host's next connection anyway. */
  private async replug(): Promise<void> {
    await this.drop();
    if (this.ptyDirectory) await this.openPty(this.ptyDirectory.path);
  }

  private send(text: string): void {
    if (this.faults.dropReplies) return;
    const delayMs = this.faults.replyDelayMs;
    const bytes = new Uint8Array(Buffer.from(text, 'latin1'));
    if (this.queuedReplyBytes + bytes.length > MAX_QUEUED_REPLY_BYTES) {
      if (this.lostReplyLines++ === 0) this.logger.warn({ queuedBytes: this.queuedReplyBytes }, 'simulator output is not being read: reply lines are lost');
      return;
    }
    this.queuedReplyBytes += bytes.length;
    // Link latency is real time, not lab time.
    const delayed = delayMs <= 0 ? this.outgoing : this.outgoing.then(() => new Promise<void>((resolve) => setTimeout(resolve, delayMs)));
    this.outgoing = delayed.then(() => this.write(bytes)).then(() => {
      this.queuedReplyBytes -= bytes.length;
    });
  }

  private async write(bytes: Uint8Array): Promise<void> {
    const link = this.link;
    if (!link?.isOpen) return;
    try {
      await link.write(bytes);
    } catch (e) {
      this.logger.debug({ err: errorMessage(e) }, 'simulator reply lost with its link');
    }
  }
}
