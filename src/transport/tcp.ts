import { connect, type Socket } from 'node:net';
import { TRANSPORT_DEFAULTS } from './defaults.js';
import { StreamTransport, type StreamConnector } from './stream-transport.js';
import { TransportError } from './transport.js';
import type { TcpEndpoint } from './url.js';

export interface TcpOptions {
  connectTimeoutMs?: number;
  keepAliveMs?: number;
}

/** Connects to a raw TCP port (ser2net, Moxa NPort, a simulator). */
export function tcpConnector(url: string, endpoint: TcpEndpoint, options: TcpOptions = {}): StreamConnector {
  const connectTimeoutMs = options.connectTimeoutMs ?? TRANSPORT_DEFAULTS.tcpConnectTimeoutMs;
  const keepAliveMs = options.keepAliveMs ?? TRANSPORT_DEFAULTS.tcpKeepAliveMs;
  return {
    open: () =>
      new Promise<Socket>((resolve, reject) => {
        const socket = connect({ host: endpoint.host, port: endpoint.port });
        const fail = (why: string, cause?: unknown) => {
          clearTimeout(timer);
          socket.destroy();
          reject(new TransportError(`${url}: ${why}`, 'OPEN_FAILED', { url }, cause === undefined ? undefined : { cause }));
        };
        const onError = (e: Error) => fail(`cannot connect: ${e.message}`, e);
        const timer = setTimeout(() => fail(`no connection within ${connectTimeoutMs} ms`), connectTimeoutMs);
        socket.once('error', onError);
        socket.once('connect', () => {
          clearTimeout(timer);
          socket.removeListener('error', onError);
          configure(socket, keepAliveMs);
          resolve(socket);
        });
      }),
    release: releaseSocket,
  };
}

/** A transport over a socket that is connected already (the accepting side of a server). */
export async function transportFromSocket(socket: Socket, options: Pick<TcpOptions, 'keepAliveMs'> = {}): Promise<StreamTransport> {
  configure(socket, options.keepAliveMs ?? TRANSPORT_DEFAULTS.tcpKeepAliveMs);
  const url = `tcp://${socket.remoteAddress ?? 'unknown'}:${socket.remotePort ?? 0}`;
  const transport = new StreamTransport(url, { open: () => Promise.resolve(socket), release: releaseSocket });
  await transport.open();
  return transport;
}

function configure(socket: Socket, keepAliveMs: number): void {
  // Commands are short lines: send them at once rather than coalescing (Nagle).
  socket.setNoDelay(true);
  socket.setKeepAlive(true, keepAliveMs);
}

function releaseSocket(stream: import('node:stream').Duplex): Promise<void> {
  const socket = stream as Socket;
  if (socket.closed) return Promise.resolve();
  return new Promise((resolve) => {
    socket.once('close', () => resolve());
    // Bytes already written stay queued in the kernel and are still sent.
    socket.destroy();
  });
}
