import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTransport, openTransport } from './open-transport.js';
import { isTransportError, type Transport } from './transport.js';

describe('TCP transport', () => {
  let server: Server;
  let port: number;
  const peers: Socket[] = [];
  const transports: Transport[] = [];

  beforeEach(async () => {
    server = createServer((socket) => peers.push(socket));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });

  afterEach(async () => {
    await Promise.all(transports.splice(0).map((t) => t.close()));
    for (const peer of peers.splice(0)) peer.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  async function connected(): Promise<{ transport: Transport; peer: Socket }> {
    const accepted = once(server, 'connection');
    const transport = await openTransport(`tcp://127.0.0.1:${port}`);
    transports.push(transport);
    const [peer] = (await accepted) as [Socket];
    return { transport, peer };
  }

  it('carries bytes both ways', async () => {
    const { transport, peer } = await connected();
    expect(transport.isOpen).toBe(true);
    const received = once(peer, 'data');
    await transport.write('t\n');
    expect(String((await received)[0])).toBe('t\n');
    const reply = firstValueFrom(transport.data$);
    peer.write(Buffer.from([0x50, 0x00, 0xff, 0x0a]));
    expect([...(await reply)]).toEqual([0x50, 0x00, 0xff, 0x0a]);
  });

  it('errors data$ with DISCONNECTED when the peer closes, and refuses later writes the same way', async () => {
    const { transport, peer } = await connected();
    const ended = expect(lastValueFrom(transport.data$)).rejects.toSatisfy((e) => isTransportError(e, 'DISCONNECTED'));
    peer.end();
    await ended;
    expect(transport.isOpen).toBe(false);
    await expect(transport.write('Z\n')).rejects.toSatisfy((e) => isTransportError(e, 'DISCONNECTED'));
    // A subscriber arriving after the loss learns of it at once.
    await expect(lastValueFrom(transport.data$)).rejects.toSatisfy((e) => isTransportError(e, 'DISCONNECTED'));
  });

  it('rejects a write still pending when the link is lost with DISCONNECTED', async () => {
    const { transport, peer } = await connected();
    // The peer does not read: a large write stays pending once the kernel buffers are full.
    peer.pause();
    transport.data$.subscribe({ error: () => {} });
    const pending = transport.write(new Uint8Array(64 * 1024 * 1024));
    peer.destroy();
    await expect(pending).rejects.toSatisfy((e) => isTransportError(e, 'DISCONNECTED'));
  });

  it('completes data$ on close, cancels pending and later writes, and tells the peer', async () => {
    const { transport, peer } = await connected();
    peer.pause();
    const received = lastValueFrom(transport.data$.pipe(toArray()));
    const pending = transport.write(new Uint8Array(64 * 1024 * 1024));
    const peerSawEnd = once(peer, 'close');
    const pendingOutcome = expect(pending).rejects.toSatisfy((e) => isTransportError(e, 'CANCELED'));
    await transport.close();
    await expect(received).resolves.toEqual([]);
    await pendingOutcome;
    await expect(transport.write('x')).rejects.toSatisfy((e) => isTransportError(e, 'CANCELED'));
    peer.resume();
    await peerSawEnd;
    await transport.close();
    expect(transport.isOpen).toBe(false);
  });

  it('fails to open with OPEN_FAILED when nobody listens', async () => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const freePort = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    await expect(openTransport(`tcp://127.0.0.1:${freePort}`)).rejects.toSatisfy((e) => isTransportError(e, 'OPEN_FAILED'));
  });

  it('refuses writes before open and opens only once', async () => {
    const transport = createTransport(`tcp://127.0.0.1:${port}`);
    transports.push(transport);
    await expect(transport.write('x')).rejects.toSatisfy((e) => isTransportError(e, 'WRITE_FAILED'));
    await transport.open();
    await transport.close();
    await expect(transport.open()).rejects.toSatisfy((e) => isTransportError(e, 'OPEN_FAILED'));
  });

  it('rejects a bad URL with BAD_URL before touching the network', () => {
    expect(() => createTransport('tcp://127.0.0.1')).toThrow(expect.objectContaining({ code: 'BAD_URL' }));
  });
});
