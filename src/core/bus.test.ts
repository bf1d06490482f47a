import { describe, expect, it } from 'vitest';
import { bufferCount } from 'rxjs';
import { DocumentBus } from './bus.js';
import type { Document, StreamEvent } from './documents.js';
import type { Logger } from './logger.js';

function collectingLogger() {
  const errors: unknown[] = [];
  const logger: Logger = { info() {}, warn() {}, debug() {}, error: (o) => void errors.push(o) };
  return { logger, errors };
}

const reading = (seq: number): StreamEvent => ({
  kind: 'event', runId: 'r', descriptorId: 'd', stream: 'i.dc', seq, timestampNs: BigInt(seq), data: { potential: seq }, flags: 0,
});

describe('DocumentBus', () => {
  it('keeps delivering to other consumers, and to the failing one, when a consumer throws', () => {
    const { logger, errors } = collectingLogger();
    const bus = new DocumentBus(logger);
    const good: number[] = [];
    const flaky: number[] = [];
    bus.attach('flaky', (d) => {
      if (d.kind === 'event' && d.seq === 1) throw new Error('boom');
      if (d.kind === 'event') flaky.push(d.seq);
    });
    bus.attach('good', (d) => d.kind === 'event' && good.push(d.seq));
    for (let i = 0; i < 4; i++) bus.publish(reading(i));
    expect(good).toEqual([0, 1, 2, 3]);
    expect(flaky).toEqual([0, 2, 3]);
    expect(errors).toHaveLength(1);
    expect(bus.health().find((h) => h.name === 'flaky')).toMatchObject({ state: 'running', errors: 1, lastError: 'boom' });
  });

  it('detaches a pipeline that errors as failed without disturbing the others', () => {
    const { logger } = collectingLogger();
    const bus = new DocumentBus(logger);
    const seen: number[] = [];
    bus.attachPipeline('broken', (docs$) => docs$.pipe(bufferCount(2)), () => {
      throw new Error('not reached before the pipeline error');
    });
    bus.attachPipeline('explodes', (docs$) => {
      return new (docs$.constructor as typeof import('rxjs').Observable<Document>)((sub) => docs$.subscribe({ next: () => sub.error(new Error('pipeline down')) }));
    });
    bus.attach('good', (d) => d.kind === 'event' && seen.push(d.seq));
    bus.publish(reading(0));
    bus.publish(reading(1));
    expect(seen).toEqual([0, 1]);
    expect(bus.health().find((h) => h.name === 'explodes')?.state).toBe('failed');
    expect(bus.health().find((h) => h.name === 'broken')).toMatchObject({ errors: 1 });
  });

  it('flushes buffered pipelines on close', () => {
    const bus = new DocumentBus(collectingLogger().logger);
    const batches: number[] = [];
    bus.attachPipeline('batcher', (docs$) => docs$.pipe(bufferCount(10)), (b) => batches.push(b.length));
    for (let i = 0; i < 3; i++) bus.publish(reading(i));
    expect(batches).toEqual([]);
    bus.close();
    expect(batches).toEqual([3]);
  });

  it('hands every document to the journal before any consumer sees it, and nothing once closed', () => {
    const order: string[] = [];
    const bus = new DocumentBus(collectingLogger().logger, { append: (d) => void order.push(`journal ${d.kind === 'event' ? d.seq : d.kind}`) });
    bus.attach('consumer', (d) => void order.push(`consumer ${d.kind === 'event' ? d.seq : d.kind}`));
    bus.publish(reading(1));
    bus.publish(reading(2));
    bus.close();
    bus.publish(reading(3));
    expect(order).toEqual(['journal 1', 'consumer 1', 'journal 2', 'consumer 2']);
  });

  it('refuses two consumers of one name', () => {
    const bus = new DocumentBus(collectingLogger().logger);
    bus.attach('x', () => {});
    expect(() => bus.attach('x', () => {})).toThrow(/attached already/);
  });
});
