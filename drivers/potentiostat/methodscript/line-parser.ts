import { METHODSCRIPT_DEFAULTS } from './defaults.js';
import { MethodScriptError } from './errors.js';

export type LineEvent = { readonly line: string } | { readonly error: MethodScriptError };

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = '\r';

/**
 * Bytes to MethodSCRIPT lines (`\n`-terminated; a `\r` before it is dropped).
 * Pure: no port, no timers. Bytes map one to one onto characters (latin1), so
 * any input gives a string, never a decoding error.
 *
 * Why not @serialport/parser-readline: it is a Transform stream with an
 * unbounded buffer; this framing sits in an RxJS pipeline and must be bounded.
 * A line longer than `maxLineLength` is reported once as LINE_TOO_LONG and its
 * bytes are skipped up to the next newline.
 */
export class MethodScriptLineParser {
  private partial = '';
  private skipping = false;

  constructor(private readonly maxLineLength: number = METHODSCRIPT_DEFAULTS.maxLineLength) {}

  push(chunk: Uint8Array): LineEvent[] {
    const events: LineEvent[] = [];
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, start);
      const end = newline < 0 ? chunk.length : newline;
      this.append(chunk.subarray(start, end), events);
      if (newline < 0) break;
      if (this.skipping) this.skipping = false;
      else events.push({ line: this.partial.endsWith(CARRIAGE_RETURN) ? this.partial.slice(0, -1) : this.partial });
      this.partial = '';
      start = newline + 1;
    }
    return events;
  }

  /** Forgets a partial line (after the link was reset). */
  reset(): void {
    this.partial = '';
    this.skipping = false;
  }

  private append(bytes: Uint8Array, events: LineEvent[]): void {
    if (this.skipping || bytes.length === 0) return;
    // One byte of slack for the `\r` of a CRLF line of maximal length.
    if (this.partial.length + bytes.length > this.maxLineLength + 1) {
      events.push({
        error: new MethodScriptError(`reply line longer than ${this.maxLineLength} characters`, 'LINE_TOO_LONG', {
          start: (this.partial + Buffer.from(bytes.subarray(0, 40)).toString('latin1')).slice(0, 40),
        }),
      });
      this.partial = '';
      this.skipping = true;
      return;
    }
    this.partial += Buffer.from(bytes).toString('latin1');
  }
}
