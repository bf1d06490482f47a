import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../src/core/clock.js';
import { errorMessage } from '../../src/core/errors.js';
import { silentLogger, type Logger } from '../../src/core/logger.js';
import { openTransport } from '../../src/transport/open-transport.js';
import { openPtyPair, type PtyPair } from '../../src/transport/pty-pair.js';
import { transportFromSocket } from '../../src/transport/tcp.js';
import type { Transport } from '../../src/transport/transport.js';
import { DEFAULT_LISTEN_HOST, tcpAuthority, type TcpListenOptions } from '../common/tcp-endpoint.js';
import { DP5_SIMULATOR_DEFAULTS } from './defaults.js';
import { Dp5Device, type Dp5DeviceState, type Dp5Identity } from './dp5-device.js';
import { Dp5Faults } from './dp5-faults.js';
import type { SpectrumSource } from './spectrum-source.js';

/** `pty`: a socat pseudo-terminal pair (the DP5's RS-232); `udp`: a UDP port (its Ethernet interface); `tcp`: a TCP port (its RS-232 behind a serial device server). */
export type Dp5Link = 'pty' | 'udp' | 'tcp';

export interface Dp5SimulatorOptions extends TcpListenOptions {
  readonly clock: Clock;
  readonly link: Dp5Link;
  readonly source: SpectrumSource;
  readonly seed: number;
  readonly identity?: Partial<Dp5Identity>;
  readonly deadTimeS?: number;
  readonly logger?: Logger;
}

export interface Dp5SimulatorStatus extends Dp5DeviceState {
  /** A host link is attached (pty, TCP client) or the UDP port is open. */
  readonly connected: boolean;
  /** Reply bytes produced and not yet taken by a stream link. */
  readonly queuedReplyBytes: number;
  /** Replies thrown away because the queue was full: nobody read them. */
  readonly lostReplies: number;
}

/**
 * A simulated Amptek DP5 serving its packet protocol from the other end of a
 * real link: a socat pseudo-terminal pair at 115200 baud, a UDP port (each
 * reply a datagram to the sender of its request), or a TCP port (one client
 * at a time; a new one replaces the previous, as after a reconnect). The MCA
 * (Dp5Device) runs on the lab clock whether or not a host is connected.
 * Fault hooks: `faults` (drop or corrupt replies, busy, garbage, a pulled
 * cable).
 */
export class Dp5Simulator {
  readonly device: Dp5Device;
  readonly faults: Dp5Faults;
  private readonly logger: Logger;
  private servedUrl: string | null = null;
  /** Stream links (pty, TCP). */
  private link: Transport | null = null;
  private pty: PtyPair | null = null;
  private ptyDirectory: { readonly path: string; readonly own: boolean } | null = null;
  private server: Server | null = null;
  /** UDP. */
  private udp: Socket | null = null;
  private udpAddress: { readonly host: string; port: number } | null = null;
  private lastUdpPeer: RemoteInfo | null = null;
  private outgoing: Promise<void> = Promise.resolve();
  private queuedReplyBytes = 0;
  private lostReplies = 0;

  private constructor(options: Dp5SimulatorOptions) {
    this.logger = options.logger ?? silentLogger;
    this.device = new Dp5Device({
      clock: options.clock,
      source: options.source,
      seed: options.seed,
      ...(options.identity && { identity: options.identity }),
      ...(options.deadTimeS !== undefined && { deadTimeS: options.deadTimeS }),
    });
    this.faults = new Dp5Faults({ drop: () => this.drop(), replug: () => this.replug(), inject: (bytes) => this.inject(bytes) });
  }

  /** A simulator serving on its link; `url` is what the DP5 driver opens. Whatever was started is released on a failure. */
  static async start(options: Dp5SimulatorOptions): Promise<Dp5Simulator> {
    const simulator = new Dp5Simulator(options);
    try {
      if (options.link === 'pty') await simulator.servePty();
      else if (options.link === 'udp') await simulator.serveUdp(options.port ?? 0, options.host ?? DEFAULT_LISTEN_HOST);
      else await simulator.listenTcp(options.port ?? 0, options.host ?? DEFAULT_LISTEN_HOST);
    } catch (e) {
      await simulator.close();
      throw e;
    }
    return simulator;
  }

  get url(): string {
    if (this.servedUrl === null) throw new Error('the DP5 simulator serves nothing yet');
    return this.servedUrl;
  }

  status(): Dp5SimulatorStatus {
    return {
      ...this.device.state(),
      connected: (this.link?.isOpen ?? false) || this.udp !== null,
      queuedReplyBytes: this.queuedReplyBytes,
      lostReplies: this.lostReplies,
    };
  }

