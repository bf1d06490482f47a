import type { TSchema } from '@sinclair/typebox';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';

/** Errors looked at to find the one worth reporting: a request with more problems than this is fixed in rounds anyway. */
const MAX_ERRORS_SCANNED = 64;
/** Keys and values echoed in messages are cut to this many characters. */
const MAX_ECHO_CHARS = 64;

/** Errors that say the value is of another kind than the schema: in a union, the variant it was not meant for. */
const KIND_MISMATCH: ReadonlySet<ValueErrorType> = new Set([
  ValueErrorType.Array,
  ValueErrorType.Boolean,
  ValueErrorType.Integer,
  ValueErrorType.Literal,
  ValueErrorType.Null,
  ValueErrorType.Number,
  ValueErrorType.Object,
  ValueErrorType.String,
]);

/**
 * The problem of parameters against a protocol's schema worth reporting
 * first, as `{ path, message }` (`/pulsse`, `unknown parameter (did you mean
 * pulse?)`), or null when they conform. An unknown key comes first, named
 * with the known key it resembles: a misspelt key also makes the key it
 * misspells missing, and "pulse is required" alone would hide the typo. In a
 * union (a quantity: a number or a string) the variant the value was meant
 * for says what is wrong ("longer than 64").
 */
export function parameterSchemaProblem(schema: TSchema, parameters: unknown): { path: string; message: string } | null {
  const errors = firstErrors(Value.Errors(schema, parameters));
  if (errors.length === 0) return null;
  const unknown = unknownKeys(errors);
  if (unknown.length > 0) {
    const { path } = unknown[0]!;
    const candidates = new Set(unknown.filter((e) => e.path === path).flatMap((e) => knownKeys(e.schema)));
    const key = path.slice(path.lastIndexOf('/') + 1);
    const suggestion = closest(key, [...candidates]);
    return { path: echo(path), message: `unknown parameter${suggestion ? ` (did you mean ${suggestion}?)` : ''}` };
  }
  const first = describe(errors[0]!);
  return { ...first, path: echo(first.path) };
}

/** The first errors of an iterator, at most MAX_ERRORS_SCANNED: a value with a million unknown keys has a million errors. */
function firstErrors(iterator: Iterable<ValueError>): ValueError[] {
  const errors: ValueError[] = [];
  for (const error of iterator) {
    errors.push(error);
    if (errors.length >= MAX_ERRORS_SCANNED) break;
  }
  return errors;
}

/** Unknown-key errors, also inside the variants of unions (the GITT `rest`). */
function unknownKeys(errors: readonly ValueError[]): ValueError[] {
  const found: ValueError[] = [];
  const pending = [...errors];
  for (let scanned = 0; pending.length > 0 && scanned < MAX_ERRORS_SCANNED; scanned++) {
    const error = pending.shift()!;
    if (error.type === ValueErrorType.ObjectAdditionalProperties) found.push(error);
    for (const variant of variantErrors(error)) for (const nested of variant) pending.push(nested);
  }
  return found;
}

/** The errors of each variant of a union error; its iterators can be read once only, so they are kept. */
const variantCache = new WeakMap<ValueError, ValueError[][]>();
function variantErrors(error: ValueError): ValueError[][] {
  let variants = variantCache.get(error);
  if (!variants) {
    variants = error.errors.map((variant) => firstErrors(variant));
    variantCache.set(error, variants);
  }
  return variants;
}

function describe(error: ValueError): { path: string; message: string } {
  if (error.type === ValueErrorType.Union) {
    // The variant of the value's kind failed on a constraint: that constraint is the problem.
    const meant = variantErrors(error)
      .map((variant) => variant[0])
      .find((e): e is ValueError => e !== undefined && !KIND_MISMATCH.has(e.type));
    if (meant) return describe(meant);
    return { path: error.path, message: `expected ${acceptedKinds(error.schema).join(' or ')}` };
  }
  return { path: error.path, message: error.message };
}

/** What the variants of a union accept, for people: `a number`, `"ocp"`, `an object with duration`. */
function acceptedKinds(schema: TSchema): string[] {
  const anyOf = (schema as { anyOf?: TSchema[] }).anyOf ?? [];
  return [
    ...new Set(
      anyOf.map((s) => {
        if (s.const !== undefined) return JSON.stringify(s.const);
        if (s.type === 'object') return `an object with ${((s.required as string[] | undefined) ?? []).join(', ') || 'its keys'}`;
        return typeof s.type === 'string' ? `a${/^[aeiou]/.test(s.type) ? 'n' : ''} ${s.type}` : 'another value';
      }),
    ),
  ];
}

function knownKeys(schema: TSchema): string[] {
  return Object.keys((schema as { properties?: Record<string, unknown> }).properties ?? {});
}

/** The known key within a third of its length in edits (at least one), or null. */
function closest(key: string, known: readonly string[]): string | null {
  const word = key.slice(0, MAX_ECHO_CHARS);
  let best: { key: string; distance: number } | null = null;
  for (const candidate of known) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= Math.max(1, Math.floor(candidate.length / 3)) && (!best || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key ?? null;
}

/** Levenshtein distance, two rows. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    previous = current;
  }
  return previous[b.length]!;
}

/** A path as echoed in a message: cut when long (a key may be a megabyte). */
function echo(text: string): string {
  return text.length > MAX_ECHO_CHARS ? `${text.slice(0, MAX_ECHO_CHARS)}...` : text;
}
