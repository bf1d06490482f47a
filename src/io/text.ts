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

const DECIMAL = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

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
