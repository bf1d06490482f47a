import { Type } from '@sinclair/typebox';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DocumentBus } from '../core/bus.js';
import { ScaledClock } from '../core/clock.js';
import type { Document, RunStop } from '../core/documents.js';
import { silentLogger } from '../core/logger.js';
import type { InstrumentConfig } from '../config/schema.js';
import type { Instrument, InstrumentStatus } from '../instruments/instrument.js';
import type { ProtocolDefinition, RunContext } from '../protocols/protocol.js';
import { RunEngine } from './run-engine.js';

/** An instrument with no hardware behind it: the engine's own behaviour is under test here. */
class RecordingInstrument implements Instrument {
  safeCalls = 0;
  runId: string | null = null;
  connection: InstrumentStatus['connection'] = 'connected';
  readonly config: InstrumentConfig = { id: 'dev', kind: 'potentiostat', driver: 'methodscript', transport: 'none', limits: { minV: 0, maxV: 1, maxAbsCurrentA: 1 } };
  get id() {
    return 'dev';
  }
  status(): InstrumentStatus {
    return { id: 'dev', kind: 'potentiostat', driver: 'none', transport: 'none', connection: this.connection, runId: this.runId, identity: null, lastError: null };
  }
  async safe() {
    this.safeCalls++;
  }
  async close() {}
  claim(runId: string | null) {
    this.runId = runId;
  }
}

/** Steps of 1 lab minute each, a checkpoint before each; fails on request. */
const stepper: ProtocolDefinition = {
  name: 'stepper',
  version: 1,
  summary: 'test protocol',
  parametersSchema: Type.Object({ steps: Type.Integer({ minimum: 1 }), failAt: Type.Optional(Type.Integer()) }),
  prepare(parameters) {
    const p = parameters as { steps: number; failAt?: number };
    return {
      instruments: ['dev'],
      parameters: p,
      async run(ctx: RunContext) {
        for (let k = 1; k <= p.steps; k++) {
          await ctx.checkpoint();
          ctx.progress('step', k, p.steps, null, `step ${k}`);
          if (k === p.failAt) throw new Error(`step ${k} broke`);
          await ctx.clock.sleep(60_000, ctx.signal);
          ctx.emit('dev', 'potential', k, 'V', ctx.clock.nowNs());
        }
        return { reason: 'completed' };
      },
    };
  },
};

describe('RunEngine', () => {
  let bus: DocumentBus;
  let instrument: RecordingInstrument;
  let engine: RunEngine;
  let docs: Document[];

  beforeEach(() => {
    vi.useFakeTimers();
    bus = new DocumentBus(silentLogger);
    docs = [];
    bus.attach('collect', (d) => docs.push(d));
    instrument = new RecordingInstrument();
    engine = new RunEngine({
      bus,
      clock: new ScaledClock(1, 0),
      logger: silentLogger,
      instruments: { get: () => instrument, all: () => [instrument] },
      protocols: [stepper],
      newRunId: () => 'run-1',
    });
  });
  afterEach(() => vi.useRealTimers());

  it('runs to completion with sequence numbers, start and stop documents, and a safe instrument', async () => {
    engine.start({ protocol: 'stepper', parameters: { steps: 3 } });
    expect(instrument.runId).toBe('run-1');
    await vi.advanceTimersByTimeAsync(3 * 60_000);
    const stop = await engine.whenDone('run-1');
    expect(stop).toMatchObject({ exitStatus: 'success', reason: 'completed', readings: 3 });
    expect(docs[0]).toMatchObject({ kind: 'run-start', protocol: 'stepper@1', parameters: { steps: 3 } });
    expect(docs.filter((d) => d.kind === 'reading').map((d) => (d as { seq: number }).seq)).toEqual([0, 1, 2]);
    expect(docs.at(-1)).toMatchObject({ kind: 'run-stop', exitStatus: 'success' });
    expect(instrument.safeCalls).toBe(1);
    expect(instrument.runId).toBeNull();
  });

  it('pauses at the next checkpoint with the instrument safe, and resumes', async () => {
    engine.start({ protocol: 'stepper', parameters: { steps: 3 } });
    engine.pause('run-1');
    expect(engine.get('run-1')?.state).toBe('pausing');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(engine.get('run-1')?.state).toBe('paused');
    expect(instrument.safeCalls).toBe(1);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(docs.filter((d) => d.kind === 'reading')).toHaveLength(1);
    engine.resume('run-1');
    await vi.advanceTimersByTimeAsync(2 * 60_000);
    await expect(engine.whenDone('run-1')).resolves.toMatchObject({ exitStatus: 'success', readings: 3 });
  });

  it('aborts mid-step: the step is cut short, stop says abort, instrument safe and free', async () => {
    engine.start({ protocol: 'stepper', parameters: { steps: 5 } });
    await vi.advanceTimersByTimeAsync(90_000);
    engine.abort('run-1', 'operator pressed stop');
    const stop: RunStop = await engine.whenDone('run-1');
    expect(stop).toMatchObject({ exitStatus: 'abort', reason: 'operator pressed stop', readings: 1 });
    expect(instrument.safeCalls).toBe(1);
    expect(instrument.runId).toBeNull();
  });

  it('a failing protocol ends as fail with the reason, instrument safe', async () => {
    engine.start({ protocol: 'stepper', parameters: { steps: 3, failAt: 2 } });
    await vi.advanceTimersByTimeAsync(2 * 60_000);
    await expect(engine.whenDone('run-1')).resolves.toMatchObject({ exitStatus: 'fail', reason: 'step 2 broke' });
    expect(instrument.safeCalls).toBe(1);
  });

  it('refuses bad parameters, unknown protocols, busy and disconnected instruments', () => {
    expect(() => engine.start({ protocol: 'nope', parameters: {} })).toThrow(expect.objectContaining({ code: 'UNKNOWN_PROTOCOL' }));
    expect(() => engine.start({ protocol: 'stepper', parameters: { steps: 0 } })).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETERS' }));
    engine.start({ protocol: 'stepper', parameters: { steps: 1 } });
    expect(() => engine.start({ protocol: 'stepper', parameters: { steps: 1 } })).toThrow(expect.objectContaining({ code: 'INSTRUMENT_BUSY' }));
    instrument.runId = null;
    instrument.connection = 'disconnected';
    expect(() => engine.start({ protocol: 'stepper', parameters: { steps: 1 } })).toThrow(expect.objectContaining({ code: 'INSTRUMENT_UNAVAILABLE' }));
  });

  it('shutdown aborts running runs and waits until they are safe', async () => {
    engine.start({ protocol: 'stepper', parameters: { steps: 5 } });
    await engine.shutdown();
    expect((await engine.whenDone('run-1')).exitStatus).toBe('abort');
    expect(instrument.safeCalls).toBe(1);
  });
});
