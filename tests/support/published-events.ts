import { expect } from 'vitest';
import type { DocumentBus } from '../../src/core/bus.js';
import type { DocumentStore } from '../../src/store/document-store.js';

/** Sequence numbers by run and stream. */
export type EventSeqs = Map<string, Map<string, number[]>>;

/** Every event that reached the service (published on its bus), by run and stream, as it goes. */
export function recordPublishedEvents(bus: DocumentBus): EventSeqs {
  const published: EventSeqs = new Map();
  bus.attach('test-published-events', (doc) => {
    if (doc.kind !== 'event') return;
    const streams = published.get(doc.runId) ?? new Map<string, number[]>();
    published.set(doc.runId, streams);
    const seqs = streams.get(doc.stream) ?? [];
    streams.set(doc.stream, seqs);
    seqs.push(doc.seq);
  });
  return published;
}

/**
 * Counts the store against what was published: for every run and stream the
 * same sequence numbers, 1..n without a gap, n also what the run-stop says.
 * Returns the events counted.
 */
export async function expectStoredAsPublished(store: DocumentStore, published: EventSeqs, runIds: readonly string[]): Promise<number> {
  let total = 0;
  for (const runId of runIds) {
    const sent = published.get(runId) ?? new Map<string, number[]>();
    const stored = new Map<string, number[]>();
    for (const stream of await store.queryEvents({ runId })) {
      if (stream.downsampled) throw new Error('a raw query came back downsampled');
      stored.set(stream.stream, Array.from(stream.seq).sort((a, b) => a - b));
    }
    expect([...stored.keys()].sort()).toEqual([...sent.keys()].sort());
    const run = await store.getRun(runId);
    for (const [stream, seqs] of sent) {
      expect(stored.get(stream), `${runId} ${stream}`).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
      expect(run?.stop?.events[stream], `${runId} ${stream} in run-stop`).toBe(seqs.length);
      total += seqs.length;
    }
  }
  return total;
}
