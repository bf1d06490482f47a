/** A token of a script line and where it starts (column 1 = the line's first character). */
export interface Token {
  readonly kind: 'word' | 'string' | 'fstring';
  /** A word as written; a string's content without its quotes (escapes of an f-string kept). */
  readonly text: string;
  readonly column: number;
}

/** A line the tokenizer cannot read: where and why. */
export interface TokenProblem {
  readonly column: number;
  readonly why: string;
}

/**
 * Splits one script line into tokens: words separated by blanks, `"text"`
 * and `f"text {name}"` strings (send_string), an optional argument block
 * `name(a b)` as one word even with blanks inside its parentheses; `#`
 * outside a string starts a comment. Pure; never throws.
 */
export function tokenizeLine(line: string): { tokens: Token[] } | { problem: TokenProblem } {
  const tokens: Token[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') break;
    const column = i + 1;
    const quoted = c === '"' ? 1 : c === 'f' && line[i + 1] === '"' ? 2 : 0;
    if (quoted > 0) {
      const end = closingQuote(line, i + quoted, quoted === 2);
      if (end < 0) return { problem: { column, why: 'string without its closing quote' } };
      tokens.push({ kind: quoted === 2 ? 'fstring' : 'string', text: line.slice(i + quoted, end), column });
      i = end + 1;
      continue;
    }
    let j = i;
    let depth = 0;
    while (j < line.length) {
      const d = line[j]!;
      if (d === '(') depth++;
      else if (d === ')') depth = Math.max(0, depth - 1);
      else if (depth === 0 && (d === ' ' || d === '\t' || d === '\r' || d === '#')) break;
      j++;
    }
    if (depth > 0) return { problem: { column, why: 'optional argument without its closing parenthesis' } };
    tokens.push({ kind: 'word', text: line.slice(i, j), column });
    i = j;
  }
  return { tokens };
}

/** Index of the quote that closes a string whose content starts at `from`; -1 when none. F-strings escape with a backslash. */
function closingQuote(line: string, from: number, escapes: boolean): number {
  for (let k = from; k < line.length; k++) {
    if (escapes && line[k] === '\\') k++;
    else if (line[k] === '"') return k;
  }
  return -1;
}
