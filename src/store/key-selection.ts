import type { DataKey } from '../core/documents.js';
import { StoreError } from './errors.js';

/**
 * The data keys a query returns: those it names, or by default every number,
 * integer and text key (arrays only when named: a spectrum is large). A key
 * the stream lacks is INVALID_QUERY naming the keys it has.
 */
export function selectedKeys(stream: string, dataKeys: Readonly<Record<string, DataKey>>, keys?: readonly string[]): Record<string, DataKey> {
  const wanted = keys ?? Object.entries(dataKeys).filter(([, k]) => k.dtype !== 'array').map(([name]) => name);
  const unknown = wanted.filter((k) => !(k in dataKeys));
  if (unknown.length > 0) {
    throw new StoreError(`${stream} has no key ${unknown.join(', ')} (keys: ${Object.keys(dataKeys).join(', ')})`, 'INVALID_QUERY', { stream, keys: unknown });
  }
  const set = new Set(wanted);
  return Object.fromEntries(Object.entries(dataKeys).filter(([k]) => set.has(k)));
}
