import { mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { firstValueFrom, take, toArray } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorHandler } from '../../src/api/api-error.js';
import { authHook } from '../../src/api/auth.js';
import { uploadRoutes } from '../../src/api/routes/uploads.js';
import { DocumentBus } from '../../src/core/bus.js';
import { ScaledClock } from '../../src/core/clock.js';
import type { Document, FitResult } from '../../src/core/documents.js';
import { silentLogger } from '../../src/core/logger.js';
import { ExternalHolds, type ExternalDelivery } from '../../src/ingest/external-holds.js';
import { ingestExternal, type IngestDeps, type RunSteps } from '../../src/ingest/ingest.js';
import { PROCESSED_DIR, REJECTED_DIR, WatchedFolder } from '../../src/ingest/watched-folder.js';

const OPERATOR = 'operator-token-0123456789';
const VIEWER = 'viewer-token-0123456789';
const RUN = 'run-1';

describe('ingestion of external NMR results', () => {
  let bus: DocumentBus;
  let docs: Document[];
  let holds: ExternalHolds;
  let deps: IngestDeps;
  let holdAborts: AbortController;

  beforeEach(() => {
    bus = new DocumentBus(silentLogger);
    docs = [];
    bus.attach('test-recorder', (d) => docs.push(d));
    holds = new ExternalHolds();
    holdAborts = new AbortController();
    // RUN has announced 4 steps (its progress), run-2 none yet.
    const runs: Record<string, RunSteps> = { [RUN]: { progress: { of: 4 } }, 'run-2': { progress: null } };
    deps = { bus, clock: new ScaledClock(1), runs: { get: (id: string) => runs[id] }, holds };
  });

  afterEach(() => {
    holdAborts.abort();
    bus.close();
  });

  /** A run step waiting for external data, as the VT series opens it. */
  const hold = (runId: string, step: number, setpointK: number, kinds: Array<'nmr-t2' | 'nmr-exsy'> = ['nmr-t2', 'nmr-exsy']): Promise<ExternalDelivery> =>
    holds.wait({ runId, step, setpointK, kinds }, holdAborts.signal);
  const external = () => docs.filter((d): d is FitResult => d.kind === 'fit' && d.method.startsWith('external-'));

  describe('HTTP upload', () => {
    let app: FastifyInstance;

    beforeEach(async () => {
      app = Fastify();
      app.setErrorHandler(errorHandler(silentLogger));
      app.addHook(
        'onRequest',
        authHook(
          new Map([
            [OPERATOR, { role: 'operator' as const, name: 'alice' }],
            [VIEWER, { role: 'viewer' as const, name: 'dashboard' }],
          ]),
        ),
      );
      await uploadRoutes(app, { engine: deps.runs, bus, clock: deps.clock, holds });
      await app.ready();
    });

    afterEach(async () => {
      await app.close();
    });

    const post = (url: string, payload: string | object, contentType = typeof payload === 'string' ? 'text/csv' : 'application/json', token = OPERATOR) =>
      app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}`, 'content-type': contentType }, payload });

    it('takes a CSV export into the step the run waits at, publishes it and ends the hold', async () => {
      const waiting = hold(RUN, 2, 310);
      const response = await post(`/api/runs/${RUN}/external`, 'temperature_k,t2_s\n310.1,0.0021\n310.0,0.0020\n');
      expect(response.statusCode).toBe(201);
      expect(response.json()).toEqual({ runId: RUN, step: 2, kind: 'nmr-t2', temperatureK: 310.05, points: 2, link: 'hold', endedHold: true });
      await expect(waiting).resolves.toMatchObject({ runId: RUN, step: 2, kind: 'nmr-t2', points: 2, source: 'upload by alice' });
      expect(external()).toMatchObject([{ runId: RUN, method: 'external-nmr-t2', index: 2, result: { points: [{ temperatureK: 310.1, t2S: 0.0021 }, { temperatureK: 310, t2S: 0.002 }] } }]);
    });

    it('takes JSON into an explicit step without ending a hold elsewhere', async () => {
      const body = {
        kind: 'nmr-exsy',
        points: [0.01, 0.1, 1].map((mixingTimeS, k) => ({ temperatureK: 330, mixingTimeS, exchangedFraction: 0.1 + 0.3 * k })),
      };
      const response = await post(`/api/runs/${RUN}/external?step=3`, body);
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({ step: 3, kind: 'nmr-exsy', points: 3, link: 'explicit', endedHold: false });
      expect(external().map((d) => [d.method, d.index])).toEqual([['external-nmr-exsy', 3]]);
    });

    it('lists the holds for viewers and refuses uploads from them', async () => {
      void hold(RUN, 1, 300, ['nmr-t2']).catch(() => undefined);
      const list = await app.inject({ method: 'GET', url: '/api/external/holds', headers: { authorization: `Bearer ${VIEWER}` } });
      expect(list.json()).toEqual({ holds: [{ runId: RUN, step: 1, setpointK: 300, kinds: ['nmr-t2'] }] });
      const refused = await post(`/api/runs/${RUN}/external?step=1`, 'temperature_k,t2_s\n300,0.001\n', 'text/csv', VIEWER);
      expect(refused.statusCode).toBe(403);
      const anonymous = await app.inject({ method: 'POST', url: `/api/runs/${RUN}/external`, payload: {} });
      expect(anonymous.statusCode).toBe(401);
    });

    it('answers malformed uploads with clear 4xx errors and publishes nothing', async () => {
      void hold(RUN, 1, 300, ['nmr-t2']).catch(() => undefined);
      const cases: Array<{ url?: string; payload: string | object; contentType?: string; status: number; code: string; message: RegExp }> = [
        { payload: { kind: 'nmr-t2', points: [{ temperatureK: 300 }] }, status: 400, code: 'VALIDATION', message: /points\/0: t2S is required for nmr-t2/ },
        { payload: { kind: 'nmr-t1', points: [{ temperatureK: 300, t2S: 1 }] }, status: 400, code: 'VALIDATION', message: /kind/ },
        { payload: { kind: 'nmr-t2', points: [{ temperatureK: -3, t2S: 1 }] }, status: 400, code: 'VALIDATION', message: /temperatureK/ },
        { payload: { kind: 'nmr-t2', points: [] }, status: 400, code: 'VALIDATION', message: /points/ },
        { payload: 'temperature,t2\n300,0.001\n', status: 400, code: 'INGEST_FORMAT', message: /not a known export/ },
        { payload: 'temperature_k,t2_s\n300,fast\n', status: 400, code: 'IMPORT_BAD_VALUE', message: /line 2, column t2_s: "fast" is not a number/ },
        { payload: 'temperature_k,t2_s\n300,0.001\n340,0.002\n', status: 400, code: 'INGEST_VALUE', message: /one dataset holds one temperature step/ },
        { payload: 'temperature_k,t2_s\n300,-0.001\n', status: 400, code: 'INGEST_VALUE', message: /row 1: T2 -0.001 s is not a positive time/ },
        { url: '/api/runs/no-such-run/external?step=1', payload: 'temperature_k,t2_s\n300,0.001\n', status: 404, code: 'INGEST_UNKNOWN_RUN', message: /no run no-such-run/ },
        { payload: 'temperature_k,t2_s\n350,0.001\n', status: 409, code: 'INGEST_NO_LINK', message: /waits for no nmr-t2 data at 350.0 K \(it waits at step 1, 300 K\)/ },
        { url: `/api/runs/${RUN}/external?step=1`, payload: 'temperature_k,t2_s\n350,0.001\n', status: 409, code: 'INGEST_NO_LINK', message: /do not belong to run run-1 step 1 at 300 K/ },
        { url: `/api/runs/${RUN}/external?step=5`, payload: 'temperature_k,t2_s\n300,0.001\n', status: 404, code: 'INGEST_UNKNOWN_STEP', message: /^run run-1 has 4 steps: there is no step 5$/ },
        { payload: `temperature_k,t2_s\n${'300,0.001\n'.repeat(10_001)}`, status: 413, code: 'INGEST_TOO_LARGE', message: /upload: more than 10000 data rows/ },
        { payload: `temperature_k,t2_s\n300,0.001${' '.repeat(70_000)}\n`, status: 400, code: 'IMPORT_FORMAT', message: /upload: line 2: longer than 65536 characters/ },
        { url: `/api/runs/${RUN}/external?step=0`, payload: 'temperature_k,t2_s\n300,0.001\n', status: 400, code: 'VALIDATION', message: /step/ },
        { payload: 'temperature_k,t2_s\n300,0.001\n', contentType: 'text/plain', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: /send the export as text\/csv or application\/json, not text\/plain/ },
      ];
      for (const c of cases) {
        const response = await post(c.url ?? `/api/runs/${RUN}/external`, c.payload, c.contentType);
        expect({ status: response.statusCode, error: response.json().error }).toEqual({ status: c.status, error: { code: c.code, message: expect.stringMatching(c.message) } });
      }
      expect(external()).toEqual([]);
    });
  });

  describe('watched folder', () => {
    let dir: string;
    let folder: WatchedFolder;

    beforeEach(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'operando-ingest-'));
      folder = await WatchedFolder.start({ dir, ingest: (s) => ingestExternal(deps, s), logger: silentLogger, stableMs: 20, scanIntervalMs: 200 });
    });

    afterEach(async () => {
      await folder?.close();
      await rm(dir, { recursive: true, force: true });
    });

    /** As export software should: written under another name, then renamed into place. */
    const drop = async (name: string, text: string) => {
      await writeFile(path.join(dir, `${name}.part`), text);
      await rename(path.join(dir, `${name}.part`), path.join(dir, name));
    };

    it('ingests exports into the waiting runs, by temperature or by the run and step in the name, and rejects bad files with the reason', async () => {
      const events = firstValueFrom(folder.events$.pipe(take(3), toArray()));
      const run1 = hold(RUN, 1, 310, ['nmr-exsy']);
      const run2 = hold('run-2', 4, 350, ['nmr-t2']);
      await drop('exsy_310K.csv', 'temperature_k,mixing_time_s,exchanged_fraction\n310,0.01,0.05\n310,0.1,0.3\n310,1,0.8\n');
      await drop('t2_run=run-2_step=4.csv', '# exported by the spectrometer\ntemperature_k,t2_s\n350.2,0.004\n');
      await drop('t2_garbage.csv', 'temperature_k,t2_s\n350,zero\n');

      const byFile = Object.fromEntries((await events).map((e) => [e.file, e]));
      expect(byFile['exsy_310K.csv']).toMatchObject({ outcome: { runId: RUN, step: 1, kind: 'nmr-exsy', link: 'temperature', endedHold: true } });
      expect(byFile['t2_run=run-2_step=4.csv']).toMatchObject({ outcome: { runId: 'run-2', step: 4, kind: 'nmr-t2', link: 'explicit', endedHold: true } });
      expect(byFile['t2_garbage.csv']).toEqual({ file: 't2_garbage.csv', error: expect.stringMatching(/line 2, column t2_s: "zero" is not a number/) });
      await expect(run1).resolves.toMatchObject({ step: 1, source: 'folder exsy_310K.csv' });
      await expect(run2).resolves.toMatchObject({ step: 4 });

      expect(external().map((d) => [d.runId, d.method, d.index])).toEqual(
        expect.arrayContaining([
          [RUN, 'external-nmr-exsy', 1],
          ['run-2', 'external-nmr-t2', 4],
        ]),
      );
      expect((await readdir(dir)).filter((f) => f.endsWith('.csv'))).toEqual([]);
      expect((await readdir(path.join(dir, PROCESSED_DIR))).sort()).toEqual(['exsy_310K.csv', 't2_run=run-2_step=4.csv']);
      expect((await readdir(path.join(dir, REJECTED_DIR))).sort()).toEqual(['t2_garbage.csv', 't2_garbage.csv.error.txt']);
      expect(await readFile(path.join(dir, REJECTED_DIR, 't2_garbage.csv.error.txt'), 'utf8')).toMatch(/"zero" is not a number/);
    });

    it('moves a 60 MB file to rejected/ unread, with the reason, and goes on ingesting', async () => {
      const events = firstValueFrom(folder.events$.pipe(take(2), toArray()));
      const waiting = hold(RUN, 2, 310, ['nmr-t2']);
      const lag = monitorEventLoopDelay({ resolution: 10 });
      lag.enable();
      // A well-formed export, only far too long: 6 million rows.
      await writeFile(path.join(dir, 'huge.part'), `temperature_k,t2_s\n${'310.00,0.00200\n'.repeat(4_000_000)}`);
      await rename(path.join(dir, 'huge.part'), path.join(dir, 't2_huge.csv'));
      await drop('t2_310K.csv', 'temperature_k,t2_s\n310,0.002\n');
      const byFile = Object.fromEntries((await events).map((e) => [e.file, e]));
      lag.disable();
      expect(byFile['t2_huge.csv']).toEqual({ file: 't2_huge.csv', error: expect.stringMatching(/^t2_huge\.csv: 60000019 bytes, larger than the ingest limit of 16777216 bytes/) });
      expect(byFile['t2_310K.csv']).toMatchObject({ outcome: { runId: RUN, step: 2, endedHold: true } });
      await expect(waiting).resolves.toMatchObject({ points: 1 });
      expect((await readdir(path.join(dir, REJECTED_DIR))).sort()).toEqual(['t2_huge.csv', 't2_huge.csv.error.txt']);
      expect(await readFile(path.join(dir, REJECTED_DIR, 't2_huge.csv.error.txt'), 'utf8')).toMatch(/larger than the ingest limit/);
      // Reading it whole blocked the event loop for seconds; unread, nothing holds it long.
      expect(lag.max / 1e6).toBeLessThan(1000);
    });

    it('takes a large file within the limit, and rejects one with too many rows', async () => {
      const events = firstValueFrom(folder.events$.pipe(take(2), toArray()));
      const waiting = hold(RUN, 3, 320, ['nmr-t2']);
      // 15 MiB of comment lines before a small export (export-file.test.ts: read as a stream).
      const comments = '# spectrometer log line, not data\n'.repeat(Math.floor((15 * 1024 * 1024) / 34));
      await drop('t2_commented.csv', `${comments}temperature_k,t2_s\n320,0.003\n320.2,0.0031\n`);
      await drop('t2_rows.csv', `temperature_k,t2_s\n${'320,0.003\n'.repeat(20_000)}`);
      const byFile = Object.fromEntries((await events).map((e) => [e.file, e]));
      expect(byFile['t2_commented.csv']).toMatchObject({ outcome: { runId: RUN, step: 3, points: 2, endedHold: true } });
      expect(byFile['t2_rows.csv']).toEqual({ file: 't2_rows.csv', error: 't2_rows.csv: more than 10000 data rows (an export of one temperature step has tens)' });
      await expect(waiting).resolves.toMatchObject({ points: 2 });
    });

    it('rejects data no waiting run can take', async () => {
      const event = firstValueFrom(folder.events$);
      void hold(RUN, 1, 310, ['nmr-t2']).catch(() => undefined);
      await drop('t2_400K.csv', 'temperature_k,t2_s\n400,0.004\n');
      expect(await event).toEqual({ file: 't2_400K.csv', error: expect.stringMatching(/no run waits for nmr-t2 data at 400.0 K/) });
      expect(external()).toEqual([]);
    });
  });
});
