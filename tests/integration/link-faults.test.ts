import { filter, firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { nsToS, ScaledClock } from '../../src/core/clock.js';
import type { Document, FitResult, Progress, StreamEvent } from '../../src/core/documents.js';
import { potentiostatSimulatorOf } from '../../src/kinds/potentiostat/simulator.js';
import { temperatureSimulatorOf } from '../../src/kinds/temperature/simulator.js';
import type { VtStepResult } from '../../src/protocols/vt-series/vt-parameters.js';
import type { LinkFault } from '../../simulators/temperature/link-faults.js';
import { ingestExternal } from '../../src/ingest/ingest.js';
import type { Lab } from '../../src/lab/lab.js';
import { startPotentiostatSimulator, type PotentiostatSimulator } from '../../simulators/potentiostat/start-potentiostat-simulator.js';
import { OPERATOR_TOKEN, startTestLab, type LabFixture } from '../support/lab-fixture.js';
import { expectStoredAsPublished, recordPublishedEvents } from '../support/published-events.js';
import { freePort } from '../support/sockets.js';

/** Lab time 2000x real time: a 10 min pulse takes 0.3 s. */
const SCALE = 2000;

const LAB = `simulators:
  - { id: cell-sim, kind: potentiostat, cell: LixV2O5, link: pty, seed: 41, cellParameters: { initialX: 0.3 } }
  - { id: pellet-sim, kind: potentiostat, cell: LAGP-pellet, link: tcp, seed: 42 }
instruments:
  - { id: pstat1, kind: potentiostat, driver: methodscript, transport: sim://cell-sim, limits: { minV: 2.0, maxV: 4.0, maxAbsCurrentA: 0.005 } }
  - { id: pstat2, kind: potentiostat, driver: methodscript, transport: sim://pellet-sim, limits: { minV: -1, maxV: 1, maxAbsCurrentA: 0.001 } }
`;

const GITT = {
  instrument: 'pstat1',
  current: '-100 uA',
  pulse: '10 min',
  rest: { duration: '30 min' },
  pulses: 3,
  sampleInterval: '30 s',
  restSampleInterval: '2 min',
  initialRest: '10 min',
  sample: { particleRadiusCm: 1e-3, capacityPerUnitXMah: 1, initialX: 0.3 },
};

const EIS = { instrument: 'pstat2', startFrequency: '1 MHz', endFrequency: '10 Hz', pointsPerDecade: 5, amplitude: '10 mV', circuit: 'p(R1,CPE1)-p(R2,CPE2)-CPE3', repeats: 3 };
const EIS_POINTS = 26;

/** The documents of one run, as they were published. */
function runDocuments(docs: readonly Document[], runId: string) {
  const of = docs.filter((d) => 'runId' in d && d.runId === runId);
  return {
    phases: of.filter((d): d is Progress => d.kind === 'progress').map((d) => `${d.phase} ${d.step}`),
    fits: (method: string) => of.filter((d): d is FitResult => d.kind === 'fit' && d.method === method),
    events: (stream: string) => of.filter((d): d is StreamEvent => d.kind === 'event' && d.stream === stream),
    interruptions: () =>
      of.filter((d): d is StreamEvent => d.kind === 'event' && d.stream === 'run.interruptions').map((e) => `${e.data.state as string} ${e.data.condition as string}`),
  };
}

/** Calls `act` once, at the first document `when` accepts. */
function once(lab: Lab, name: string, when: (doc: Document) => boolean, act: () => void): void {
  let done = false;
  lab.bus.attach(name, (doc) => {
    if (done || !when(doc)) return;
    done = true;
    act();
  });
}

let fixture: LabFixture | null = null;

afterEach(async () => {
  await fixture?.close();
  fixture = null;
});

/** A lab of `body` (closed after the test), with every document it publishes and its events counted as published. */
async function labUnderTest(body: string, timeScale: number, api = false) {
  fixture = await startTestLab(body, { timeScale, api });
  const { lab } = fixture;
  const docs: Document[] = [];
  lab.bus.attach('test-recorder', (d) => docs.push(d));
  return { lab, docs, published: recordPublishedEvents(lab.bus) };
}

describe('instrument links that fail during runs (real pseudo-terminal and TCP links)', () => {
  it('a pseudo-terminal pulled and plugged back mid-pulse, a TCP reset mid-sweep: each run suspends, resumes and completes, the other goes on, every event is stored', async () => {
    const { lab, docs, published } = await labUnderTest(LAB, SCALE);
    const cellSim = potentiostatSimulatorOf(lab.simulators.find((s) => s.id === 'cell-sim')!);
    const pelletSim = potentiostatSimulatorOf(lab.simulators.find((s) => s.id === 'pellet-sim')!);

    const gitt = lab.engine.start({ protocol: 'gitt', parameters: GITT });
    const eis = lab.engine.start({ protocol: 'eis', parameters: EIS });
    // What the API shows of a run while it is suspended.
    const statesWhenSuspended: string[] = [];
    lab.bus.attach('test-states', (d) => {
      if (d.kind === 'progress' && d.phase === 'suspended') statesWhenSuspended.push(lab.engine.get(d.runId)!.state);
    });
    // Pulse 2 under way (its first sample stored): the cable of pstat1 is pulled and plugged back in.
    let inPulse2 = false;
    lab.bus.attach('test-pulse-2', (d) => {
      if (d.kind === 'progress' && d.runId === gitt.runId) inPulse2 = d.phase === 'pulse' && d.step === 2;
    });
    once(lab, 'test-replug', (d) => inPulse2 && d.kind === 'event' && d.stream === 'pstat1.dc', () => void cellSim.faults.replug());
    // Sweep 2 three points in: pstat2's TCP connection is reset (a pulled cable).
    once(
      lab,
      'test-reset',
      (d) => d.kind === 'event' && d.stream === 'pstat2.eis' && d.data.sweep === 2 && d.data.attempt === 1 && d.seq === EIS_POINTS + 3,
      () => void pelletSim.faults.drop(),
    );

    const [gittStop, eisStop] = await Promise.all([lab.engine.whenDone(gitt.runId), lab.engine.whenDone(eis.runId)]);
    expect(gittStop).toMatchObject({ exitStatus: 'success', reason: 'completed' });
    expect(eisStop).toMatchObject({ exitStatus: 'success', reason: 'completed' });

    // GITT: pulse 2 interrupted and marked, its rest followed, pulse 3 ran; the fits say so.
    const g = runDocuments(docs, gitt.runId);
    expect(g.phases).toContain('pulse-interrupted 2');
    expect(g.phases.slice(g.phases.indexOf('pulse-interrupted 2'))).toEqual(
      expect.arrayContaining(['rest 2', 'pulse 3', 'rest 3', 'done 3']),
    );
    const pulses = g.fits('gitt');
    expect(pulses.map((f) => f.index)).toEqual([1, 2, 3]);
    expect(pulses[1]!.result.diffusionCm2PerS).toBeNull();
    expect(pulses[1]!.result.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/interrupted/)]));
    for (const k of [0, 2]) expect(pulses[k]!.result.diffusionCm2PerS).toEqual(expect.any(Number));
    expect(g.interruptions()).toEqual(expect.arrayContaining(['tripped pstat1 link', 'suspended pstat1 link', 'interrupted pstat1 link', 'cleared pstat1 link', 'resumed pstat1 link']));

    // EIS: sweep 2 repeated after the reset; every sweep fitted once, from its complete attempt.
    const e = runDocuments(docs, eis.runId);
    const points = e.events('pstat2.eis');
    // The reset lands in sweep 2 or, when sweep 2's points were already on the wire, early in sweep 3.
    const attempts = (sweep: number) => new Set(points.filter((p) => p.data.sweep === sweep).map((p) => p.data.attempt));
    const repeated = [1, 2, 3].filter((k) => attempts(k).has(2));
    expect(repeated).toHaveLength(1);
    const of = (sweep: number, attempt: number) => points.filter((p) => p.data.sweep === sweep && p.data.attempt === attempt).length;
    for (const k of [1, 2, 3]) expect(of(k, k === repeated[0] ? 2 : 1)).toBe(EIS_POINTS);
    expect(of(repeated[0]!, 1)).toBeLessThan(EIS_POINTS);
    expect(e.phases).toContain(`eis-sweep-aborted ${repeated[0]}`);
    expect(e.fits('eis').map((f) => [f.index, f.result.points])).toEqual([
      [1, EIS_POINTS],
      [2, EIS_POINTS],
      [3, EIS_POINTS],
    ]);
    expect(e.interruptions()).toEqual(expect.arrayContaining(['tripped pstat2 link', 'interrupted pstat2 link', 'resumed pstat2 link']));

    expect(statesWhenSuspended).toEqual(['suspended', 'suspended']);
    // Each run was suspended by its own instrument only: the other went on.
    expect(g.interruptions().some((i) => i.includes('pstat2'))).toBe(false);
    expect(e.interruptions().some((i) => i.includes('pstat1'))).toBe(false);

    // Both instruments are back, connected, cells off; every event that reached the service is in the store.
    for (const id of ['pstat1', 'pstat2']) expect(lab.instruments.get(id).status().connection).toBe('connected');
    expect(cellSim.status().cellOn).toBe(false);
    expect(pelletSim.status().cellOn).toBe(false);
    await lab.writer.flush();
    const counted = await expectStoredAsPublished(lab.store, published, [gitt.runId, eis.runId]);
    expect(counted).toBe(docs.filter((d) => d.kind === 'event').length);
  });
});

