import { describe, expect, it } from 'vitest';
import { ExclusiveQueue } from './exclusive-queue.js';
import { isTransportError } from './transport.js';

/** A task that runs until released, recording when it starts. */
function gate(log: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return {
    task: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
      return name;
    },
    release: () => release(),
  };
}

describe('ExclusiveQueue', () => {
  it('runs one task at a time, in order, urgent ones first', async () => {
    const queue = new ExclusiveQueue();
    const log: string[] = [];
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => gate(log, n)) as [ReturnType<typeof gate>, ReturnType<typeof gate>, ReturnType<typeof gate>, ReturnType<typeof gate>];
    const results = [queue.run(a.task), queue.run(b.task), queue.run(c.task, { urgent: true }), queue.run(d.task, { urgent: true })];
    expect(queue.busy).toBe(true);
    a.release();
    c.release();
    d.release();
    b.release();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd']);
    expect(log).toEqual(['start a', 'end a', 'start c', 'end c', 'start d', 'end d', 'start b', 'end b']);
    expect(queue.busy).toBe(false);
  });

  it('frees the line when a task fails', async () => {
    const queue = new ExclusiveQueue();
    const failing = queue.run(() => Promise.reject(new Error('device said no')));
    const next = queue.run(() => Promise.resolve('next'));
    await expect(failing).rejects.toThrow('device said no');
    await expect(next).resolves.toBe('next');
  });

  it('lets a waiting task be cancelled without disturbing the running one', async () => {
    const queue = new ExclusiveQueue();
    const log: string[] = [];
    const a = gate(log, 'a');
    const running = queue.run(a.task);
    const controller = new AbortController();
    const waiting = queue.run(() => Promise.resolve('never'), { signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toSatisfy((e) => isTransportError(e, 'CANCELED'));
    a.release();
    await expect(running).resolves.toBe('a');
    expect(log).toEqual(['start a', 'end a']);
  });

  it('refuses a task whose signal fired already', async () => {
    await expect(new ExclusiveQueue().run(() => Promise.resolve(1), { signal: AbortSignal.abort() })).rejects.toSatisfy((e) => isTransportError(e, 'CANCELED'));
  });

  it('is bounded: beyond the limit a task is refused with BUSY', async () => {
    const queue = new ExclusiveQueue(1);
    const a = gate([], 'a');
    const running = queue.run(a.task);
    const waiting = queue.run(() => Promise.resolve('b'));
    await expect(queue.run(() => Promise.resolve('c'))).rejects.toSatisfy((e) => isTransportError(e, 'BUSY'));
    a.release();
    expect(await Promise.all([running, waiting])).toEqual(['a', 'b']);
  });
});
