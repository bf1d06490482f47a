import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/api/app.js';
import { DocumentBus } from '../../src/core/bus.js';
import { ScaledClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { RunEngine } from '../../src/engine/run-engine.js';
import { ExternalHolds } from '../../src/ingest/external-holds.js';
import { InstrumentRegistry } from '../../src/instruments/registry.js';
import { createProtocols } from '../../src/protocols/index.js';
import { openJournal, type Journal, type JournalUsage } from '../../src/store/journal/journal.js';
import { STORE_CONSUMER } from '../../src/store/journal/replay.js';
import { openSqliteStore, type SqliteDocumentStore } from '../../src/store/sqlite/sqlite-store.js';
import { StoreWriter } from '../../src/store/writer.js';
import { descriptor, interceptAppend, runStart, sequenceEvent, tempDir } from '../support/store-fixtures.js';

const VIEWER = 'viewer-token-0123456789';

describe('GET /api/store', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: SqliteDocumentStore;
  let journal: Journal;
  let bus: DocumentBus;
  let writer: StoreWriter;
  let app: FastifyInstance;
  let outage = false;

  beforeEach(async () => {
    tmp = tempDir();
    store = await openSqliteStore(path.join(tmp.dir, 'lab.db'));
    journal = await openJournal({ dir: path.join(tmp.dir, 'lab.db.journal'), consumers: [STORE_CONSUMER], logger: silentLogger, maxBytes: 200_000, segmentBytes: 10_000 });
    bus = new DocumentBus(silentLogger, journal);
    outage = false;
    const failing = interceptAppend(store, async () => {
      if (outage) throw new Error('disk I/O error');
    });
    writer = new StoreWriter(bus, failing, { logger: silentLogger, journal, windowMs: 5, retryMs: 60_000 });
    const holds = new ExternalHolds();
    const clock = new ScaledClock(1);
    const instruments = new InstrumentRegistry();
    const engine = new RunEngine({ bus, clock, logger: silentLogger, instruments, protocols: createProtocols({ holds }) });
    app = await buildApi({
      engine,
      bus,
      clock,
      holds,
      store,
      storeStatus: () => ({ writer: writer.status(), journal: journal.usage() }),
      instruments,
      tokens: new Map([[VIEWER, { role: 'viewer' as const, name: 'dashboard' }]]),
      logger: silentLogger,
    });
  });
  afterEach(async () => {
    await app.close();
    await writer.close();
    await journal.close();
    await store.close();
    tmp.remove();
  });

  const get = () => app.inject({ method: 'GET', url: '/api/store', headers: { authorization: `Bearer ${VIEWER}` } });

  it('needs a token', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/store' })).statusCode).toBe(401);
  });

  it('shows the writer live and the journal within bounds, then the alarm when an outage fills the journal past 80%', async () => {
    bus.publish(runStart('r1'));
    bus.publish(descriptor('r1'));
    await writer.flush();
    const healthy = await get();
    expect(healthy.statusCode).toBe(200);
    expect(healthy.json()).toMatchObject({
      writer: { mode: 'live', stats: { committed: 2, failed: 0, dropped: 0 }, lastError: null },
      journal: { state: 'ok', maxBytes: 200_000, warnBytes: 160_000, refused: 0, consumers: { [STORE_CONSUMER]: { acknowledged: 2, behind: 0 } } },
    });

    outage = true;
    const alarms: JournalUsage[] = [];
    journal.alarm$.subscribe((u) => alarms.push(u));
    for (let seq = 1; alarms.length === 0 && seq < 100_000; seq++) {
      bus.publish(sequenceEvent('r1', seq));
      if (seq % 100 === 0) await writer.flush();
    }
    const alarmed = (await get()).json() as { writer: { mode: string; lastError: string }; journal: JournalUsage };
    expect(alarmed.writer).toMatchObject({ mode: 'catching-up', lastError: 'disk I/O error' });
    expect(alarmed.journal.state).toBe('warning');
    expect(alarmed.journal.bytes).toBeGreaterThanOrEqual(160_000);
    expect(alarmed.journal.consumers[STORE_CONSUMER]!.behind).toBeGreaterThan(0);
  });
});
