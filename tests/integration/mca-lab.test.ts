import { Type } from '@sinclair/typebox';
import { filter, firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { enableMcaRequest } from '../../drivers/mca/amptek-dp5/requests.js';
import { nsToS } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { RunEngine } from '../../src/engine/run-engine.js';
import { isInstrumentError } from '../../src/instruments/instrument-error.js';
import type { ConnectionState } from '../../src/instruments/instrument.js';
import { McaInstrument } from '../../src/kinds/mca/instrument.js';
import { dp5SimulatorOf } from '../../src/kinds/mca/simulator.js';
import { MCA_FLAGS, McaRecorder, spectrumStreamName } from '../../src/kinds/mca/streams.js';
import type { Lab } from '../../src/lab/lab.js';
import type { ProtocolDefinition } from '../../src/protocols/protocol.js';
import { startTestLab, type LabFixture } from '../support/lab-fixture.js';

/** Lab seconds per real second, as in the simulated lab: a 60 s acquisition takes 0.1 s. */
const SCALE = 600;

const LAB = `simulators:
  - { id: mca-sim, kind: mca, model: dp5, link: pty, seed: 21 }
  - { id: mca-udp-sim, kind: mca, model: dp5, link: udp, seed: 22 }
instruments:
  - { id: mca1, kind: mca, driver: amptek-dp5, transport: sim://mca-sim, reconnect: { initialDelayMs: 20, maxDelayMs: 200 } }
  - { id: mca2, kind: mca, driver: amptek-dp5, transport: sim://mca-udp-sim, reconnect: { initialDelayMs: 20, maxDelayMs: 200 }, options: { channels: 1024, replyTimeoutMs: 300 } }
`;

let fixture: LabFixture | null = null;

afterEach(async () => {
  await fixture?.close();
  fixture = null;
});

async function labUnderTest(): Promise<Lab> {
  fixture = await startTestLab(LAB, { timeScale: SCALE, api: false });
  return fixture.lab;
}

const mcaOf = (lab: Lab, id: string) => lab.instruments.get(id) as McaInstrument;
const simulatorOf = (lab: Lab, id: string) => dp5SimulatorOf(lab.simulators.find((s) => s.id === id)!);
const reached = (instrument: McaInstrument, state: ConnectionState) => firstValueFrom(instrument.connection$.pipe(filter((c) => c.state === state)));

describe('the MCA of a lab file (simulated DP5s on a pseudo-terminal and on UDP)', () => {
  it('connects both, writes the channel counts, and acquires spectra to their preset on the lab clock', async () => {
    const lab = await labUnderTest();
    const mca1 = mcaOf(lab, 'mca1');
    const mca2 = mcaOf(lab, 'mca2');
    for (const mca of [mca1, mca2]) {
      expect(mca.status()).toMatchObject({ connection: 'connected', kind: 'mca', driver: 'amptek-dp5', identity: { model: 'DP5', serialNumber: 5_012_345 } });
    }
    expect(simulatorOf(lab, 'mca-sim').device.state()).toMatchObject({ channels: 4096, enabled: false });
    expect(simulatorOf(lab, 'mca-udp-sim').device.state()).toMatchObject({ channels: 1024, enabled: false });

    const [one, two] = await Promise.all([mca1.acquire({ realTimeS: 60 }, new AbortController().signal), mca2.acquire({ realTimeS: 30 }, new AbortController().signal)]);
    expect(one.spectrum.counts.length).toBe(4096);
    expect(two.spectrum.counts.length).toBe(1024);
    for (const [{ spectrum, status, endNs }, presetS] of [
      [one, 60],
      [two, 30],
    ] as const) {
      expect(status).toMatchObject({ presetReached: true, enabled: false, realTimeS: presetS });
      expect(spectrum.realTimeS).toBe(presetS);
      expect(spectrum.liveTimeS).toBeLessThan(presetS);
      expect(spectrum.liveTimeS).toBeGreaterThan(0.99 * presetS);
      // Start to end by the lab clock: at least the preset, and the end is seen by the first poll after it.
      const elapsedS = nsToS(endNs - spectrum.startNs!);
      expect(elapsedS).toBeGreaterThanOrEqual(presetS - 1);
      expect(elapsedS).toBeLessThan(presetS + 0.5 * SCALE);
      expect(status.monitorCounts).toBeGreaterThan(0);
      expect(status.inputCounts).toBeGreaterThan(spectrum.counts.reduce((sum, c) => sum + c, 0));
    }
    const status = await mca1.readStatus();
    expect(status).toMatchObject({ enabled: false, presetReached: true, realTimeS: 60 });
  });

  it('puts an MCA enabled behind its back in the safe state: disabled, by safe() and again at shutdown', async () => {
    const lab = await labUnderTest();
    const simulator = simulatorOf(lab, 'mca-sim');
    simulator.device.receive(enableMcaRequest());
    expect(simulator.device.state().enabled).toBe(true);
    await mcaOf(lab, 'mca1').safe();
    expect(simulator.device.state().enabled).toBe(false);
    simulator.device.receive(enableMcaRequest());
    await fixture!.close();
    fixture = null;
    expect(simulator.device.state().enabled).toBe(false);
  });

  it('reconnects after its cable is pulled (pseudo-terminal) or its port closes (UDP), identified and disabled again, and acquires', async () => {
    const lab = await labUnderTest();
    const mca1 = mcaOf(lab, 'mca1');
    const mca2 = mcaOf(lab, 'mca2');
    const pty = simulatorOf(lab, 'mca-sim');
    const udp = simulatorOf(lab, 'mca-udp-sim');

    // Pseudo-terminal: the link ends, the instrument notices at once, reconnects and disables the MCA enabled meanwhile.
    const ptyLost = reached(mca1, 'reconnecting');
    await pty.faults.replug();
    await ptyLost;
    pty.device.receive(enableMcaRequest());
    const ptyBack = reached(mca1, 'connected');
    await ptyBack;
    expect(pty.device.state().enabled).toBe(false);

    // UDP: nothing ends, so the next request finds the port closed (LINK_LOST); attempts fail until the port is back.
    await udp.faults.drop();
    const udpLost = reached(mca2, 'reconnecting');
    const failed = await mca2.readStatus().catch((e: unknown) => e);
    expect(isInstrumentError(failed, 'LINK_LOST')).toBe(true);
    await udpLost;
    const udpBack = reached(mca2, 'connected');
    await udp.faults.replug();
    await udpBack;

    const [one, two] = await Promise.all([mca1.acquire({ realTimeS: 20 }, new AbortController().signal), mca2.acquire({ realTimeS: 20 }, new AbortController().signal)]);
    expect(one.status.presetReached && two.status.presetReached).toBe(true);
    expect(one.spectrum.counts.length).toBe(4096);
    expect(two.spectrum.counts.length).toBe(1024);
  });

  it('records acquisitions as events of mca1.spectrum through a run: counts as uint32 arrays, times and counters, the flags', async () => {
    const lab = await labUnderTest();
    const simulator = simulatorOf(lab, 'mca-sim');
    // Two acquisitions: the first runs to its preset; the second is cut short by its signal once the MCA has counted for a while.
    const protocol: ProtocolDefinition = {
      name: 'mca-test',
      version: 1,
      summary: 'two acquisitions of mca1',
      parametersSchema: Type.Object({}),
      prepare: () => ({
        instruments: ['mca1'],
        parameters: {},
        run: async (ctx) => {
          const mca = ctx.instrument<McaInstrument>('mca1');
          const recorder = new McaRecorder(ctx, mca);
          recorder.record(await mca.acquire({ realTimeS: 60 }, ctx.signal));
          const cut = new AbortController();
          const watching = simulator.device.requests$.pipe(filter((p) => p.pid1 === 0x01 && simulator.device.state().realTimeS >= 100)).subscribe(() => cut.abort());
          recorder.record(await mca.acquire({ realTimeS: 3600 }, cut.signal), { monitorLow: true });
          watching.unsubscribe();
          return { reason: 'completed' };
        },
      }),
    };
    const engine = new RunEngine({ bus: lab.bus, clock: lab.clock, logger: silentLogger, instruments: lab.instruments, protocols: [protocol] });
    const { runId } = engine.start({ protocol: 'mca-test', parameters: {} });
    expect(await engine.whenDone(runId)).toMatchObject({ exitStatus: 'success', events: { [spectrumStreamName('mca1')]: 2 } });
    expect(simulator.device.state().enabled).toBe(false);

    await lab.writer.flush();
    const [stored] = await lab.store.queryEvents({ runId, stream: 'mca1.spectrum', keys: ['counts', 'live_time', 'real_time', 'elapsed', 'monitor_counts', 'input_counts'] });
    if (!stored || stored.downsampled) throw new Error('expected the raw events of mca1.spectrum');
    expect(stored.dataKeys.counts).toMatchObject({ dtype: 'array', shape: [4096], elementType: 'uint32', unit: 'counts' });
    expect(stored.flags).toEqual([0, MCA_FLAGS.preset_not_reached | MCA_FLAGS.monitor_low]);
    const [full, cut] = stored.data.counts as Uint32Array[];
    expect(full).toBeInstanceOf(Uint32Array);
    expect(full!.length).toBe(4096);
    expect(stored.data.real_time).toEqual([60, expect.any(Number)]);
    const cutRealS = stored.data.real_time![1] as number;
    expect(cutRealS).toBeGreaterThanOrEqual(100);
    expect(cutRealS).toBeLessThan(3600);
    // Counts grow with the time counted: the cut-short spectrum counted longer than the full one here.
    const sum = (c: Uint32Array) => c.reduce((s, x) => s + x, 0);
    expect(sum(cut!) / sum(full!)).toBeCloseTo(cutRealS / 60, 0);
    // Each event at its acquisition's start, the first before the second.
    expect(stored.timestampsNs[0]!).toBeLessThan(stored.timestampsNs[1]!);
    expect(stored.data.elapsed![0] as number).toBeGreaterThanOrEqual(59);
  });
});