describe.each<{ fault: LinkFault; link: 'tcp' | 'pty'; what: string }>([
  { fault: 'drop-replies', link: 'tcp', what: 'Modbus TCP replies lost (timeouts)' },
  { fault: 'busy-replies', link: 'tcp', what: 'Modbus TCP exception replies (server busy)' },
  { fault: 'corrupt-replies', link: 'pty', what: 'Modbus RTU replies with a bad CRC over a pseudo-terminal' },
])('a VT series whose controller link fails during a measurement: $what', ({ fault, link }) => {
  it('suspends, reconnects, settles again, repeats the measurement, and stores every event', async () => {
    const { lab, docs, published } = await labUnderTest(
      `simulators:
  - { id: furnace-sim, kind: temperature, model: eurotherm, preset: furnace, link: ${link}, seed: 51 }
  - { id: pellet-sim, kind: potentiostat, cell: LAGP-pellet, link: tcp, seed: 52, inside: furnace-sim }
instruments:
  - { id: furnace1, kind: temperature, driver: eurotherm, transport: sim://furnace-sim, limits: { minK: 250, maxK: 450, maxRampKPerMin: 10, safeK: 298.15 } }
  - { id: pstat2, kind: potentiostat, driver: methodscript, transport: sim://pellet-sim, limits: { minV: -1, maxV: 1, maxAbsCurrentA: 0.001 } }
`,
      1200,
    );
    const furnace = temperatureSimulatorOf(lab.simulators.find((s) => s.id === 'furnace-sim')!);
    // The measurement at the temperature: a sweep, then a hold for the spectrometer's T2. The link fails
    // during the first hold and heals once the run has noticed; the spectrometer answers the second hold.
    let holds = 0;
    lab.bus.attach('test-spectrometer', (d) => {
      if (d.kind !== 'progress' || d.phase !== 'external-hold') return;
      if (++holds === 1) return furnace.setFault(fault, true);
      ingestExternal({ bus: lab.bus, clock: lab.clock, runs: lab.engine, holds: lab.holds }, { runId, dataset: { kind: 'nmr-t2', rows: [{ temperatureK: 303, t2S: 1e-3 }] }, source: 'test spectrometer' });
    });
    once(
      lab,
      'test-fault-off',
      (d) => d.kind === 'event' && d.stream === 'run.interruptions' && d.data.state === 'tripped' && d.data.condition === 'furnace1 link',
      () => furnace.setFault(fault, false),
    );
    const { runId } = lab.engine.start({
      protocol: 'vt-series',
      parameters: {
        controller: 'furnace1',
        temperatures: [303],
        ramp: '5 K/min',
        settle: { band: '0.5 K', maxRate: '0.1 K/min', hold: '5 min', timeout: '3 h' },
        poll: '10 s',
        eis: { potentiostat: 'pstat2', startFrequency: '1 MHz', endFrequency: '10 Hz', pointsPerDecade: 5, amplitude: '10 mV', circuit: 'p(R1,CPE1)-p(R2,CPE2)-CPE3' },
        external: { kinds: ['nmr-t2'] },
      },
    });
    expect(await lab.engine.whenDone(runId)).toMatchObject({ exitStatus: 'success', reason: 'completed' });

    const run = runDocuments(docs, runId);
    expect(run.interruptions()).toEqual(
      expect.arrayContaining([
        'tripped furnace1 link',
        'interrupted furnace1 link',
        'cleared furnace1 link',
        'tripped furnace1 temperature band',
        'cleared furnace1 temperature band',
        'resumed furnace1 link, furnace1 temperature band',
      ]),
    );
    // The step settled again after the link came back, and its measurement is the repeated one.
    const [step] = run.fits('vt-step').map((f) => f.result as VtStepResult & { attempts: number; suspensions: Array<{ reason: string; resumedAtS: number | null }> });
    expect(step).toMatchObject({ ok: true, attempts: 2 });
    expect(step!.suspensions).toEqual([expect.objectContaining({ reason: expect.stringMatching(/link to furnace1 came back/), resumedAtS: expect.any(Number) })]);
    // Both sweeps are stored, told apart by their attempt; the step's result is the repeated one.
    const points = run.events('pstat2.eis');
    expect([1, 2].map((a) => points.filter((p) => p.data.attempt === a).length)).toEqual([EIS_POINTS, EIS_POINTS]);
    expect(run.fits('eis').map((f) => [f.index, f.result.points, (f.result.provenance as { attempt: number }).attempt])).toEqual([
      [1, EIS_POINTS, 1],
      [1, EIS_POINTS, 2],
    ]);
    expect(run.fits('external-nmr-t2')).toHaveLength(1);
    // The controller is connected again and back at its safe setpoint.
    expect(lab.instruments.get('furnace1').status().connection).toBe('connected');
    expect(furnace.simulation.snapshot().targetSetpointK).toBeCloseTo(298.15, 1);
    await lab.writer.flush();
    expect(await expectStoredAsPublished(lab.store, published, [runId])).toBe(docs.filter((d) => d.kind === 'event').length);
  });
});

