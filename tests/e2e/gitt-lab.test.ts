import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { InsertionCellParameters } from '../../simulators/potentiostat/cell/index.js';
import { analyzeGitt } from '../../src/analysis/gitt/index.js';
import { totalEvents } from '../../src/core/documents.js';
import { parseElectrochemSeries } from '../../src/io/electrochem-series.js';
import { potentiostatSimulatorOf } from '../../src/kinds/potentiostat/simulator.js';
import { OPERATOR_TOKEN, startTestLab, VIEWER_TOKEN, type LabFixture } from '../support/lab-fixture.js';

/**
 * The acceptance run of the acquisition core: a simulated lab (potentiostat
 * simulator on a real socat pseudo-terminal, embedded store, API on a real
 * port), a GITT of 10 pulses started over HTTP with an operator token and
 * watched over the WebSocket, fitted live after every pulse.
 *
 * The Weppner-Huggins regime of this test (documented in
 * src/analysis/gitt/weppner-huggins.ts): pulse tau = 2 min << r^2/D = 14 h for
 * the simulated Li_xV2O5 (r = 10 um, D = 2e-11 cm2/s); the titration starts at
 * x = 0.3, in the solid-solution region 0.29 < x < 0.6 where dE/dx stays near
 * -0.18 V per unit x (the plateau edges of V2O5 bend it elsewhere, and there
 * the method's assumption fails: D comes out 0.6 to 2.5 times the truth); each
 * pulse moves x by 0.01; rests of 5 h (0.36 r^2/D) let the particle relax to
 * within about 1% of dEs. Lab time runs 20000 times faster than real
 * time: 51 lab hours take about 10 s.
 */
