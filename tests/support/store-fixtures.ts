import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DataKey, Descriptor, RunStart, RunStop, StreamEvent } from '../../src/core/documents.js';
import type { Logger } from '../../src/core/logger.js';
import { POTENTIOSTAT_FLAGS } from '../../src/kinds/potentiostat/device.js';
import type { DocumentStore, StoredDocument } from '../../src/store/document-store.js';

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

/** A spectrum stream the durability child writes beside the DC one: typed arrays through the journal and the store. */
export const SPECTRUM_STREAM = 'mca.spectrum';
export const SPECTRUM_CHANNELS = 64;

export const SPECTRUM_KEYS: Readonly<Record<string, DataKey>> = {
  counts: { dtype: 'array', shape: [SPECTRUM_CHANNELS], elementType: 'uint32', unit: 'counts', source: 'mca', nativeQuantity: 'test', description: 'counts per channel' },
  live_time: { dtype: 'number', shape: [], unit: 's', source: 'mca', nativeQuantity: 'test', description: 'live time' },
};

/** The spectrum event the durability child publishes as `seq`: its counts and time follow from seq alone. */
export function sequenceSpectrum(runId: string, seq: number): StreamEvent {
  const counts = Uint32Array.from({ length: SPECTRUM_CHANNELS }, (_, ch) => (seq * 2_654_435_761 + ch * ch) % 100_000);
  return event(runId, seq, { counts, live_time: 0.1 - seq * 1e-9 }, T0_NS + BigInt(seq) * 10_000_000n, SPECTRUM_STREAM);
}

/** A temporary directory, and its removal for afterEach. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'operando-store-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The store with a hook run before each append: to hold a commit back or make it fail (a store outage). */
export function interceptAppend(inner: DocumentStore, before: (docs: readonly StoredDocument[]) => Promise<void>): DocumentStore {
  return {
    append: async (docs) => {
      await before(docs);
      return inner.append(docs);
    },
    listRuns: () => inner.listRuns(),
    getRun: (runId) => inner.getRun(runId),
    listStreams: (runId) => inner.listStreams(runId),
    queryEvents: (q) => inner.queryEvents(q),
    eventPages: (q) => inner.eventPages(q),
    latestTimestampNs: () => inner.latestTimestampNs(),
    listFits: (runId, method) => inner.listFits(runId, method),
    close: () => inner.close(),
  };
}

/** A logger that keeps what it is given, by level, for assertions on what was reported. */
export function collectingLogger(): { logger: Logger; logs: Record<'info' | 'warn' | 'error', Array<{ obj: unknown; msg: string | undefined }>> } {
  const logs = { info: [], warn: [], error: [] } as Record<'info' | 'warn' | 'error', Array<{ obj: unknown; msg: string | undefined }>>;
  const logger: Logger = {
    info: (obj, msg) => void logs.info.push({ obj, msg }),
    warn: (obj, msg) => void logs.warn.push({ obj, msg }),
    error: (obj, msg) => void logs.error.push({ obj, msg }),
    debug() {},
  };
  return { logger, logs };
}