describe('garbage on a live link', () => {
  it('garbage bytes mid-rest: the link is renewed, the rest goes on to its full length, every event is stored', async () => {
    const { lab, docs, published } = await labUnderTest(LAB, SCALE);
    const cellSim = potentiostatSimulatorOf(lab.simulators.find((s) => s.id === 'cell-sim')!);
    const { runId } = lab.engine.start({ protocol: 'gitt', parameters: { ...GITT, pulses: 1 } });
    let inRest = false;
    lab.bus.attach('test-rest', (d) => {
      if (d.kind === 'progress' && d.runId === runId) inRest = d.phase === 'rest';
    });
    once(lab, 'test-garbage', (d) => inRest && d.kind === 'event' && d.stream === 'pstat1.dc', () => void cellSim.faults.injectGarbage('\u0000\u00ff#garbage%\n'));
    expect(await lab.engine.whenDone(runId)).toMatchObject({ exitStatus: 'success', reason: 'completed' });

    const run = runDocuments(docs, runId);
    expect(run.interruptions()).toEqual(expect.arrayContaining(['interrupted pstat1 link', 'resumed pstat1 link']));
    // The rest after the pulse: its open-circuit samples before and after the gap span its 30 min, the gap left out.
    const restFrom = docs.findIndex((d) => d.kind === 'progress' && d.phase === 'rest');
    const rest = docs.slice(restFrom).filter((d): d is StreamEvent => d.kind === 'event' && d.stream === 'pstat1.dc');
    const gaps = rest.slice(1).map((e, i) => nsToS(e.timestampNs) - nsToS(rest[i]!.timestampNs));
    const longest = gaps.reduce((a, b) => Math.max(a, b), 0);
    const measuredS = gaps.reduce((a, b) => a + b, 0) - longest;
    expect(measuredS).toBeGreaterThanOrEqual(30 * 60 - 3 * 120);
    expect(run.fits('gitt')).toHaveLength(1);
    await lab.writer.flush();
    expect(await expectStoredAsPublished(lab.store, published, [runId])).toBe(docs.filter((d) => d.kind === 'event').length);
  });
});

