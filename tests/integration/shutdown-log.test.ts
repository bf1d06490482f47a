import { afterEach, describe, expect, it } from 'vitest';
import { startTestLab, type LabFixture } from '../support/lab-fixture.js';
import { collectingLogger } from '../support/store-fixtures.js';

/**
 * Shutdown and recovery say what they did: the log names each safety action
 * (cell off per potentiostat, setpoint per controller, hard limits written)
 * and what became of the documents.
 */
describe('what shutdown and start-up say they did', () => {
  let fixture: LabFixture | null = null;

  afterEach(async () => {
    await fixture?.close();
    fixture = null;
  });

  it('names every safety action and the documents flushed', async () => {
    const { logger, logs } = collectingLogger();
    fixture = await startTestLab(
      `simulators:
  - { id: cell-sim, kind: potentiostat, cell: LixV2O5, link: tcp, seed: 61, cellParameters: { initialX: 0.3 } }
  - { id: furnace-sim, kind: temperature, model: eurotherm, preset: furnace, link: tcp, seed: 62 }
instruments:
  - { id: pstat1, kind: potentiostat, driver: methodscript, transport: sim://cell-sim, limits: { minV: 2.0, maxV: 4.0, maxAbsCurrentA: 0.005 } }
  - { id: furnace1, kind: temperature, driver: eurotherm, transport: sim://furnace-sim, limits: { minK: 250, maxK: 450, maxRampKPerMin: 10, safeK: 298.15 } }
`,
      { timeScale: 600, api: false, logger },
    );
    const messages = () => logs.info.map((l) => l.msg ?? '');
    // Start-up: each instrument identified, its limits written where the device holds them, and in its safe state.
    expect(messages()).toEqual(
      expect.arrayContaining([
        'furnace1: hard limits 250..450 K written into the controller',
        expect.stringMatching(/^furnace1: connected$/),
        expect.stringMatching(/^pstat1: connected$/),
      ]),
    );
    expect(logs.info.find((l) => l.msg === 'pstat1: connected')?.obj).toMatchObject({ reason: 'identified; cell switched off (open circuit)' });
    expect(logs.info.find((l) => l.msg === 'furnace1: connected')?.obj).toMatchObject({ reason: 'identified; setpoint 298.15 K at 10 K/min (safe state)' });

    const { lab } = fixture;
    const { runId } = lab.engine.start({
      protocol: 'gitt',
      parameters: { instrument: 'pstat1', current: '-100 uA', pulse: '1 h', rest: { duration: '1 h' }, pulses: 5, sampleInterval: '1 min', initialRest: '1 min' },
    });
    let pulseSamples = 0;
    let inPulse = false;
    const pulsing = new Promise<void>((resolve) =>
      lab.bus.attach('test-pulse', (d) => {
        if (d.kind === 'progress' && d.runId === runId) inPulse = d.phase === 'pulse';
        if (inPulse && d.kind === 'progress') resolve();
        if (inPulse && d.kind === 'event' && d.stream === 'pstat1.dc') pulseSamples++;
      }),
    );
    await pulsing;
    const before = logs.info.length;
    await fixture.close();
    fixture = null;
    const shutdown = logs.info.slice(before).map((l) => l.msg ?? '');
    // The running pulse aborted with its cell switched off, every instrument safe as it closed, then the store flushed.
    expect(shutdown).toEqual(
      expect.arrayContaining([
        'pstat1: cell switched off (open circuit)',
        'furnace1: setpoint 298.15 K at 10 K/min (safe state)',
        expect.stringMatching(/^store: \d+ documents committed this session, 0 not stored; the journal holds nothing the store lacks$/),
      ]),
    );
    // The pulse (1 h, a sample a minute) was cut short by the shutdown, not run to its end.
    expect(pulseSamples).toBeLessThan(60);
    const last = (text: string | RegExp) => shutdown.findLastIndex((m) => (typeof text === 'string' ? m === text : text.test(m)));
    expect(last(/^store: /)).toBeGreaterThan(last('pstat1: cell switched off (open circuit)'));
  });
});
