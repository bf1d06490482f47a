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
import { descriptor, event } from '../support/store-fixtures.js';

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
    // Its DC stream: 50 events 1 s apart, the 10th flagged overload, the 20th without a potential.
    await store.append([
      { kind: 'run-start', runId: 'r1', timestampNs: 1_000_000_000n, protocol: 'gitt@1', parameters: {}, metadata: { sample: 'x' }, instruments: {} },
      descriptor('r1', 'pstat1.dc'),
      ...Array.from({ length: 50 }, (_, i) =>
        event('r1', i + 1, { potential: i === 19 ? Number.NaN : 3 + i / 100, current: -1e-5 }, 1_000_000_000n + BigInt(i) * 1_000_000_000n, 'pstat1.dc', i === 9 ? 2 : 0),
      ),
      descriptor('r1', 'furnace1.temperature'),
      event('r1', 1, { potential: 300, current: 0 }, 1_000_000_000n, 'furnace1.temperature'),
      { kind: 'fit', runId: 'r1', timestampNs: 2_000_000_000n, method: 'gitt', index: 1, result: { diffusionCm2PerS: 2e-11 } },
      { kind: 'run-stop', runId: 'r1', timestampNs: 60_000_000_000n, exitStatus: 'success', reason: 'completed', events: { 'pstat1.dc': 50, 'furnace1.temperature': 1 } },
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
    expect(runs.json().runs).toMatchObject([{ runId: 'r1', protocol: 'gitt@1', exitStatus: 'success', events: 51 }]);
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

  it('names an unknown parameter with the one it resembles, and a quantity string too long to be one', async () => {
    const gitt = { instrument: 'pstat1', current: '-1 uA', rest: { duration: '1 min' }, pulses: 1 };
    const start = (parameters: object) => app.inject({ method: 'POST', url: '/api/runs', headers: auth(OPERATOR), payload: { protocol: 'gitt', parameters } });
    const typo = await start({ ...gitt, pulsse: '5 min' });
    expect(typo.statusCode).toBe(400);
    expect(typo.json().error).toEqual({ code: 'INVALID_PARAMETERS', message: 'parameters/pulsse: unknown parameter (did you mean pulse?)' });
    const nested = await start({ ...gitt, pulse: '5 min', rest: { durration: '1 h' } });
    expect(nested.json().error.message).toBe('parameters/rest/durration: unknown parameter (did you mean duration?)');
    const stranger = await start({ ...gitt, pulse: '5 min', colour: 'blue' });
    expect(stranger.json().error.message).toBe('parameters/colour: unknown parameter');
    const long = await start({ ...gitt, pulse: `5${' '.repeat(100_000)}min` });
    expect(long.statusCode).toBe(400);
    expect(long.json().error.message).toBe('parameters/pulse: Expected string length less or equal to 64');
  });

  it('refuses metadata nested 5000 deep, too large, or with too long strings, naming the problem, and stays up', async () => {
    const parameters = { instrument: 'pstat1', current: '-1 uA', pulse: '1 min', rest: { duration: '1 min' }, pulses: 1 };
    // Written by hand: JSON.stringify itself overflows the stack on 5000 levels.
    const deep = `{"protocol":"gitt","parameters":${JSON.stringify(parameters)},"metadata":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`;
    const start = (payload: string | object) =>
      app.inject({ method: 'POST', url: '/api/runs', headers: { ...auth(OPERATOR), 'content-type': 'application/json' }, payload });
    const tooDeep = await start(deep);
    expect(tooDeep.statusCode).toBe(400);
    expect(tooDeep.json().error).toEqual({ code: 'INVALID_METADATA', message: 'metadata/a/a/a/a/a/a/a/a: nested deeper than 8 levels' });
    const longNote = await start({ protocol: 'gitt', parameters, metadata: { notes: 'x'.repeat(10_000) } });
    expect(longNote.json().error).toEqual({ code: 'INVALID_METADATA', message: 'metadata/notes: a string of 10000 characters, more than 8192' });
    const large = await start({ protocol: 'gitt', parameters, metadata: { samples: Array.from({ length: 100 }, () => 'y'.repeat(1000)) } });
    expect(large.json().error).toMatchObject({ code: 'INVALID_METADATA', message: expect.stringMatching(/^metadata: \d+ bytes as JSON, more than 65536$/) });
    // Within the bounds the metadata passes, and the request fails on what comes next (no instrument here).
    const fine = await start({ protocol: 'gitt', parameters, metadata: { sample: { cathode: { composition: 'LiV2O5' } }, notes: 'x'.repeat(8000) } });
    expect(fine.json().error.code).toBe('UNKNOWN_INSTRUMENT');
    expect((await app.inject({ method: 'GET', url: '/api/runs', headers: auth(VIEWER) })).statusCode).toBe(200);
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

  it('describes a run by its streams: descriptors with units and flags, and event counts', async () => {
    const run = (await app.inject({ method: 'GET', url: '/api/runs/r1', headers: auth(VIEWER) })).json();
    expect(run.stop.events).toEqual({ 'pstat1.dc': 50, 'furnace1.temperature': 1 });
    expect(run.streams.map((s: { stream: string; count: number }) => [s.stream, s.count])).toEqual([
      ['furnace1.temperature', 1],
      ['pstat1.dc', 50],
    ]);
    expect(run.streams[1].descriptor).toMatchObject({ kind: 'descriptor', dataKeys: { potential: { unit: 'V', dtype: 'number', shape: [] } }, flags: { overload: 2 } });
  });

  it('serves a stream as JSON columns, bucketed above maxPoints', async () => {
    const raw = await app.inject({ method: 'GET', url: '/api/runs/r1/data?stream=pstat1.dc&keys=potential', headers: auth(VIEWER) });
    const [data, ...others] = raw.json().streams;
    expect(others).toEqual([]);
    expect(data).toMatchObject({ stream: 'pstat1.dc', downsampled: false, total: 50, dataKeys: { potential: { unit: 'V' } } });
    expect(Object.keys(data.data)).toEqual(['potential']);
    expect(data.data.potential).toHaveLength(50);
    expect(data.data.potential[19]).toBeNull();
    expect(data.timestampsNs[1]).toBe('2000000000');
    expect(data.flags[9]).toBe(2);
    const down = (await app.inject({ method: 'GET', url: '/api/runs/r1/data?stream=pstat1.dc&maxPoints=10', headers: auth(VIEWER) })).json().streams[0];
    expect(down.downsampled).toBe(true);
    expect(down.timestampsNs.length).toBeLessThanOrEqual(10);
    expect(down.count.reduce((n: number, c: number) => n + c, 0)).toBe(50);
    expect(Object.keys(down.data.potential)).toEqual(['min', 'max', 'mean']);
    expect(down.flags.some((f: number) => f === 2)).toBe(true);
    const all = (await app.inject({ method: 'GET', url: '/api/runs/r1/data', headers: auth(VIEWER) })).json().streams;
    expect(all.map((s: { stream: string }) => s.stream)).toEqual(['furnace1.temperature', 'pstat1.dc']);
    const badKey = await app.inject({ method: 'GET', url: '/api/runs/r1/data?stream=pstat1.dc&keys=voltage', headers: auth(VIEWER) });
    expect(badKey.statusCode).toBe(400);
    expect(badKey.json().error).toEqual({ code: 'INVALID_QUERY', message: 'pstat1.dc has no key voltage (keys: potential, current)' });
    expect((await app.inject({ method: 'GET', url: '/api/runs/r1/data?maxPoints=1', headers: auth(VIEWER) })).statusCode).toBe(400);
  });

  it('exports a stream as a wide CSV with units in the header, every event by default, buckets when asked', async () => {
    const csv = await app.inject({ method: 'GET', url: '/api/runs/r1/data?format=csv&stream=pstat1.dc', headers: auth(VIEWER) });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.headers['content-disposition']).toBe('attachment; filename="r1-pstat1.dc.csv"');
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toBe('time_s,potential_V,current_A,flags,seq,timestamp_ns');
    expect(lines).toHaveLength(51);
    expect(lines[1]).toBe('0,3,-0.00001,,1,1000000000');
    expect(lines[10]).toBe('9,3.09,-0.00001,overload,10,10000000000');
    expect(lines[20]).toBe('19,,-0.00001,,20,20000000000');
    const buckets = await app.inject({ method: 'GET', url: '/api/runs/r1/data?format=csv&stream=pstat1.dc&keys=potential&maxPoints=5', headers: auth(VIEWER) });
    const bucketLines = buckets.body.trim().split('\n');
    expect(bucketLines[0]).toBe('time_s,potential_V_min,potential_V_max,potential_V_mean,count,flags,timestamp_ns');
    expect(bucketLines).toHaveLength(6);
    const ambiguous = await app.inject({ method: 'GET', url: '/api/runs/r1/data?format=csv', headers: auth(VIEWER) });
    expect(ambiguous.statusCode).toBe(400);
    expect(ambiguous.json().error).toEqual({ code: 'INVALID_QUERY', message: 'a CSV is one stream: name it (streams of run r1: furnace1.temperature, pstat1.dc)' });
    const badKey = await app.inject({ method: 'GET', url: '/api/runs/r1/data?format=csv&stream=pstat1.dc&keys=voltage', headers: auth(VIEWER) });
    expect(badKey.statusCode).toBe(400);
    const noStream = await app.inject({ method: 'GET', url: '/api/runs/r1/data?format=csv&stream=pstat9.dc', headers: auth(VIEWER) });
    expect(noStream.statusCode).toBe(404);
  });

  it('streams a CSV of any size page by page, with the store still writable meanwhile', async () => {
    const events = 12_345;
    await store.append([
      { kind: 'run-start', runId: 'big', timestampNs: 0n, protocol: 'gitt@1', parameters: {}, metadata: {}, instruments: {} },
      descriptor('big', 'pstat1.dc'),
      ...Array.from({ length: events }, (_, i) => event('big', i + 1, { potential: 3.5, current: i }, BigInt(i) * 1_000_000n, 'pstat1.dc')),
    ]);
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const response = await fetch(`${address}/api/runs/big/data?format=csv&stream=pstat1.dc`, { headers: auth(VIEWER) });
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    let rows = -1;
    let chunks = 0;
    for await (const chunk of response.body!) {
      chunks++;
      // A write between pages: the export holds no lock on the store.
      if (chunks === 2) await store.append([{ kind: 'fit', runId: 'big', timestampNs: 1n, method: 'gitt', index: 1, result: {} }]);
      rows += Buffer.from(chunk).toString().split('\n').length - 1;
    }
    expect(rows).toBe(events);
    expect(chunks).toBeGreaterThan(2);
    expect(await store.listFits('big')).toHaveLength(1);
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

  it('streams live documents over a real WebSocket as event pages, filtered by run, stream and key', async () => {
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const ws = new WebSocket(`${address.replace('http', 'ws')}/api/live?runId=r2&stream=pstat1.dc&keys=potential&access_token=${VIEWER}`);
    const documents = new Promise<Array<Record<string, unknown>>>((resolve, reject) => {
      ws.on('message', (data: Buffer) => {
        const msg = JSON.parse(data.toString());
        // The hello message comes once the subscription is in place: publish then.
        if (msg.type === 'hello') publish();
        if (msg.type === 'documents') resolve(msg.documents);
      });
      ws.on('error', reject);
    });
    const dc = (runId: string, seq: number) => event(runId, seq, { potential: 3 + seq, current: -seq }, BigInt(seq), 'pstat1.dc', seq === 2 ? 2 : 0);
    const publish = () => {
      bus.publish(descriptor('r2', 'pstat1.dc'));
      bus.publish(dc('r2', 1));
      bus.publish(dc('r2', 2));
      bus.publish(descriptor('r2', 'furnace1.temperature'));
      bus.publish(event('r2', 1, { potential: 300, current: 0 }, 1n, 'furnace1.temperature'));
      bus.publish(dc('other', 1));
      bus.publish(dc('r2', 3));
      bus.publish({ kind: 'progress', runId: 'r2', timestampNs: 4n, phase: 'rest', step: 1, of: 1, etaS: null, message: 'rest' });
    };
    const docs = await documents;
    ws.terminate();
    // The other run's event and the other stream are filtered out, so the three events of pstat1.dc make one page.
    expect(docs.map((d) => d.kind)).toEqual(['descriptor', 'event-page', 'progress']);
    expect(docs[0]).toMatchObject({ stream: 'pstat1.dc', dataKeys: { potential: { unit: 'V' } } });
    expect(docs[1]).toEqual({
      kind: 'event-page', runId: 'r2', descriptorId: 'r2/pstat1.dc', stream: 'pstat1.dc', seq: [1, 2, 3], timestampsNs: ['1', '2', '3'], flags: [0, 2, 0], data: { potential: [4, 5, 6] },
    });
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
