import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTransport, openTransport } from './open-transport.js';
import { isTransportError, type Transport } from './transport.js';
import { MAX_UDP_PAYLOAD } from './udp.js';
import { parseLinkUrl } from './url.js';

/** A UDP socket bound to a free loopback port. */
async function boundSocket(): Promise<Socket> {
  const socket = createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  return socket;
}

function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve();
    }
  });
}

function nextMessage(socket: Socket): Promise<[Buffer, RemoteInfo]> {
  return once(socket, 'message') as Promise<[Buffer, RemoteInfo]>;
}

function sendTo(socket: Socket, bytes: Uint8Array, port: number): Promise<void> {
  return new Promise((resolve, reject) => socket.send(bytes, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
}

describe('UDP transport', () => {
  let peer: Socket;
  const sockets: Socket[] = [];
  const transports: Transport[] = [];

  beforeEach(async () => {
    peer = await boundSocket();
    sockets.push(peer);
  });

  afterEach(async () => {
    await Promise.all(transports.splice(0).map((t) => t.close()));
    await Promise.all(sockets.splice(0).map(closed));
  });

  async function opened(): Promise<Transport> {
    const transport = await openTransport(`udp://127.0.0.1:${peer.address().port}`);
    transports.push(transport);
    return transport;
  }

  it('sends each write as one datagram and delivers each datagram as one chunk', async () => {
    const transport = await opened();
    expect(transport.isOpen).toBe(true);
    const received = nextMessage(peer);
    await transport.write(new Uint8Array([0xf5, 0xfa, 0x01, 0x01, 0x00, 0x00, 0xfe, 0x0f]));
    const [message, from] = await received;
    expect([...message]).toEqual([0xf5, 0xfa, 0x01, 0x01, 0x00, 0x00, 0xfe, 0x0f]);
    // Two datagrams back: two chunks, each whole, in order.
    const chunks = lastValueFrom(transport.data$.pipe(take(2), toArray()));
    await sendTo(peer, new Uint8Array([1, 2, 3]), from.port);
    await sendTo(peer, new Uint8Array(3000).fill(7), from.port);
    const [first, second] = await chunks;
    expect([...first!]).toEqual([1, 2, 3]);
    expect(second!.length).toBe(3000);
    expect(second!.every((b) => b === 7)).toBe(true);
  });

  it('takes datagrams from the configured peer only', async () => {
    const transport = await opened();
    const received = nextMessage(peer);
    await transport.write('hello');
    const [, from] = await received;
    const stranger = await boundSocket();
    sockets.push(stranger);
    const firstChunk = firstValueFrom(transport.data$);
    // The stranger's datagram is sent (and would be queued) first; only the peer's arrives.
    await sendTo(stranger, new Uint8Array([0xde, 0xad]), from.port);
    await sendTo(peer, new Uint8Array([0x42]), from.port);
    expect([...(await firstChunk)]).toEqual([0x42]);
  });

  it('errors data$ with DISCONNECTED once the peer port is closed (ICMP port unreachable), and refuses later writes the same way', async () => {
    const transport = await opened();
    const ended = expect(lastValueFrom(transport.data$)).rejects.toSatisfy((e) => isTransportError(e, 'DISCONNECTED'));
    await closed(peer);
    // The datagram goes out; the kernel's answer to it (port unreachable) is the loss.
    await transport.write('anyone?').catch(() => undefined);
    await ended;
    expect(transport.isOpen).toBe(false);
    await expect(transport.write('x')).rejects.toSatisfy((e) => isTransportError(e, 'DISCONNECTED'));
    await expect(lastValueFrom(transport.data$)).rejects.toSatisfy((e) => isTransportError(e, 'DISCONNECTED'));
  });

  it('completes data$ on close and cancels later writes; close is idempotent', async () => {
    const transport = await opened();
    const chunks = lastValueFrom(transport.data$.pipe(toArray()));
    await transport.close();
    await expect(chunks).resolves.toEqual([]);
    await expect(transport.write('x')).rejects.toSatisfy((e) => isTransportError(e, 'CANCELED'));
    await transport.close();
    expect(transport.isOpen).toBe(false);
  });

  it('refuses a write larger than one datagram without losing the link', async () => {
    const transport = await opened();
    await expect(transport.write(new Uint8Array(MAX_UDP_PAYLOAD + 1))).rejects.toSatisfy((e) => isTransportError(e, 'WRITE_FAILED'));
    expect(transport.isOpen).toBe(true);
    const received = nextMessage(peer);
    await transport.write('still here');
    expect(String((await received)[0])).toBe('still here');
  });

  it('refuses writes before open and opens only once', async () => {
    const transport = createTransport(`udp://127.0.0.1:${peer.address().port}`);
    transports.push(transport);
    await expect(transport.write('x')).rejects.toSatisfy((e) => isTransportError(e, 'WRITE_FAILED'));
    await transport.open();
    await transport.close();
    await expect(transport.open()).rejects.toSatisfy((e) => isTransportError(e, 'OPEN_FAILED'));
  });

  it('fails to open with OPEN_FAILED when the host name does not resolve', async () => {
    await expect(openTransport('udp://no-such-host.invalid:10001', { connectTimeoutMs: 3000 })).rejects.toSatisfy((e) => isTransportError(e, 'OPEN_FAILED'));
  });
});

describe('parseLinkUrl', () => {
  it('reads udp://host:port, IPv6 literal included, and passes serial and tcp URLs to parseTransportUrl', () => {
    expect(parseLinkUrl('udp://192.168.1.30:10001')).toEqual({ kind: 'udp', host: '192.168.1.30', port: 10001 });
    expect(parseLinkUrl('udp://[::1]:10001')).toEqual({ kind: 'udp', host: '::1', port: 10001 });
    expect(parseLinkUrl('tcp://moxa.lab:4001')).toEqual({ kind: 'tcp', host: 'moxa.lab', port: 4001 });
    expect(parseLinkUrl('serial:///dev/ttyUSB0?baud=115200')).toMatchObject({ kind: 'serial', path: '/dev/ttyUSB0', baudRate: 115200 });
  });

  it.each([
    ['udp://dp5', 'no port'],
    ['udp://dp5:0', 'port must be a positive integer'],
    ['udp://dp5:70000', 'not a URL'],
    ['udp://dp5:10001/x', 'a UDP URL has no path'],
    ['udp://dp5:10001?timeout=1', 'unknown parameter'],
    ['http://dp5:80', 'links: serial://, tcp://, udp://'],
  ])('rejects %s with BAD_URL', (url, why) => {
    let caught: unknown;
    try {
      parseLinkUrl(url);
    } catch (e) {
      caught = e;
    }
    expect(isTransportError(caught, 'BAD_URL')).toBe(true);
    expect((caught as Error).message).toContain(why);
  });
});
