import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { Subject } from 'rxjs';
import { TRANSPORT_DEFAULTS } from './defaults.js';
import { TransportError, type Transport } from './transport.js';
import type { UdpEndpoint } from './url.js';

export interface UdpOptions {
  /** Bounds the name lookup and the connect of `open()` (real ms); the TCP connect timeout by default. */
  connectTimeoutMs?: number;
}

/**
 * The largest UDP payload over IPv4 (65535 - 8 UDP header - 20 IP header).
 * A write above it cannot be one datagram, so it is refused before anything
 * is sent (WRITE_FAILED), not counted as a lost link.
 */
export const MAX_UDP_PAYLOAD = 65_507;

type State = 'new' | 'opening' | 'open' | 'closed' | 'disconnected';

/**
 * `udp://host:port`: the Transport contract (transport.ts) over UDP
 * datagrams, for instruments with a datagram port (the Amptek DP5's Ethernet
 * interface).
 *
 * - One `write()` is one datagram, sent whole or not at all; each datagram
 *   received is one `data$` chunk. Framing above works on chunks as on any
 *   byte stream, so a reply split over several datagrams is joined there.
 * - The socket is connected to the configured peer (`dgram` connect): the
 *   kernel delivers datagrams from that address and port only, and each
 *   `message` is checked against it again, so another host cannot inject
 *   replies.
 * - UDP has no connection to lose. The link counts as lost (DISCONNECTED)
 *   when the socket reports an error: on a connected socket the kernel turns
 *   an ICMP "port unreachable" (the peer's port closed, the device rebooting)
 *   into ECONNREFUSED. A peer that simply stops answering is noticed by the
 *   request timeouts above, as on a serial line.
 * - Datagrams may be lost or reordered; the protocol above retries (the
 *   DP5 driver's bounded retries), nothing here resends.
 */
export class UdpTransport implements Transport {
  private state: State = 'new';
  private socket: Socket | null = null;
  private readonly subject = new Subject<Uint8Array>();
  /** Rejecters of sends whose callback has not come yet. */
  private readonly pendingWrites = new Set<(error: TransportError) => void>();
  private terminalError: TransportError | null = null;
  private readonly connectTimeoutMs: number;

  readonly data$ = this.subject.asObservable();

  constructor(
    readonly url: string,
    private readonly endpoint: UdpEndpoint,
    options: UdpOptions = {},
  ) {
    this.connectTimeoutMs = options.connectTimeoutMs ?? TRANSPORT_DEFAULTS.tcpConnectTimeoutMs;
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  async open(): Promise<void> {
    if (this.state === 'open') return;
    if (this.state !== 'new') throw new TransportError(`${this.url}: a transport opens once (it is ${this.state})`, 'OPEN_FAILED', { url: this.url });
    this.state = 'opening';
    let socket: Socket;
    try {
      socket = await this.connectSocket();
    } catch (e) {
      if (this.state === 'opening') this.state = 'closed';
      this.subject.complete();
      throw e;
    }
    if (this.state !== 'opening') {
      await closeSocket(socket);
      throw new TransportError(`${this.url}: closed while opening`, 'CANCELED', { url: this.url });
    }
    this.socket = socket;
    this.state = 'open';
  }

  write(data: Uint8Array | string): Promise<void> {
    const socket = this.socket;
    if (this.state !== 'open' || socket === null) return Promise.reject(this.notOpenError());
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    if (bytes.byteLength > MAX_UDP_PAYLOAD) {
      return Promise.reject(
        new TransportError(`${this.url}: ${bytes.byteLength} bytes do not fit one datagram (at most ${MAX_UDP_PAYLOAD})`, 'WRITE_FAILED', { url: this.url, bytes: bytes.byteLength }),
      );
    }
    return new Promise<void>((resolve, reject) => {
      const fail = (error: TransportError) => {
        this.pendingWrites.delete(fail);
        reject(error);
      };
      this.pendingWrites.add(fail);
      socket.send(bytes, (e) => {
        if (!this.pendingWrites.delete(fail)) return; // already rejected by close() or a loss
        if (e) {
          this.lost(e);
          reject(this.terminalError ?? this.notOpenError());
        } else {
          resolve();
        }
      });
    });
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    const socket = this.socket;
    this.socket = null;
    if (this.state !== 'disconnected') {
      this.terminalError = new TransportError(`${this.url}: closed`, 'CANCELED', { url: this.url });
      this.failPendingWrites(this.terminalError);
      this.subject.complete();
    }
    this.state = 'closed';
    if (socket) await closeSocket(socket);
  }

  /** Resolves the host, then a socket of its family connected to the peer; OPEN_FAILED on any failure or after the timeout. */
  private async connectSocket(): Promise<Socket> {
    const { host, port } = this.endpoint;
    let timer: NodeJS.Timeout | undefined;
    let socket: Socket | null = null;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.openFailed(`no connection within ${this.connectTimeoutMs} ms`)), this.connectTimeoutMs);
    });
    const connecting = (async () => {
      let resolved: { address: string; family: number };
      try {
        resolved = await lookup(host);
      } catch (e) {
        throw this.openFailed(`cannot resolve ${host}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, e);
      }
      const created = createSocket(resolved.family === 6 ? 'udp6' : 'udp4');
      socket = created;
      await new Promise<void>((resolve, reject) => {
        const onError = (e: Error) => reject(this.openFailed(`cannot connect: ${e.message}`, e));
        created.once('error', onError);
        created.connect(port, resolved.address, () => {
          created.removeListener('error', onError);
          resolve();
        });
      });
      const peer = { address: resolved.address, port };
      // Listening from the connect on, so no socket error goes unhandled; both act only once open.
      created.on('message', (message: Buffer, from: RemoteInfo) => {
        // The kernel filters by the connected peer already; a second look costs nothing.
        if (this.state !== 'open' || from.address !== peer.address || from.port !== peer.port) return;
        this.subject.next(new Uint8Array(message.buffer, message.byteOffset, message.byteLength));
      });
      created.on('error', (e: Error) => this.lost(e));
      return created;
    })();
    try {
      return await Promise.race([connecting, timeout]);
    } catch (e) {
      // A socket made before the failure (or the timeout) is released, also one made after it.
      void connecting.then(closeSocket, () => undefined);
      const made = socket as Socket | null;
      if (made) await closeSocket(made);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  private lost(cause: unknown): void {
    if (this.state !== 'open') return;
    this.state = 'disconnected';
    this.terminalError = new TransportError(`${this.url}: disconnected`, 'DISCONNECTED', { url: this.url }, { cause });
    this.failPendingWrites(this.terminalError);
    this.subject.error(this.terminalError);
  }

  private failPendingWrites(error: TransportError): void {
    for (const fail of [...this.pendingWrites]) fail(error);
  }

  private notOpenError(): TransportError {
    return this.terminalError ?? new TransportError(`${this.url}: not open`, 'WRITE_FAILED', { url: this.url });
  }

  private openFailed(why: string, cause?: unknown): TransportError {
    return new TransportError(`${this.url}: ${why}`, 'OPEN_FAILED', { url: this.url }, cause === undefined ? undefined : { cause });
  }
}

/** Closes a socket once; resolves when it is closed (at once if it was). */
function closeSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      // ERR_SOCKET_DGRAM_NOT_RUNNING: closed already.
      resolve();
    }
  });
}
