import path from 'node:path';
import { Type } from '@sinclair/typebox';
import { BehaviorSubject } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../../tests/support/store-fixtures.js';
import { DocumentBus } from '../core/bus.js';
import { ScaledClock } from '../core/clock.js';
import { silentLogger } from '../core/logger.js';
import type { StreamSpec } from '../core/stream-spec.js';
import type { InstrumentConfig } from '../config/schema.js';
import type { Instrument, InstrumentStatus } from '../instruments/instrument.js';
import type { ProtocolDefinition } from '../protocols/protocol.js';
import type { DocumentStore, StoredDocument } from '../store/document-store.js';
import { openSqliteStore, type SqliteDocumentStore } from '../store/sqlite/sqlite-store.js';
import { StoreWriter } from '../store/writer.js';
import { RunEngine } from './run-engine.js';
import { abortRunsOfFailedBatches } from './store-failures.js';

/** An instrument with nothing behind it: what the engine needs of one. */
class IdleInstrument implements Instrument {
  private runId: string | null = null;
  readonly connection$ = new BehaviorSubject({ state: 'connected' as const, reason: 'test', atMs: 0 });
  readonly config: InstrumentConfig;
  constructor(readonly id: string) {
    this.config = { id, kind: 'potentiostat', driver: 'methodscript', transport: 'none', limits: { minV: 0, maxV: 1, maxAbsCurrentA: 1 } };
  }
  status(): InstrumentStatus {
    return { id: this.id, kind: 'potentiostat', driver: 'none', transport: 'none', connection: 'connected', runId: this.runId, identity: null, lastError: null };
  }
  requestReconnect() {}
  snapshot() {
    return { driver: 'none' };
  }
  async safe() {}
  async close() {}
  claim(runId: string | null) {
    this.runId = runId;
  }
}

const spec = (instrument: string): StreamSpec => ({
  name: `${instrument}.dc`,
  dataKeys: { potential: { dtype: 'number', shape: [], unit: 'V', source: instrument, nativeQuantity: 'test', description: 'test' } },
  flags: {},
  configuration: {},
  hints: {},
});

/** One event per lab minute on its instrument, the first after `offsetS`: two runs offset by 30 s never share a store batch. */
const ticker: ProtocolDefinition = {
  name: 'ticker',
  version: 1,
  summary: 'test protocol',
  parametersSchema: Type.Object({ instrument: Type.String(), ticks: Type.Integer(), offsetS: Type.Number() }),
  prepare(parameters) {
    const p = parameters as { instrument: string; ticks: number; offsetS: number };
    return {
      instruments: [p.instrument],
      parameters: p,
      async run(ctx) {
        await ctx.clock.sleep(p.offsetS * 1000, ctx.signal);
        for (let k = 1; k <= p.ticks; k++) {
          await ctx.checkpoint();
          await ctx.clock.sleep(60_000, ctx.signal);
          ctx.stream(spec(p.instrument)).emit({ potential: k }, ctx.clock.nowNs());
        }
        return { reason: 'completed' };
      },
    };
  },
};

describe('a store failure for one run', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: SqliteDocumentStore;

  beforeEach(async () => {
    vi.useFakeTimers();
    tmp = tempDir();
    store = await openSqliteStore(path.join(tmp.dir, 'lab.db'));
  });
  afterEach(async () => {
    vi.useRealTimers();
    await store.close();
    tmp.remove();
  });

  it('aborts that run with the reason while another run goes on and is stored whole', async () => {
    const bus = new DocumentBus(silentLogger);
    const instruments = new Map([
      ['devA', new IdleInstrument('devA')],
      ['devB', new IdleInstrument('devB')],
    ]);
    const engine = new RunEngine({
      bus,
      clock: new ScaledClock(1),
      logger: silentLogger,
      instruments: { get: (id) => instruments.get(id)!, all: () => [...instruments.values()] },
      protocols: [ticker],
    });
    let failing = '';
    // The disk fails for every batch holding an event of run A, from its third on.
    const intercepted: DocumentStore = Object.assign(Object.create(store) as DocumentStore, {
      append: async (docs: readonly StoredDocument[]) => {
        if (docs.some((d) => d.runId === failing && d.kind === 'event' && d.seq >= 3)) throw new Error('disk I/O error');
        return store.append(docs);
      },
    });
    const writer = new StoreWriter(bus, intercepted, { logger: silentLogger });
    abortRunsOfFailedBatches(writer.failures$, engine, silentLogger);

    const a = engine.start({ protocol: 'ticker', parameters: { instrument: 'devA', ticks: 10, offsetS: 0 } });
    const b = engine.start({ protocol: 'ticker', parameters: { instrument: 'devB', ticks: 10, offsetS: 30 } });
    failing = a.runId;
    await vi.advanceTimersByTimeAsync(11 * 60_000);

    const stopA = await engine.whenDone(a.runId);
    const stopB = await engine.whenDone(b.runId);
    expect(stopA).toMatchObject({ exitStatus: 'abort', reason: expect.stringMatching(/^store write failed: .*disk I\/O error/) });
    expect(stopA.events['devA.dc']).toBeLessThan(10);
    expect(stopB).toMatchObject({ exitStatus: 'success', reason: 'completed', events: { 'devB.dc': 10 } });
    await writer.close();
    expect(await store.getRun(b.runId)).toMatchObject({ exitStatus: 'success', events: 10 });
  });
});