describe('a lab whose instrument is not there yet', () => {
  let simulator: PotentiostatSimulator | null = null;

  afterEach(async () => {
    await simulator?.close();
    simulator = null;
  });

  it('starts with the instrument registered as error, and connects it when it appears', async () => {
    const port = await freePort();
    const { lab } = await labUnderTest(
      `instruments:
  - { id: pstat9, kind: potentiostat, driver: methodscript, transport: tcp://127.0.0.1:${port}, limits: { minV: 2.0, maxV: 4.0, maxAbsCurrentA: 0.005 } }
`,
      1,
      true,
    );
    const instrument = lab.instruments.get('pstat9');
    const listed = await fetch(`${lab.url}/api/instruments`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
    const body = (await listed.json()) as { instruments: Array<{ id: string; connection: string; lastError: string | null }> };
    expect(body.instruments).toEqual([expect.objectContaining({ id: 'pstat9', connection: 'error', lastError: expect.stringMatching(/ECONNREFUSED/) })]);
    // A run cannot start on it meanwhile, and says why.
    expect(() => lab.engine.start({ protocol: 'eis', parameters: { ...EIS, instrument: 'pstat9' } })).toThrow(/pstat9 is error/);

    const connected = firstValueFrom(instrument.connection$.pipe(filter((c) => c.state === 'connected')));
    simulator = await startPotentiostatSimulator({ cell: 'LixV2O5', link: 'tcp', port, seed: 9 }, new ScaledClock(1));
    await connected;
    expect(instrument.status()).toMatchObject({ connection: 'connected', identity: expect.objectContaining({ device: expect.any(String) }), lastError: null });
    // Identified and put in its safe state before it was connected.
    expect(simulator.status().cellOn).toBe(false);
  });
});

describe('pause during a relaxation rest', () => {
  it('takes effect within one sample, and the rest goes on with its criterion after resume', async () => {
    const { lab, docs } = await labUnderTest(LAB, 1200);
    const sampleS = 600;
    const minRestS = 2400;
    const { runId } = lab.engine.start({
      protocol: 'gitt',
      parameters: { ...GITT, pulses: 1, restSampleInterval: '10 min', rest: { maxDvdt: '1 mV/h', window: '40 min', minDuration: '40 min', maxDuration: '2 h' } },
    });
    let inRest = false;
    let restSamples = 0;
    let pauseAtNs = 0n;
    lab.bus.attach('test-pause', (d) => {
      if (d.kind === 'progress' && d.runId === runId) inRest = d.phase === 'rest';
      if (d.kind === 'progress' && d.phase === 'paused') lab.engine.resume(runId);
      if (!(inRest && d.kind === 'event' && d.stream === 'pstat1.dc') || ++restSamples !== 2) return;
      pauseAtNs = lab.clock.nowNs();
      lab.engine.pause(runId);
    });
    expect(await lab.engine.whenDone(runId)).toMatchObject({ exitStatus: 'success' });

    const pausedAt = docs.findIndex((d) => d.kind === 'progress' && d.phase === 'paused');
    expect(pausedAt).toBeGreaterThan(0);
    const restEvents = (from: number, to: number) => docs.slice(from, to).filter((d): d is StreamEvent => d.kind === 'event' && d.stream === 'pstat1.dc');
    const restStart = docs.findIndex((d) => d.kind === 'progress' && d.phase === 'rest');
    const beforePause = restEvents(restStart, pausedAt);
    // At most one sample came after the pause request: the rest stopped within one sampling interval.
    expect(beforePause.filter((e) => e.timestampNs > pauseAtNs).length).toBeLessThanOrEqual(1);
    expect(nsToS((docs[pausedAt] as Progress).timestampNs) - nsToS(pauseAtNs)).toBeLessThan(sampleS);
    // After resume the rest went on at open circuit and ended by its criterion: rested time (the pause left out) at least its minimum.
    const afterResume = restEvents(pausedAt, docs.length);
    expect(afterResume.length).toBeGreaterThan(0);
    for (const e of [...beforePause, ...afterResume]) expect(e.data.current).toBe(0);
    const restedS = nsToS(beforePause.at(-1)!.timestampNs) - nsToS(beforePause[0]!.timestampNs) + nsToS(afterResume.at(-1)!.timestampNs) - nsToS(afterResume[0]!.timestampNs);
    expect(restedS).toBeGreaterThanOrEqual(minRestS - 2 * sampleS);
  });
});
