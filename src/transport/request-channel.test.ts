import { NEVER, Subject } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RequestChannel } from './request-channel.js';
import { isTransportError, TransportError, type Transport } from './transport.js';

/** An in-memory link: records writes and lets the test answer them. */
class FakeTransport implements Transport {
  readonly url = 'fake://device';
  readonly isOpen = true;
  readonly data$ = NEVER;
  readonly written: string[] = [];
  readonly replies = new Subject<string>();
  answer: ((command: string) => string[]) | null = null;
  failWrites: TransportError | null = null;

  async open(): Promise<void> {}
  async close(): Promise<void> {}
  async write(data: Uint8Array | string): Promise<void> {
    if (this.failWrites) throw this.failWrites;
    const text = typeof data === 'string' ? data : Buffer.from(data).toString('latin1');
    this.written.push(text);
    // Answer synchronously: the channel must be listening before it writes.
    for (const line of this.answer?.(text) ?? []) this.replies.next(line);
  }
}

const oneLine = (line: string) => line;

describe('RequestChannel', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('collects a reply of several frames, even one sent while the request is written', async () => {
    const transport = new FakeTransport();
    transport.answer = (command) => (command === 't\n' ? ['tes4_hr1.4', 'build*'] : []);
    const channel = new RequestChannel(transport, transport.replies);
    const lines: string[] = [];
    const reply = await channel.request('t\n', (line) => {
      lines.push(line);
      return line.endsWith('*') ? [...lines] : undefined;
    });
    expect(reply).toEqual(['tes4_hr1.4', 'build*']);
  });

  it('queues requests: the second is written after the first is answered', async () => {
    const transport = new FakeTransport();
    const channel = new RequestChannel(transport, transport.replies);
    const first = channel.request('KRDG? A\n', oneLine);
    const second = channel.request('KRDG? B\n', oneLine);
    expect(transport.written).toEqual(['KRDG? A\n']);
    transport.replies.next('+293.15');
    await expect(first).resolves.toBe('+293.15');
    await vi.waitFor(() => expect(transport.written).toEqual(['KRDG? A\n', 'KRDG? B\n']));
    transport.replies.next('+77.40');
    await expect(second).resolves.toBe('+77.40');
  });

  it('sends a command without reply in its turn', async () => {
    const transport = new FakeTransport();
    const channel = new RequestChannel(transport, transport.replies);
    const query = channel.request('SETP? 1\n', oneLine);
    const set = channel.send('SETP 1,300.0\n');
    expect(transport.written).toEqual(['SETP? 1\n']);
    transport.replies.next('+295.0');
    await query;
    await set;
    expect(transport.written).toEqual(['SETP? 1\n', 'SETP 1,300.0\n']);
  });

  it('times out with TIMEOUT and leaves the channel usable', async () => {
    vi.useFakeTimers();
    const transport = new FakeTransport();
    const channel = new RequestChannel(transport, transport.replies, { timeoutMs: 500 });
    const nonEmpty = (line: string) => line || undefined;
    const silent = channel.request('SETP? 1\n', nonEmpty);
    const outcome = expect(silent).rejects.toSatisfy((e) => isTransportError(e, 'TIMEOUT'));
    await vi.advanceTimersByTimeAsync(499);
    transport.replies.next('');
    await vi.advanceTimersByTimeAsync(1);
    await outcome;
    transport.answer = () => ['+300.0'];
    await expect(channel.request('SETP? 1\n', nonEmpty)).resolves.toBe('+300.0');
  });

  it('is cancelled by its AbortSignal with CANCELED', async () => {
    const transport = new FakeTransport();
    const channel = new RequestChannel(transport, transport.replies);
    const controller = new AbortController();
    const pending = channel.request('HTR? 1\n', oneLine, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toSatisfy((e) => isTransportError(e, 'CANCELED'));
  });

  it('fails with the typed error the collector throws', async () => {
    const transport = new FakeTransport();
    transport.answer = () => ['garbage'];
    const channel = new RequestChannel(transport, transport.replies);
    const parseError = new TransportError('not a number', 'TIMEOUT');
    await expect(
      channel.request('KRDG? A\n', () => {
        throw parseError;
      }),
    ).rejects.toBe(parseError);
  });

  it('fails with DISCONNECTED when the frames end in a loss, CANCELED when they complete', async () => {
    const lost = new FakeTransport();
    const lostChannel = new RequestChannel(lost, lost.replies);
    const pendingLost = lostChannel.request('x\n', oneLine);
    lost.replies.error(new TransportError('gone', 'DISCONNECTED'));
    await expect(pendingLost).rejects.toSatisfy((e) => isTransportError(e, 'DISCONNECTED'));
    // A request made after the loss fails the same way at once.
    await expect(lostChannel.request('y\n', oneLine)).rejects.toSatisfy((e) => isTransportError(e, 'DISCONNECTED'));

    const closed = new FakeTransport();
    const closedChannel = new RequestChannel(closed, closed.replies);
    const pendingClosed = closedChannel.request('x\n', oneLine);
    closed.replies.complete();
    await expect(pendingClosed).rejects.toSatisfy((e) => isTransportError(e, 'CANCELED'));
  });

  it('fails with the write error when the request cannot be sent', async () => {
    const transport = new FakeTransport();
    transport.failWrites = new TransportError('not open', 'WRITE_FAILED');
    const channel = new RequestChannel(transport, transport.replies);
    await expect(channel.request('x\n', oneLine)).rejects.toSatisfy((e) => isTransportError(e, 'WRITE_FAILED'));
    expect(channel.busy).toBe(false);
  });
});
