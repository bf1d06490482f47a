import { firstValueFrom, lastValueFrom } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTransport } from './open-transport.js';
import { openPtyPair, type PtyPair } from './pty-pair.js';
import { isTransportError, type Transport } from './transport.js';

describe('serial transport over a socat pseudo-terminal pair', () => {
  let pair: PtyPair;
  const transports: Transport[] = [];

  beforeEach(async () => {
    pair = await openPtyPair();
  });

  afterEach(async () => {
    await Promise.all(transports.splice(0).map((t) => t.close()));
    await pair.close();
  });

  async function open(url: string): Promise<Transport> {
    const transport = await openTransport(url);
    transports.push(transport);
    return transport;
  }

  it('carries bytes both ways', async () => {
    const device = await open(`serial://${pair.pathA}?baud=230400`);
    const host = await open(`serial://${pair.pathB}?baud=230400`);
    const atDevice = firstValueFrom(device.data$);
    await host.write('t\n');
    expect(Buffer.from(await atDevice).toString()).toBe('t\n');
    const atHost = firstValueFrom(host.data$);
    await device.write(new Uint8Array([0x00, 0x7f, 0xff]));
    expect([...(await atHost)]).toEqual([0x00, 0x7f, 0xff]);
  });

  it('opens with Lake Shore line settings (57600 7O1)', async () => {
    const host = await open(`serial://${pair.pathB}?baud=57600&dataBits=7&parity=odd&stopBits=1`);
    expect(host.isOpen).toBe(true);
  });

  it('surfaces a killed socat as DISCONNECTED on data$ and on writes', async () => {
    const host = await open(`serial://${pair.pathB}?baud=230400`);
    const ended = expect(lastValueFrom(host.data$)).rejects.toSatisfy((e) => isTransportError(e, 'DISCONNECTED'));
    await pair.close();
    await ended;
    expect(host.isOpen).toBe(false);
    await expect(host.write('Z\n')).rejects.toSatisfy((e) => isTransportError(e, 'DISCONNECTED'));
  });

  it('rejects a write still pending when socat dies with DISCONNECTED', async () => {
    const host = await open(`serial://${pair.pathB}?baud=230400`);
    host.data$.subscribe({ error: () => {} });
    // Nobody reads the far end: the pseudo-terminal buffers fill and the write stays pending.
    const pending = host.write(new Uint8Array(16 * 1024 * 1024));
    const outcome = expect(pending).rejects.toSatisfy((e) => isTransportError(e, 'DISCONNECTED'));
    await pair.close();
    await outcome;
  });

  it('fails to open a missing device with OPEN_FAILED', async () => {
    await expect(openTransport(`serial://${pair.pathA}-missing`)).rejects.toSatisfy((e) => isTransportError(e, 'OPEN_FAILED'));
  });
});
