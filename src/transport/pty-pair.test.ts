import { lstat, mkdtemp, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { filter, firstValueFrom, scan } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { openTransport } from './open-transport.js';
import { openPtyPair, type PtyPair } from './pty-pair.js';
import { isTransportError, type Transport } from './transport.js';

/** Resolves once `text` has arrived on the transport. */
function arrives(transport: Transport, text: string): Promise<unknown> {
  return firstValueFrom(
    transport.data$.pipe(
      scan((all, chunk) => all + Buffer.from(chunk).toString('latin1'), ''),
      filter((all) => all.includes(text)),
    ),
  );
}

describe('openPtyPair', () => {
  const pairs: PtyPair[] = [];
  const directories: string[] = [];
  const transports: Transport[] = [];

  afterEach(async () => {
    await Promise.all(transports.splice(0).map((t) => t.close()));
    await Promise.all(pairs.splice(0).map((p) => p.close()));
    await Promise.all(directories.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });

  it('links two pseudo-terminals in a fresh directory and removes it on close', async () => {
    const pair = await openPtyPair();
    pairs.push(pair);
    expect(pair.devicePaths[0]).not.toBe(pair.devicePaths[1]);
    expect(await readlink(pair.pathA)).toBe(pair.devicePaths[0]);
    expect(await readlink(pair.pathB)).toBe(pair.devicePaths[1]);
    await pair.close();
    await pair.exited;
    await expect(lstat(dirname(pair.pathA))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('uses a given directory, removing only the links', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'operando-pty-test-'));
    directories.push(directory);
    const pair = await openPtyPair({ directory });
    pairs.push(pair);
    expect(pair.pathA).toBe(join(directory, 'a'));
    await pair.close();
    await expect(lstat(pair.pathA)).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await lstat(directory)).isDirectory()).toBe(true);
  });

  it('survives the host closing and reopening its end, as a serial port does', async () => {
    const pair = await openPtyPair();
    pairs.push(pair);
    const device = await openTransport(`serial://${pair.pathA}`);
    transports.push(device);
    let deviceLinkEnded = false;
    device.data$.subscribe({ error: () => (deviceLinkEnded = true), complete: () => (deviceLinkEnded = true) });
    const first = await openTransport(`serial://${pair.pathB}`);
    transports.push(first);
    const one = arrives(device, 'one\n');
    await first.write('one\n');
    await one;
    await first.close();
    // Reopened by a new host: socat still relays, both ways, and the device end never saw a hang-up.
    const second = await openTransport(`serial://${pair.pathB}`);
    transports.push(second);
    const two = arrives(device, 'two\n');
    await second.write('two\n');
    await two;
    const back = arrives(second, 'back\n');
    await device.write('back\n');
    await back;
    expect(deviceLinkEnded).toBe(false);
    expect(device.isOpen).toBe(true);
  });

  it('fails with OPEN_FAILED when socat cannot start', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'operando-pty-test-'));
    directories.push(directory);
    await expect(openPtyPair({ directory, socat: join(directory, 'no-such-socat') })).rejects.toSatisfy((e) => isTransportError(e, 'OPEN_FAILED'));
  });
});
