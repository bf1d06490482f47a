import { METADATA_BOUNDS } from './metadata-bounds.js';
import { EngineError } from './errors.js';

/**
 * Refuses run metadata beyond METADATA_BOUNDS (INVALID_METADATA naming the
 * path and the bound). The walk is iterative and stops at the first problem,
 * so metadata nested thousands deep is refused without recursion; the size
 * is measured once the depth is known to be safe to serialize.
 */
export function checkMetadata(metadata: Readonly<Record<string, unknown>>): void {
  const { maxDepth, maxBytes, maxKeyChars, maxStringChars } = METADATA_BOUNDS;
  const pending: Array<{ value: unknown; path: string; depth: number }> = [{ value: metadata, path: 'metadata', depth: 0 }];
  while (pending.length > 0) {
    const { value, path, depth } = pending.pop()!;
    if (typeof value === 'string' && value.length > maxStringChars) refuse(path, `a string of ${value.length} characters, more than ${maxStringChars}`);
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= maxDepth) refuse(path, `nested deeper than ${maxDepth} levels`);
    for (const [key, child] of Object.entries(value)) {
      if (key.length > maxKeyChars) refuse(`${path}/${key.slice(0, 32)}...`, `a key of ${key.length} characters, more than ${maxKeyChars}`);
      pending.push({ value: child, path: `${path}/${key}`, depth: depth + 1 });
    }
  }
  const bytes = Buffer.byteLength(JSON.stringify(metadata));
  if (bytes > maxBytes) refuse('metadata', `${bytes} bytes as JSON, more than ${maxBytes}`);
}

function refuse(path: string, problem: string): never {
  throw new EngineError(`${path}: ${problem}`, 'INVALID_METADATA', { path });
}
