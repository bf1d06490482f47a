import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DataKey, Descriptor, RunStart, RunStop, StreamEvent } from '../../src/core/documents.js';
import { POTENTIOSTAT_FLAGS } from '../../src/kinds/potentiostat/device.js';

/** Documents and temporary databases for the store tests and the durability child. */

export const T0_NS = 1_700_000_000_000_000_000n;

/** The run the durability child (store-writer-child.ts) writes. */
export const DURABILITY_RUN_ID = 'durability';

/** The stream the fixtures' events belong to. */
export const DC_STREAM = 'pstat.dc';

const number = (unit: string, description: string): DataKey => ({ dtype: 'number', shape: [], unit, source: 'pstat', nativeQuantity: 'test', description });

export const DC_KEYS: Readonly<Record<string, DataKey>> = { potential: number('V', 'cell voltage'), current: number('A', 'cell current') };

export function runStart(runId: string, timestampNs = T0_NS, extra: Partial<RunStart> = {}): RunStart {
  return { kind: 'run-start', runId, timestampNs, protocol: 'gitt@1', parameters: { pulses: 3 }, metadata: { sample: 'LLZO-7' }, instruments: { pstat: { driver: 'sim' } }, ...extra };
}

export function runStop(runId: string, events: Record<string, number>, timestampNs = T0_NS + 1_000_000_000n): RunStop {
  return { kind: 'run-stop', runId, timestampNs, exitStatus: 'success', reason: 'completed', events };
}

/** A descriptor of `stream` in run `runId`; its id is `<runId>/<stream>`. */
export function descriptor(runId: string, stream = DC_STREAM, dataKeys: Readonly<Record<string, DataKey>> = DC_KEYS): Descriptor {
  return {
    kind: 'descriptor',
    runId,
    descriptorId: `${runId}/${stream}`,
    stream,
    timestampNs: T0_NS,
    dataKeys,
    flags: POTENTIOSTAT_FLAGS,
    configuration: { pstat: { driver: 'sim' } },
    hints: { plot: { x: 'time', y: ['potential'] } },
  };
}

/** An event of `stream` with the given data. */
export function event(runId: string, seq: number, data: StreamEvent['data'], timestampNs = T0_NS + BigInt(seq) * 1_000_000n, stream = DC_STREAM, flags = 0): StreamEvent {
  return { kind: 'event', runId, descriptorId: `${runId}/${stream}`, stream, seq, timestampNs, data, flags };
}

/** The DC event the durability child publishes as `seq` (from 1): its values, time and flags follow from seq alone. */
export function sequenceEvent(runId: string, seq: number): StreamEvent {
  return event(runId, seq, { potential: 3.7 + Math.sin(seq / 100) * 0.1 + seq * 1e-9, current: -1e-4 - seq * 1e-12 }, T0_NS + BigInt(seq) * 1_000_000n, DC_STREAM, seq % 97 === 0 ? POTENTIOSTAT_FLAGS.overload : 0);
}

/** A temporary directory, and its removal for afterEach. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'operando-store-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
