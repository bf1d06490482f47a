import { ImportError } from './errors.js';

/**
 * Instrument exports are Latin-1 (EC-Lab, Gamry Framework) or UTF-8: decode
 * as UTF-8 when the bytes are valid UTF-8, else as Latin-1, which cannot fail.
 */
export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('latin1').decode(bytes);
  }
}

/** Lines without their CR/LF terminators. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\n|\r/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** True when no non-blank line follows line index `i`: the row there is the last of the file (one cut short there was being written). */
export function isLastNonBlank(lines: readonly string[], i: number): boolean {
  for (let k = i + 1; k < lines.length; k++) if (lines[k]!.trim() !== '') return false;
  return true;
}

/**
 * `splitLines` for text that arrives in chunks (a file read as a stream):
 * `push` returns the lines a chunk completes, `end` the last one. A line
 * longer than `maxLineChars` is an IMPORT_FORMAT error, so a file without
 * line breaks is not collected whole.
 */
export class LineSplitter {
  private rest = '';
  private count = 0;

  constructor(private readonly maxLineChars: number) {}

  push(chunk: string): string[] {
    const text = this.rest + chunk;
    // A CR at the end may be the first half of a CRLF: it waits for the next chunk.
    const heldCr = text.endsWith('\r');
    const lines = (heldCr ? text.slice(0, -1) : text).split(/\r\n|\n|\r/);
    this.rest = lines.pop()! + (heldCr ? '\r' : '');
    lines.forEach((line, k) => this.check(line, this.count + k + 1));
    this.count += lines.length;
    this.check(this.rest, this.count + 1);
    return lines;
  }

  end(): string[] {
    const lines = splitLines(this.rest);
    this.rest = '';
    return lines;
  }

  private check(line: string, lineNumber: number): void {
    if (line.length > this.maxLineChars) throw new ImportError(`line ${lineNumber}: longer than ${this.maxLineChars} characters`, 'IMPORT_FORMAT', { line: lineNumber });
  }
}

// `\d+(?:\.\d*)?`, not `\d+\.?\d*`: the latter backtracks quadratically on a long run of digits that fails to match.
const DECIMAL = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/**
 * A decimal number in the usual notations (`1.5`, `-2e-3`, `.5`); anything else
 * (empty cells, `0x10`, `Infinity`, text) is an IMPORT_BAD_VALUE error naming the
 * line and column. `Number()` alone would read an empty cell as 0.
 */
export function parseDecimal(cell: string, line: number, column: string): number {
  const s = cell.trim();
  if (!DECIMAL.test(s)) {
    throw new ImportError(`line ${line}, column ${column}: "${cell.length > 40 ? `${cell.slice(0, 40)}...` : cell}" is not a number`, 'IMPORT_BAD_VALUE', {
      line,
      column,
    });
  }
  const v = Number(s);
  if (!Number.isFinite(v)) throw new ImportError(`line ${line}, column ${column}: ${s} is out of range`, 'IMPORT_BAD_VALUE', { line, column });
  return v;
}
