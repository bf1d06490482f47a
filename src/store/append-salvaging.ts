import type { DocumentStore, StoredDocument } from './document-store.js';
import { isRejectionOfDocuments, type StoreError } from './errors.js';

/** Documents a store refused for what they are, with its reason. */
export interface Rejection {
  readonly documents: readonly StoredDocument[];
  readonly error: StoreError;
}

/** What an append became: the documents stored, and those refused. */
export interface AppendOutcome {
  readonly stored: readonly StoredDocument[];
  readonly rejections: readonly Rejection[];
}

/**
 * Appends a batch, in order. When the store rejects it for what some of its
 * documents are (isRejectionOfDocuments: a stream of a run it never saw
 * started), the batch is split in halves, still in order, until only the
 * refused documents are left out: one bad document does not cost the others.
 * A failure of the store itself (an outage) is thrown, and what the halves
 * before it stored stays stored (appending it again is harmless).
 */
export async function appendSalvaging(store: DocumentStore, docs: readonly StoredDocument[]): Promise<AppendOutcome> {
  const rejections = await appendOrBisect(store, docs);
  if (rejections.length === 0) return { stored: docs, rejections };
  const refused = new Set<StoredDocument>();
  for (const r of rejections) for (const d of r.documents) refused.add(d);
  return { stored: docs.filter((d) => !refused.has(d)), rejections };
}

async function appendOrBisect(store: DocumentStore, docs: readonly StoredDocument[]): Promise<Rejection[]> {
  try {
    await store.append(docs);
    return [];
  } catch (e) {
    if (!isRejectionOfDocuments(e)) throw e;
    if (docs.length === 1) return [{ documents: docs, error: e }];
    const half = Math.ceil(docs.length / 2);
    const rejected = await appendOrBisect(store, docs.slice(0, half));
    for (const r of await appendOrBisect(store, docs.slice(half))) rejected.push(r);
    return rejected;
  }
}
