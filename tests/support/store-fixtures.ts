import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Reading, RunStart, RunStop } from '../../src/core/documents.js';

/** Documents and temporary databases for the store tests and the durability child. */

export const T0_NS = 1_700_000_000_000_000_000n;

/** The run the durability child (store-writer-child.ts) writes. */
export const DURABILITY_RUN_ID = 'durability';

export function runStart(runId: string, timestampNs = T0_NS, extra: Partial<RunStart> = {}): RunStart {
  return { kind: 'run-start', runId, timestampNs, protocol: 'gitt@1', parameters: { pulses: 3 }, metadata: { sample: 'LLZO-7' }, instruments: { pstat: { driver: 'sim' } }, ...extra };
}

export function runStop(runId: string, readings: number, timestampNs = T0_NS + 1_000_000_000n): RunStop {
  return { kind: 'run-stop', runId, timestampNs, exitStatus: 'success', reason: 'completed', readings };
}

/** The reading the durability child publishes as `seq`: its value and time follow from seq alone. */
export function sequenceReading(runId: string, seq: number): Reading {
  return {
    kind: 'reading',
    runId,
    seq,
    instrument: 'pstat',
    quantity: 'potential',
    unit: 'V',
    value: 3.7 + Math.sin(seq / 100) * 0.1 + seq * 1e-9,
    timestampNs: T0_NS + BigInt(seq) * 1_000_000n,
  };
}

/** A temporary directory, and its removal for afterEach. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'operando-store-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
