import { Type } from '@sinclair/typebox';
import { BehaviorSubject } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DocumentBus } from '../core/bus.js';
import { ScaledClock } from '../core/clock.js';
import type { Document, RunStop } from '../core/documents.js';
import { silentLogger } from '../core/logger.js';
import type { InstrumentConfig } from '../config/schema.js';
import type { StreamSpec } from '../core/stream-spec.js';
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
  readonly connection$ = new BehaviorSubject({ state: 'connected' as const, reason: 'test', atMs: 0 });
  snapshot() {
    return { driver: 'none' };
  }
  requestReconnect() {}
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

const key = (unit: string) => ({ dtype: 'number' as const, shape: [], unit, source: 'dev', nativeQuantity: 'test', description: 'test' });
const SPEC: StreamSpec = { name: 'dev.dc', dataKeys: { potential: key('V') }, flags: { overload: 2 }, configuration: { dev: { driver: 'none' } }, hints: {} };
const SIDE: StreamSpec = { ...SPEC, name: 'dev.side', dataKeys: { current: key('A') } };

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
          ctx.stream(SPEC).emit({ potential: k }, ctx.clock.nowNs(), k === 2 ? 2 : 0);
          if (k % 2 === 1) ctx.stream(SIDE).emit({ current: -k }, ctx.clock.nowNs());
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

  it('runs to completion with a descriptor per stream, sequence numbers per stream, start and stop documents, and a safe instrument', async () => {
    engine.start({ protocol: 'stepper', parameters: { steps: 3 } });
    expect(instrument.runId).toBe('run-1');
    await vi.advanceTimersByTimeAsync(3 * 60_000);
    const stop = await engine.whenDone('run-1');
    expect(stop).toMatchObject({ exitStatus: 'success', reason: 'completed', events: { 'dev.dc': 3, 'dev.side': 2 } });
    expect(docs[0]).toMatchObject({ kind: 'run-start', protocol: 'stepper@1', parameters: { steps: 3 }, instruments: { dev: { driver: 'none' } } });
    const streamDocs = docs.filter((d) => d.kind === 'descriptor' || d.kind === 'event').map((d) => (d.kind === 'descriptor' ? `descriptor ${d.stream}` : `${d.stream} ${d.seq}`));
    expect(streamDocs).toEqual(['descriptor dev.dc', 'dev.dc 1', 'descriptor dev.side', 'dev.side 1', 'dev.dc 2', 'dev.dc 3', 'dev.side 2']);
    const descriptor = docs.find((d) => d.kind === 'descriptor' && d.stream === 'dev.dc');
    expect(descriptor).toMatchObject({ dataKeys: SPEC.dataKeys, flags: { overload: 2 }, configuration: { dev: { driver: 'none' } } });
    const events = docs.filter((d) => d.kind === 'event' && d.stream === 'dev.dc');
    expect(events.map((e) => e.kind === 'event' && [e.descriptorId === (descriptor as { descriptorId: string }).descriptorId, e.data, e.flags])).toEqual([
      [true, { potential: 1 }, 0],
      [true, { potential: 2 }, 2],
      [true, { potential: 3 }, 0],
    ]);
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
    expect(docs.filter((d) => d.kind === 'event' && d.stream === 'dev.dc')).toHaveLength(1);
    engine.resume('run-1');
    await vi.advanceTimersByTimeAsync(2 * 60_000);
    await expect(engine.whenDone('run-1')).resolves.toMatchObject({ exitStatus: 'success', events: { 'dev.dc': 3 } });
  });

  it('aborts mid-step: the step is cut short, stop says abort, instrument safe and free', async () => {
    engine.start({ protocol: 'stepper', parameters: { steps: 5 } });
    await vi.advanceTimersByTimeAsync(90_000);
    engine.abort('run-1', 'operator pressed stop');
    const stop: RunStop = await engine.whenDone('run-1');
    expect(stop).toMatchObject({ exitStatus: 'abort', reason: 'operator pressed stop', events: { 'dev.dc': 1, 'dev.side': 1 } });
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

  it('refuses an event that does not match its stream, or a stream that does not hold together, publishing nothing', async () => {
    let failure: unknown = null;
    const broken = (emit: (ctx: RunContext) => void): ProtocolDefinition => ({
      ...stepper,
      name: 'broken',
      parametersSchema: Type.Object({}),
      prepare: () => ({
        instruments: ['dev'],
        parameters: {},
        run: async (ctx) => {
          try {
            emit(ctx);
          } catch (e) {
            failure = e;
          }
          return { reason: 'completed' };
        },
      }),
    });
    const cases: Array<[string, (ctx: RunContext) => void, RegExp]> = [
      ['missing key', (ctx) => ctx.stream(SPEC).emit({}, 1n), /data key potential is missing/],
      ['unknown key', (ctx) => ctx.stream(SPEC).emit({ potential: 1, voltage: 2 }, 1n), /unknown data key voltage/],
      ['text for a number', (ctx) => ctx.stream(SPEC).emit({ potential: '3.7' }, 1n), /potential must be a number/],
      ['integer', (ctx) => ctx.stream({ ...SPEC, dataKeys: { n: { ...key(''), dtype: 'integer' } } }).emit({ n: 1.5 }, 1n), /n must be a safe integer/],
      ['array length', (ctx) => ctx.stream({ ...SPEC, dataKeys: { counts: { ...key('counts'), dtype: 'array', shape: [4], elementType: 'uint32' } } }).emit({ counts: new Uint32Array(3) }, 1n), /uint32 array of 4 values/],
      ['stream name', (ctx) => ctx.stream({ ...SPEC, name: 'no-dot' }), /is not <instrument>\.<what>/],
      ['too many numbers', (ctx) => ctx.stream({ ...SPEC, dataKeys: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, key('V')])) }), /17 scalar keys/],
    ];
    for (const [what, emit, message] of cases) {
      failure = null;
      docs.length = 0;
      const protocol = broken(emit);
      const local = new RunEngine({ bus, clock: new ScaledClock(1, 0), logger: silentLogger, instruments: { get: () => instrument, all: () => [instrument] }, protocols: [protocol] });
      const info = local.start({ protocol: 'broken', parameters: {} });
      await local.whenDone(info.runId);
      expect(failure, what).toMatchObject({ code: 'INVALID_EVENT', message: expect.stringMatching(message) });
      expect(docs.filter((d) => d.kind === 'event' || d.kind === 'descriptor'), what).toEqual([]);
    }
  });

  it('shutdown aborts running runs and waits until they are safe', async () => {
    engine.start({ protocol: 'stepper', parameters: { steps: 5 } });
    await engine.shutdown();
    expect((await engine.whenDone('run-1')).exitStatus).toBe('abort');
    expect(instrument.safeCalls).toBe(1);
  });
});
