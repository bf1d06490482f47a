/**
 * Bounds of a run's metadata (sample, operator, notes: free JSON stored in
 * the run-start document), checked where a run starts (src/engine/metadata.ts).
 * Metadata travels in every run listing and is serialized recursively by the
 * store and the WebSocket fan-out: nesting thousands deep overflows the
 * stack there, and megabytes of it slow every listing.
 */
export const METADATA_BOUNDS = {
  /** Nesting of objects and arrays: sample / electrode / composition is 3 deep; 8 leaves room without recursion risk. */
  maxDepth: 8,
  /** Serialized size: a page of notes and a sample description are a few kB. */
  maxBytes: 64 * 1024,
  /** A key is a name, not content. */
  maxKeyChars: 128,
  /** A string value: a paragraph of notes; longer texts belong in files referenced from the metadata. */
  maxStringChars: 8 * 1024,
} as const;