describe('GITT on the simulated lab, end to end', () => {
  let fixture: LabFixture;
  let runId: string;
  const wsDocuments: Array<Record<string, unknown>> = [];
  let trueDiffusionCm2PerS: number;
  const viewer = { authorization: `Bearer ${VIEWER_TOKEN}` };

  beforeAll(async () => {
    fixture = await startTestLab(
      `simulators:
  - { id: cell-sim, kind: potentiostat, cell: LixV2O5, link: pty, seed: 7, noise: { potentialV: 0.00002, currentA: 1.0e-10 }, cellParameters: { initialX: 0.3 } }
instruments:
  - id: pstat1
    kind: potentiostat
    driver: methodscript
    transport: sim://cell-sim
    limits: { minV: 2.0, maxV: 4.0, maxAbsCurrentA: 0.005 }
    sample: { name: LixV2O5 test electrode }
`,
      { timeScale: 20000 },
    );
    const cell = potentiostatSimulatorOf(fixture.lab.simulators[0]!).cell.parameters as InsertionCellParameters;
    trueDiffusionCm2PerS = cell.diffusionCm2PerS;
    // Discharge (Li in, x up) by 0.01 per 2-min pulse.
    const currentA = -(0.01 * cell.capacityPerUnitXMAh * 3.6) / 120;

    const ws = new WebSocket(`${fixture.lab.url!.replace('http', 'ws')}/api/live?access_token=${VIEWER_TOKEN}`);
    let sawRunStop: () => void = () => {};
    const runStopOverWs = new Promise<void>((resolve) => (sawRunStop = resolve));
    await new Promise<void>((resolve, reject) => {
      ws.on('message', (data: Buffer) => {
        const msg = JSON.parse(data.toString()) as { type: string; documents?: Array<Record<string, unknown>> };
        if (msg.type === 'hello') resolve();
        if (msg.type !== 'documents') return;
        for (const d of msg.documents!) wsDocuments.push(d);
        if (msg.documents!.some((d) => d.kind === 'run-stop')) sawRunStop();
      });
      ws.on('error', reject);
    });

    const response = await fetch(`${fixture.lab.url}/api/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        protocol: 'gitt',
        parameters: {
          instrument: 'pstat1',
          current: `${currentA * 1e6} uA`,
          pulse: '2 min',
          rest: { duration: '5 h' },
          pulses: 10,
          cutoff: { minV: '2.3 V' },
          sampleInterval: '2 s',
          restSampleInterval: '1 min',
          initialRest: '1 h',
        },
        metadata: { sample: 'LixV2O5 test electrode' },
      }),
    });
    expect(response.status).toBe(201);
    runId = ((await response.json()) as { runId: string }).runId;
    await fixture.lab.engine.whenDone(runId);
    await fixture.lab.writer.flush();
    await runStopOverWs;
    ws.close();
  });

  afterAll(async () => {
    await fixture?.close();
  });

  it('completes all pulses and leaves the cell off', async () => {
    const res = await fetch(`${fixture.lab.url}/api/runs/${runId}`, { headers: viewer });
    const run = (await res.json()) as Record<string, unknown>;
    expect(run).toMatchObject({ exitStatus: 'success', reason: 'completed' });
    expect(potentiostatSimulatorOf(fixture.lab.simulators[0]!).status().cellOn).toBe(false);
  });

  it('stores every event the run published, in one self-describing DC stream', async () => {
    const run = await fixture.lab.store.getRun(runId);
    expect(Object.keys(run!.stop!.events)).toEqual(['pstat1.dc']);
    expect(run!.stop!.events['pstat1.dc']).toBeGreaterThan(1000);
    expect(run!.events).toBe(totalEvents(run!.stop!.events));
    const [stream] = await fixture.lab.store.listStreams(runId);
    expect(stream!.descriptor).toMatchObject({
      stream: 'pstat1.dc',
      dataKeys: { potential: { unit: 'V', source: 'pstat1', nativeQuantity: expect.stringMatching(/^MethodSCRIPT ab/) }, current: { unit: 'A' } },
      flags: { overload: 2 },
      configuration: { pstat1: { driver: 'methodscript', limits: { maxV: 4 }, identity: { device: expect.any(String) } } },
    });
  });

  it('fits D after every pulse within 30% of the simulated D', async () => {
    const fits = await fixture.lab.store.listFits(runId, 'gitt');
    expect(fits.map((f) => f.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const fit of fits) {
      const d = fit.result.diffusionCm2PerS as number;
      expect(d / trueDiffusionCm2PerS).toBeGreaterThan(0.7);
      expect(d / trueDiffusionCm2PerS).toBeLessThan(1.3);
      const dSqrtT = fit.result.diffusionSqrtTCm2PerS as number;
      expect(dSqrtT / trueDiffusionCm2PerS).toBeGreaterThan(0.7);
      expect(dSqrtT / trueDiffusionCm2PerS).toBeLessThan(1.3);
      expect(fit.result.resistanceOhm as number).toBeGreaterThan(0);
    }
  });

  it('streamed the descriptor, event pages, progress with pulse k of n, and every fit over the WebSocket', () => {
    const kinds = new Set(wsDocuments.map((d) => d.kind));
    expect(kinds).toEqual(new Set(['run-start', 'descriptor', 'event-page', 'progress', 'fit', 'run-stop']));
    const pages = wsDocuments.filter((d) => d.kind === 'event-page') as Array<{ seq: number[] }>;
    // Every event of the stream came over the socket, in order, once.
    expect(pages.flatMap((p) => p.seq)).toEqual(Array.from({ length: pages.reduce((n, p) => n + p.seq.length, 0) }, (_, i) => i + 1));
    const messages = wsDocuments.filter((d) => d.kind === 'progress').map((d) => d.message as string);
    expect(messages.filter((m) => /^pulse \d+ of 10:/.test(m))).toHaveLength(10);
    expect(wsDocuments.filter((d) => d.kind === 'fit' && d.method === 'gitt')).toHaveLength(10);
    expect(wsDocuments.filter((d) => d.kind === 'progress').every((d) => d.etaS === null || (d.etaS as number) >= 0)).toBe(true);
  });

  it('serves the stream downsampled as JSON', async () => {
    const res = await fetch(`${fixture.lab.url}/api/runs/${runId}/data?stream=pstat1.dc&keys=potential&maxPoints=500`, { headers: viewer });
    const [stream] = ((await res.json()) as { streams: Array<{ downsampled: boolean; timestampsNs: string[]; dataKeys: object }> }).streams;
    expect(stream).toMatchObject({ downsampled: true, dataKeys: { potential: { unit: 'V' } } });
    expect(stream!.timestampsNs.length).toBeLessThanOrEqual(500);
  });

  it('exports a CSV that the offline GITT analysis reads as it is, giving the live fit\'s D', async () => {
    const csv = await fetch(`${fixture.lab.url}/api/runs/${runId}/data?stream=pstat1.dc&format=csv`, { headers: viewer });
    expect(csv.status).toBe(200);
    const text = await csv.text();
    expect(text.slice(0, text.indexOf('\n'))).toBe('time_s,potential_V,current_A,flags,seq,timestamp_ns');
    const series = parseElectrochemSeries(text, `${runId}.csv`);
    const run = await fixture.lab.store.getRun(runId);
    expect(series.timeS.length).toBe(run!.stop!.events['pstat1.dc']);
    // The sample as the run recorded it (the simulated cell's mass, molar mass and volume, area).
    const { massG, molarMassGPerMol, molarVolumeCm3PerMol, areaCm2 } = (run!.start.parameters as { sample: Record<string, number> }).sample;
    const offline = analyzeGitt(series, { massG, molarMassGPerMol, molarVolumeCm3PerMol, areaCm2 });
    const live = await fixture.lab.store.listFits(runId, 'gitt');
    expect(offline.pulses.map((p) => p.index)).toEqual(live.map((f) => f.index));
    offline.pulses.forEach((pulse, k) => {
      // One implementation, the same data to the nanosecond and the last bit: the same D.
      expect(pulse.diffusionCm2PerS).toBe(live[k]!.result.diffusionCm2PerS);
      expect(pulse.esV).toBe(live[k]!.result.esV);
    });
  });
});

describe('GITT control on the simulated lab: relaxation rests, pause, resume and abort over the API', () => {
  let fixture: LabFixture;
  const docs: Array<Record<string, unknown>> = [];
  const waiters: Array<{ match: (d: Record<string, unknown>) => boolean; resolve: (d: Record<string, unknown>) => void }> = [];
  /** Resolves with the first document, past or future, that matches. */
  const waitFor = (match: (d: Record<string, unknown>) => boolean) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const seen = docs.find(match);
      if (seen) resolve(seen);
      else waiters.push({ match, resolve });
    });
  const control = (runId: string, action: string) =>
    fetch(`${fixture.lab.url}/api/runs/${runId}/${action}`, { method: 'POST', headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });

  beforeAll(async () => {
    fixture = await startTestLab(
      `simulators:
  - { id: cell-sim, kind: potentiostat, cell: LixV2O5, link: tcp, seed: 8, noise: { potentialV: 0.00002, currentA: 1.0e-10 }, cellParameters: { initialX: 0.3 } }
instruments:
  - { id: pstat1, kind: potentiostat, driver: methodscript, transport: sim://cell-sim, limits: { minV: 2.0, maxV: 4.0, maxAbsCurrentA: 0.005 } }
`,
      { timeScale: 20000 },
    );
    fixture.lab.bus.attach('test-recorder', (d) => {
      const doc = d as unknown as Record<string, unknown>;
      docs.push(doc);
      for (const w of waiters.filter((x) => x.match(doc))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(doc);
      }
    });
  });

  afterAll(async () => {
    await fixture?.close();
  });

  it('ends rests on the dV/dt criterion, pauses with the cell off, resumes, and aborts to open circuit', async () => {
    const sim = potentiostatSimulatorOf(fixture.lab.simulators[0]!);
    const start = await fetch(`${fixture.lab.url}/api/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        protocol: 'gitt',
        parameters: {
          instrument: 'pstat1', current: '-200 uA', pulse: '2 min', pulses: 10, sampleInterval: '2 s', restSampleInterval: '1 min', initialRest: '30 min',
          rest: { maxDvdt: '1 mV/h', window: '20 min', maxDuration: '20 h' },
        },
      }),
    });
    expect(start.status).toBe(201);
    const { runId } = (await start.json()) as { runId: string };
    const progress = (phase: string, step: number) => (d: Record<string, unknown>) => d.kind === 'progress' && d.runId === runId && d.phase === phase && d.step === step;

    // Relaxation: the rest after pulse 1 ended on the criterion, well before its 20 h maximum.
    const rest1 = await waitFor(progress('rest', 1));
    const pulse2 = await waitFor(progress('pulse', 2));
    const restHours = Number(BigInt(pulse2.timestampNs as bigint) - BigInt(rest1.timestampNs as bigint)) / 3.6e12;
    expect(restHours).toBeGreaterThan(20 / 60);
    expect(restHours).toBeLessThan(19);

    expect((await control(runId, 'pause')).status).toBe(200);
    await waitFor(progress('paused', 2));
    expect(sim.status().cellOn).toBe(false);
    expect(fixture.lab.engine.get(runId)?.state).toBe('paused');

    expect((await control(runId, 'resume')).status).toBe(200);
    await waitFor(progress('pulse', 3));
    expect((await control(runId, 'abort')).status).toBe(200);
    const stop = await fixture.lab.engine.whenDone(runId);
    expect(stop.exitStatus).toBe('abort');
    expect(stop.reason).toMatch(/aborted by operator/);
    expect(sim.status().cellOn).toBe(false);
    // Control of a finished run is refused as a conflict.
    expect((await control(runId, 'resume')).status).toBe(409);
  });
});
