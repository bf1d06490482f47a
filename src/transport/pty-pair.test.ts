import { lstat, mkdtemp, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openPtyPair, type PtyPair } from './pty-pair.js';
import { isTransportError } from './transport.js';

describe('openPtyPair', () => {
  const pairs: PtyPair[] = [];
  const directories: string[] = [];

  afterEach(async () => {
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

  it('fails with OPEN_FAILED when socat cannot start', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'operando-pty-test-'));
    directories.push(directory);
    await expect(openPtyPair({ directory, socat: join(directory, 'no-such-socat') })).rejects.toSatisfy((e) => isTransportError(e, 'OPEN_FAILED'));
  });
});
