import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRANSPORT_DEFAULTS } from './defaults.js';
import { TransportError } from './transport.js';

export interface PtyPairOptions {
  /** Directory for the two links `a` and `b`; a fresh temporary one (removed on close) by default. */
  directory?: string;
  /** The socat executable. */
  socat?: string;
  startTimeoutMs?: number;
}

/**
 * Two connected pseudo-terminals: bytes written to one end come out of the
 * other, as on a null-modem cable. A simulator opens one end, the driver the
 * other. Killing socat (`close()`) is, to both ends, a pulled cable.
 *
 * Either end may be closed and opened again, by the same process or another,
 * as a serial port can: socat's `pty` address keeps the slave side of each
 * pseudo-terminal open itself (openpty), so a host closing its end is no
 * hang-up (no EIO on the master) and socat relays on. Bytes sent towards an
 * end nobody has open wait in the kernel's buffers (a few tens of kB, then
 * the writer blocks); serialport discards what is waiting when it opens a port.
 * (With `wait-slave` socat would instead end at the first close.)
 */
export interface PtyPair {
  /** Stable link names (`DIR/a`, `DIR/b`) pointing at the pseudo-terminals. */
  readonly pathA: string;
  readonly pathB: string;
  /** The pseudo-terminal devices behind the links (`/dev/pts/N`). */
  readonly devicePaths: readonly [string, string];
  /** Resolves when socat has exited, for whatever reason. */
  readonly exited: Promise<void>;
  /** Kills socat and removes the links (and the directory if it was made here). */
  close(): Promise<void>;
}

/** socat with `-d -d` announces each pseudo-terminal, then that it relays (after making the links). */
const PTY_ANNOUNCEMENT = /PTY is (\S+)/;
const RELAYING = /starting data transfer loop/;
/** Lines of socat's stderr kept for the error message when it fails. */
const STDERR_TAIL_LINES = 20;

/**
 * Starts `socat -d -d pty,raw,echo=0,link=DIR/a pty,raw,echo=0,link=DIR/b` and
 * resolves once socat relays, as announced on its stderr (no polling, no sleeping).
 * Rejects with TransportError OPEN_FAILED when socat is missing, fails or is slow.
 */
export async function openPtyPair(options: PtyPairOptions = {}): Promise<PtyPair> {
  const ownDirectory = options.directory === undefined;
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 'operando-pty-')));
  const pathA = join(directory, 'a');
  const pathB = join(directory, 'b');
  const socat = spawn(options.socat ?? 'socat', ['-d', '-d', `pty,raw,echo=0,link=${pathA}`, `pty,raw,echo=0,link=${pathB}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => socat.once('close', () => resolve()));
  const cleanUp = async () => {
    await stop(socat, exited);
    await (ownDirectory ? rm(directory, { recursive: true, force: true }) : Promise.all([rm(pathA, { force: true }), rm(pathB, { force: true })]));
  };
  try {
    const devices = await announced(socat, options.startTimeoutMs ?? TRANSPORT_DEFAULTS.socatStartTimeoutMs);
    const [linkA, linkB] = await Promise.all([realpath(pathA), realpath(pathB)]);
    if (linkA !== devices[0] || linkB !== devices[1]) throw new Error(`links point at ${linkA}, ${linkB}, socat announced ${devices.join(', ')}`);
    let closing: Promise<void> | null = null;
    return {
      pathA,
      pathB,
      devicePaths: devices,
      exited,
      close: () => (closing ??= cleanUp()),
    };
  } catch (e) {
    await cleanUp();
    if (e instanceof TransportError) throw e;
    throw new TransportError(`socat pseudo-terminal pair: ${e instanceof Error ? e.message : String(e)}`, 'OPEN_FAILED', { directory }, { cause: e });
  }
}

function announced(socat: ChildProcess, timeoutMs: number): Promise<[string, string]> {
  return new Promise((resolve, reject) => {
    const devices: string[] = [];
    const tail: string[] = [];
    let partial = '';
    const fail = (why: string, cause?: unknown) => {
      cleanup();
      reject(new TransportError(`socat: ${why}${tail.length ? `\n${tail.join('\n')}` : ''}`, 'OPEN_FAILED', {}, cause === undefined ? undefined : { cause }));
    };
    const onData = (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        tail.push(line);
        if (tail.length > STDERR_TAIL_LINES) tail.shift();
        const device = PTY_ANNOUNCEMENT.exec(line)?.[1];
        if (device !== undefined) devices.push(device);
        if (RELAYING.test(line)) {
          const [a, b] = devices;
          if (a === undefined || b === undefined) return fail('relays before announcing two pseudo-terminals');
          cleanup();
          // Keep draining stderr: a full pipe would block socat.
          socat.stderr?.resume();
          return resolve([a, b]);
        }
      }
    };
    const onError = (e: Error) => fail(`cannot start: ${e.message}`, e);
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => fail(`exited (${signal ?? `code ${code}`}) before relaying`);
    const timer = setTimeout(() => fail(`no pseudo-terminals within ${timeoutMs} ms`), timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      socat.stderr?.removeListener('data', onData);
      socat.removeListener('error', onError);
      socat.removeListener('exit', onExit);
    };
    socat.stderr?.on('data', onData);
    socat.once('error', onError);
    socat.once('exit', onExit);
  });
}

async function stop(socat: ChildProcess, exited: Promise<void>): Promise<void> {
  if (socat.exitCode === null && socat.signalCode === null && socat.pid !== undefined) socat.kill('SIGTERM');
  // A spawn that failed (ENOENT) emits 'close' too, so this always settles.
  await exited;
}
