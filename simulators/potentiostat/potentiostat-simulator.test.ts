import { filter, firstValueFrom, lastValueFrom, map, scan } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openTransport } from '../../src/transport/open-transport.js';
import { openPtyPair } from '../../src/transport/pty-pair.js';
import { isTransportError, type Transport } from '../../src/transport/transport.js';
import { createCell } from './cell/index.js';
import { InstantClock } from './instant-clock.test-support.js';
import { LineReader } from '../../tests/support/line-reader.js';
import { MAX_QUEUED_REPLY_BYTES, PotentiostatSimulator } from './potentiostat-simulator.js';

/** Resolves with the first `count` characters the host receives. */
function received(host: Transport, count: number): Promise<string> {
  return firstValueFrom(
    host.data$.pipe(
      scan((text, chunk) => text + Buffer.from(chunk).toString('latin1'), ''),
      filter((text) => text.length >= count),
      map((text) => text.slice(0, count)),
    ),
  );
}

describe('PotentiostatSimulator links and faults', () => {
  const closers: Array<() => Promise<void>> = [];
  const simulator = () => {
    const sim = new PotentiostatSimulator({ cell: createCell('LAGP-pellet'), clock: new InstantClock(), seed: 1, identity: { serial: 'SIM-1' } });
    closers.push(() => sim.close());
    return sim;
  };
  const host = async (url: string) => {
    const transport = await openTransport(url);
    closers.push(() => transport.close());
    return transport;
  };

  afterEach(async () => {
    vi.useRealTimers();
    for (const close of closers.splice(0).reverse()) await close();
  });

  it('serves TCP; a new client replaces the previous one', async () => {
    const sim = simulator();
    const url = await sim.listen();
    expect(url).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    const first = await host(url);
    const reply = received(first, 'iSIM-1\n'.length);
    await first.write('i\n');
    expect(await reply).toBe('iSIM-1\n');
    const firstEnded = expect(lastValueFrom(first.data$)).rejects.toSatisfy((e) => isTransportError(e, 'DISCONNECTED'));
    const second = await host(url);
    await firstEnded;
    const again = received(second, 'iSIM-1\n'.length);
    await second.write('i\n');
    expect(await again).toBe('iSIM-1\n');
    expect(sim.status().connected).toBe(true);
  });

  it('serves one end of its own pseudo-terminal pair; dropping the connection kills socat', async () => {
    const sim = simulator();
    const url = await sim.servePty();
    expect(url).toMatch(/^serial:\/\/.+\/b\?baud=230400$/);
    const link = await host(url);
    const reply = received(link, 'Z!0006\n'.length);
    await link.write('\nZ\n');
    expect(await reply).toBe('Z!0006\n');
    const lost = expect(lastValueFrom(link.data$)).rejects.toSatisfy((e) => isTransportError(e, 'DISCONNECTED'));
    await sim.faults.drop();
    await lost;
    expect(sim.status().connected).toBe(false);
  });

  it('serves a serial port it is given, and refuses a second link', async () => {
    const pair = await openPtyPair();
    closers.push(() => pair.close());
    const sim = simulator();
    await sim.attachSerial(pair.pathA);
    await expect(sim.listen()).rejects.toThrow('serves a link already');
    const link = await host(`serial://${pair.pathB}`);
    const reply = received(link, 'iSIM-1\n'.length);
    await link.write('i\n');
    expect(await reply).toBe('iSIM-1\n');
  });

  it('injects garbage bytes between replies', async () => {
    const sim = simulator();
    const link = await host(await sim.listen());
    const garbage = '\u0000\u00ffjunk';
    const expected = `iSIM-1\n${garbage}iSIM-1\n`;
    const text = received(link, expected.length);
    // A first exchange shows the client is attached before the injection.
    const attached = received(link, 'iSIM-1\n'.length);
    await link.write('i\n');
    await attached;
    await sim.faults.injectGarbage(garbage);
    await link.write('i\n');
    expect(await text).toBe(expected);
  });

  it('drops replies while told to, then answers again', async () => {
    const sim = simulator();
    const link = await host(await sim.listen());
    sim.faults.dropReplies = true;
    // A script's end is an event: then the device has processed (and not answered) all of it.
    const ended = firstValueFrom(sim.events$.pipe(filter((e) => e.kind === 'script-ended')));
    await link.write('t\ne\nvar p\n\n');
    await ended;
    sim.faults.dropReplies = false;
    const reply = received(link, 'iSIM-1\n'.length);
    await link.write('i\n');
    expect(await reply).toBe('iSIM-1\n');
  });

  it('holds replies back by the delay fault, in order', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const sim = simulator();
    const link = await host(await sim.listen());
    sim.faults.replyDelayMs = 250;
    const reply = received(link, 'Z!0006\niSIM-1\n'.length);
    await link.write('Z\ni\n');
    await vi.waitFor(() => expect(vi.getTimerCount()).toBeGreaterThan(0));
    await vi.advanceTimersByTimeAsync(500);
    expect(await reply).toBe('Z!0006\niSIM-1\n');
  });

  it('bounds the output nobody reads, runs the script to its end, and serves the next host', async () => {
    const sim = simulator();
    const url = await sim.servePty();
    const ended = firstValueFrom(sim.events$.pipe(filter((e) => e.kind === 'script-ended')));
    // 30000 packages of about 25 bytes, ten times the bound, on a clock that does not wait.
    const script = ['var t', 'var p', 'set_pgstat_mode 2', 'timer_start', 'meas_loop_ocp p 1 30000', '  timer_get t', '  pck_start', '  pck_add t', '  pck_add p', '  pck_end', 'endloop'];
    const first = await host(url);
    const accepted = received(first, 'e\n'.length);
    await first.write(`e\n${script.join('\n')}\n\n`);
    expect(await accepted).toBe('e\n');
    // The host goes away: nobody has the pseudo-terminal open, the kernel's buffers fill, then writes wait.
    await first.close();
    expect(await ended).toEqual({ kind: 'script-ended', ending: 'completed' });
    const { lostReplyLines, queuedReplyBytes } = sim.status();
    expect(lostReplyLines).toBeGreaterThan(0);
    expect(queuedReplyBytes).toBeLessThanOrEqual(MAX_QUEUED_REPLY_BYTES);
    const next = await host(url);
    const lines = LineReader.ofTransport(next);
    await next.write('i\n');
    // What the queue and the kernel held comes first, then the answer.
    expect(await lines.until((line) => line === 'iSIM-1')).toContain('iSIM-1');
  });

  it('stops serving on close', async () => {
    const sim = simulator();
    const url = await sim.listen();
    await sim.close();
    await expect(openTransport(url)).rejects.toSatisfy((e) => isTransportError(e, 'OPEN_FAILED'));
  });
});
