import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildApi } from '../../src/api/app.js';
import { DocumentBus } from '../../src/core/bus.js';
import { ScaledClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { RunEngine } from '../../src/engine/run-engine.js';
import { InstrumentRegistry } from '../../src/instruments/registry.js';
import { ExternalHolds } from '../../src/ingest/external-holds.js';
import { createProtocols } from '../../src/protocols/index.js';
import type { DocumentStore } from '../../src/store/document-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const VIEWER = 'viewer-token-0123456789';
const OPERATOR = 'operator-token-0123456789';

describe('HTTP API', () => {
  let dir: string;
  let store: DocumentStore;
  let app: FastifyInstance;
  let bus: DocumentBus;
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'operando-api-'));
    store = await openSqliteStore(path.join(dir, 'lab.db'));
    bus = new DocumentBus(silentLogger);
    const instruments = new InstrumentRegistry();
    const holds = new ExternalHolds();
    const clock = new ScaledClock(1);
    const engine = new RunEngine({ bus, clock, logger: silentLogger, instruments, protocols: createProtocols({ holds }) });
    const tokens = new Map([
      [VIEWER, { role: 'viewer' as const, name: 'dashboard' }],
      [OPERATOR, { role: 'operator' as const, name: 'alice' }],
    ]);
    app = await buildApi({ engine, bus, clock, holds, store, instruments, tokens, logger: silentLogger });
    // A finished run in the store, as the writer would have put it there.
    await store.append([
      { kind: 'run-start', runId: 'r1', timestampNs: 1_000_000_000n, protocol: 'gitt@1', parameters: {}, metadata: { sample: 'x' }, instruments: {} },
      ...Array.from({ length: 50 }, (_, i) => ({
        kind: 'reading' as const, runId: 'r1', seq: i, instrument: 'pstat1', quantity: 'potential', value: 3 + i / 100, unit: 'V', timestampNs: 1_000_000_000n + BigInt(i) * 1_000_000_000n,
      })),
      { kind: 'fit', runId: 'r1', timestampNs: 2_000_000_000n, method: 'gitt', index: 1, result: { diffusionCm2PerS: 2e-11 } },
      { kind: 'run-stop', runId: 'r1', timestampNs: 60_000_000_000n, exitStatus: 'success', reason: 'completed', readings: 50 },
    ]);
  });

  afterEach(async () => {
    await app.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('needs a token: 401 without, 401 with a wrong one, as JSON', async () => {
    const none = await app.inject({ method: 'GET', url: '/api/runs' });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.stringMatching(/bearer token is required/) } });
    const wrong = await app.inject({ method: 'GET', url: '/api/runs', headers: auth('not-a-token-at-all') });
    expect(wrong.statusCode).toBe(401);
  });

  it('lets a viewer read and refuses control with 403', async () => {
    const runs = await app.inject({ method: 'GET', url: '/api/runs', headers: auth(VIEWER) });
    expect(runs.statusCode).toBe(200);
    expect(runs.json().runs).toMatchObject([{ runId: 'r1', protocol: 'gitt@1', exitStatus: 'success', readings: 50 }]);
    const control = await app.inject({ method: 'POST', url: '/api/runs', headers: auth(VIEWER), payload: { protocol: 'gitt', parameters: {} } });
    expect(control.statusCode).toBe(403);
    expect(control.json().error.code).toBe('FORBIDDEN');
  });

  it('validates bodies with clear 400 errors', async () => {
    const missing = await app.inject({ method: 'POST', url: '/api/runs', headers: auth(OPERATOR), payload: { parameters: {} } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/protocol/) });
    const badParams = await app.inject({ method: 'POST', url: '/api/runs', headers: auth(OPERATOR), payload: { protocol: 'gitt', parameters: { instrument: 'p' } } });
    expect(badParams.statusCode).toBe(400);
    expect(badParams.json().error.code).toBe('INVALID_PARAMETERS');
    const unknown = await app.inject({ method: 'POST', url: '/api/runs', headers: auth(OPERATOR), payload: { protocol: 'dance', parameters: {} } });
    expect(unknown.json().error.code).toBe('UNKNOWN_PROTOCOL');
    const notJson = await app.inject({ method: 'POST', url: '/api/runs', headers: { ...auth(OPERATOR), 'content-type': 'application/json' }, payload: '{"protocol":' });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.body).not.toMatch(/at .*\.js/);
  });

  it('answers 404 for unknown runs and instruments, and for control of a run this service is not running', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/runs/nope', headers: auth(VIEWER) })).json().error.code).toBe('RUN_NOT_FOUND');
    const start = await app.inject({
      method: 'POST', url: '/api/runs', headers: auth(OPERATOR),
      payload: { protocol: 'gitt', parameters: { instrument: 'ghost', current: '-1 uA', pulse: '1 min', rest: { duration: '1 min' }, pulses: 1 } },
    });
    expect(start.statusCode).toBe(404);
    expect(start.json().error.code).toBe('UNKNOWN_INSTRUMENT');
    const pause = await app.inject({ method: 'POST', url: '/api/runs/r1/pause', headers: auth(OPERATOR) });
    expect(pause.statusCode).toBe(404);
  });

  it('serves run data as JSON with downsampling, and as CSV', async () => {
    const raw = await app.inject({ method: 'GET', url: '/api/runs/r1/data?quantity=potential', headers: auth(VIEWER) });
    expect(raw.json().series[0]).toMatchObject({ instrument: 'pstat1', quantity: 'potential', unit: 'V', downsampled: false });
    expect(raw.json().series[0].points).toHaveLength(50);
    const down = await app.inject({ method: 'GET', url: '/api/runs/r1/data?quantity=potential&maxPoints=10', headers: auth(VIEWER) });
    const s = down.json().series[0];
    expect(s.downsampled).toBe(true);
    expect(s.points.length).toBeLessThanOrEqual(10);
    expect(s.points.reduce((n: number, p: { count: number }) => n + p.count, 0)).toBe(50);
    const csv = await app.inject({ method: 'GET', url: '/api/runs/r1/data?format=csv', headers: auth(VIEWER) });
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toBe('instrument,quantity,unit,timestamp_ns,seq,value,min,max,mean,count');
    expect(lines).toHaveLength(51);
    expect(lines[1]).toBe('pstat1,potential,V,1000000000,0,3,,,,');
    const bad = await app.inject({ method: 'GET', url: '/api/runs/r1/data?maxPoints=1', headers: auth(VIEWER) });
    expect(bad.statusCode).toBe(400);
  });

  it('lists fit results and protocols, and publishes the OpenAPI document', async () => {
    const fits = await app.inject({ method: 'GET', url: '/api/runs/r1/fits?method=gitt', headers: auth(VIEWER) });
    expect(fits.json().fits).toMatchObject([{ method: 'gitt', index: 1, result: { diffusionCm2PerS: 2e-11 } }]);
    const protocolList = await app.inject({ method: 'GET', url: '/api/protocols', headers: auth(VIEWER) });
    expect(protocolList.json().protocols.map((p: { name: string }) => p.name)).toContain('gitt');
    const doc = await app.inject({ method: 'GET', url: '/docs/openapi.json' });
    expect(doc.statusCode).toBe(200);
    const openapi = doc.json();
    expect(openapi.openapi).toMatch(/^3\./);
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/api/runs', '/api/runs/{runId}/data', '/api/instruments', '/api/runs/{runId}/pause']));
  });

  it('streams live documents over a real WebSocket, filtered by run and quantity', async () => {
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const ws = new WebSocket(`${address.replace('http', 'ws')}/api/live?runId=r2&quantity=potential&access_token=${VIEWER}`);
    const documents = new Promise<Array<Record<string, unknown>>>((resolve, reject) => {
      ws.on('message', (data: Buffer) => {
        const msg = JSON.parse(data.toString());
        // The hello message comes once the subscription is in place: publish then.
        if (msg.type === 'hello') publish();
        if (msg.type === 'documents') resolve(msg.documents);
      });
      ws.on('error', reject);
    });
    const reading = (runId: string, quantity: string, seq: number) =>
      ({ kind: 'reading', runId, seq, instrument: 'pstat1', quantity, value: seq, unit: quantity === 'potential' ? 'V' : 'A', timestampNs: BigInt(seq) }) as const;
    const publish = () => {
      bus.publish(reading('r2', 'potential', 0));
      bus.publish(reading('r2', 'current', 1));
      bus.publish(reading('other', 'potential', 2));
      bus.publish(reading('r2', 'potential', 3));
    };
    const docs = await documents;
    ws.terminate();
    expect(docs.map((d) => d.seq)).toEqual([0, 3]);
    expect(docs[0]).toMatchObject({ runId: 'r2', quantity: 'potential', unit: 'V', timestampNs: '0' });
  });

  it('refuses a WebSocket without a valid token with 401', async () => {
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    for (const query of ['', '&access_token=wrong-token-0123456789']) {
      const ws = new WebSocket(`${address.replace('http', 'ws')}/api/live?runId=r2${query}`);
      ws.on('error', () => {}); // the refused handshake also surfaces as an error event
      const status = await new Promise<number>((resolve) => ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
      ws.terminate();
      expect(status).toBe(401);
    }
  });
});