  /** Stops serving: links, ports, socat; the temporary pseudo-terminal directory is removed. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    await this.drop();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    const directory = this.ptyDirectory;
    this.ptyDirectory = null;
    if (directory?.own) await rm(directory.path, { recursive: true, force: true });
  }

  private async servePty(): Promise<void> {
    this.ptyDirectory = { path: await mkdtemp(join(tmpdir(), 'operando-dp5-pty-')), own: true };
    await this.openPty(this.ptyDirectory.path);
    this.servedUrl = `serial://${this.pty!.pathB}?baud=${DP5_SIMULATOR_DEFAULTS.serialBaud}`;
  }

  private async openPty(directory: string): Promise<void> {
    this.pty = await openPtyPair({ directory });
    this.attach(await openTransport(`serial://${this.pty.pathA}?baud=${DP5_SIMULATOR_DEFAULTS.serialBaud}`));
  }

  private async listenTcp(port: number, host: string): Promise<void> {
    const server = createServer((socket) => {
      transportFromSocket(socket).then(
        (link) => this.attach(link),
        (e: unknown) => this.logger.warn({ err: errorMessage(e) }, 'DP5 simulator could not take a client'),
      );
    });
    this.server = server;
    server.listen(port, host);
    await once(server, 'listening');
    const address = server.address();
    const bound = typeof address === 'object' && address !== null ? address.port : port;
    this.servedUrl = `tcp://${tcpAuthority(host, bound)}`;
  }

  /** Binds the UDP port (the same one again after a replug) and answers each datagram's requests to its sender. */
  private async serveUdp(port: number, host: string): Promise<void> {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    socket.on('message', (message: Buffer, from: RemoteInfo) => {
      this.lastUdpPeer = from;
      // A datagram carries whole requests: whatever an earlier one left is stale.
      this.device.resetFraming();
      for (const reply of this.replies(message)) {
        socket.send(reply, from.port, from.address, (e) => {
          if (e) this.logger.debug({ err: errorMessage(e) }, 'DP5 simulator reply datagram lost');
        });
      }
    });
    socket.on('error', (e: Error) => this.logger.warn({ err: errorMessage(e) }, 'DP5 simulator UDP socket error'));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.removeListener('error', reject);
        resolve();
      });
    });
    this.udp = socket;
    this.udpAddress = { host, port: socket.address().port };
    this.servedUrl = `udp://${tcpAuthority(host, this.udpAddress.port)}`;
  }

  private attach(link: Transport): void {
    const previous = this.link;
    this.link = link;
    if (previous) void previous.close();
    link.data$.subscribe({
      next: (bytes) => {
        for (const reply of this.replies(bytes)) this.send(reply);
      },
      error: () => this.detach(link),
      complete: () => this.detach(link),
    });
  }

  private detach(link: Transport): void {
    if (this.link === link) this.link = null;
  }

  /** The device's replies to `bytes`, with the reply faults applied. */
  private replies(bytes: Uint8Array): Uint8Array[] {
    const replies = this.device.receive(bytes, { busy: this.faults.busyReplies });
    if (this.faults.dropReplies) return [];
    if (this.faults.corruptChecksums) for (const reply of replies) reply[reply.length - 1]! ^= 0xff;
    return replies;
  }

  /** A reply to the stream link, in order, within the bound of bytes nobody has taken yet. */
  private send(bytes: Uint8Array): void {
    if (this.queuedReplyBytes + bytes.length > DP5_SIMULATOR_DEFAULTS.maxQueuedReplyBytes) {
      if (this.lostReplies++ === 0) this.logger.warn({ queuedBytes: this.queuedReplyBytes }, 'DP5 simulator output is not being read: replies are lost');
      return;
    }
    this.queuedReplyBytes += bytes.length;
    this.outgoing = this.outgoing
      .then(() => this.writeToLink(bytes))
      .then(() => {
        this.queuedReplyBytes -= bytes.length;
      });
  }

  private async writeToLink(bytes: Uint8Array): Promise<void> {
    const link = this.link;
    if (!link?.isOpen) return;
    try {
      await link.write(bytes);
    } catch (e) {
      this.logger.debug({ err: errorMessage(e) }, 'DP5 simulator reply lost with its link');
    }
  }

  private async inject(bytes: Uint8Array): Promise<void> {
    const udp = this.udp;
    const peer = this.lastUdpPeer;
    if (udp && peer) {
      await new Promise<void>((resolve) => udp.send(bytes, peer.port, peer.address, () => resolve()));
      return;
    }
    await this.writeToLink(bytes);
  }

  private async drop(): Promise<void> {
    const link = this.link;
    const pty = this.pty;
    const udp = this.udp;
    this.link = null;
    this.pty = null;
    this.udp = null;
    // socat first: to the host the cable is pulled, not its far end closed.
    if (pty) await pty.close();
    if (link) await link.close();
    if (udp) await new Promise<void>((resolve) => udp.close(() => resolve()));
  }

  private async replug(): Promise<void> {
    await this.drop();
    if (this.ptyDirectory) await this.openPty(this.ptyDirectory.path);
    if (this.udpAddress) await this.serveUdp(this.udpAddress.port, this.udpAddress.host);
  }
}
