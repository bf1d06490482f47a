import { concatMap, defer, type OperatorFunction } from 'rxjs';

/**
 * Cuts a byte stream into text lines at `\n`, dropping a trailing `\r`
 * (Lake Shore replies end `\r\n`, host lines `\n`). Bytes are read as Latin-1,
 * one character each, so any byte sequence decodes. A line longer than
 * `maxLength` is dropped whole: the buffer stays bounded whatever arrives
 * (a reply lost that way ends in the request's timeout).
 */
export class LineFramer {
  private partial = '';
  private overflowing = false;

  constructor(private readonly maxLength: number) {}

  push(chunk: Uint8Array): string[] {
    const lines: string[] = [];
    const pieces = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1').split('\n');
    const last = pieces.pop() ?? '';
    for (const piece of pieces) {
      const line = this.partial + piece;
      this.partial = '';
      if (this.overflowing || line.length > this.maxLength + 1) {
        this.overflowing = false;
        continue;
      }
      lines.push(line.endsWith('\r') ? line.slice(0, -1) : line);
    }
    this.partial += last;
    if (this.partial.length > this.maxLength + 1) {
      this.partial = '';
      this.overflowing = true;
    }
    return lines;
  }
}

/** `LineFramer` as an operator: each subscription frames with its own state. */
export function lines(maxLength: number): OperatorFunction<Uint8Array, string> {
  return (source) =>
    defer(() => {
      const framer = new LineFramer(maxLength);
      return source.pipe(concatMap((chunk) => framer.push(chunk)));
    });
}
