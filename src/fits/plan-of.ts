import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * A protocol's plan as stored in a run-start document, read through the
 * protocol's plan schema: the plan when it matches, null otherwise (a run of
 * another protocol, or of an older version). Live fits read plans this way
 * rather than casting.
 */
export function planOf<S extends TSchema>(schema: S, value: unknown): Static<S> | null {
  return Value.Check(schema, value) ? (value as Static<S>) : null;
}
