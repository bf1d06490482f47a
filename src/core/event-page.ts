import type { Document, EventPage, EventValue, StreamEvent } from './documents.js';

/**
 * Packs runs of consecutive events of the same stream into event pages
 * (columns instead of one object per event), keeping every other document
 * and the overall order. With `keys`, pages carry only those data keys (a
 * plot of the potential needs no current).
 */
export function packEventPages(docs: readonly Document[], keys?: ReadonlySet<string>): Document[] {
  const out: Document[] = [];
  let page: MutablePage | null = null;
  for (const doc of docs) {
    if (doc.kind !== 'event') {
      page = null;
      out.push(doc);
      continue;
    }
    if (page === null || page.descriptorId !== doc.descriptorId) {
      page = emptyPage(doc, keys);
      out.push(page);
    }
    page.seq.push(doc.seq);
    page.timestampsNs.push(doc.timestampNs);
    page.flags.push(doc.flags);
    for (const key of Object.keys(page.data)) page.data[key]!.push(doc.data[key]!);
  }
  return out;
}

type MutablePage = EventPage & {
  seq: number[];
  timestampsNs: bigint[];
  flags: number[];
  data: Record<string, EventValue[]>;
};

function emptyPage(first: StreamEvent, keys: ReadonlySet<string> | undefined): MutablePage {
  const data: Record<string, EventValue[]> = {};
  for (const key of Object.keys(first.data)) if (!keys || keys.has(key)) data[key] = [];
  return { kind: 'event-page', runId: first.runId, descriptorId: first.descriptorId, stream: first.stream, seq: [], timestampsNs: [], flags: [], data };
}
