import type { Readable } from 'node:stream';
import { LineFramer } from '../../drivers/temperature/lakeshore336/line-framing.js';
import type { Transport } from '../../src/transport/transport.js';

/** Longest line a test expects (a data package is well under 200 characters). */
const MAX_LINE = 4096;

/**
 * The lines a host receives, awaited one by one: `next()` resolves with the
 * next line (Latin-1, without `\n` or a trailing `\r`), or rejects once the
 * link has ended with no line left. Lines are kept until read, so none is
 * missed between two awaits.
 */
export class LineReader {
  private readonly framer = new LineFramer(MAX_LINE);
  private readonly queued: string[] = [];
  private waiter: { resolve: (line: string) => void; reject: (e: Error) => void } | null = null;
  private ended: Error | null = null;

  static ofTransport(transport: Transport): LineReader {
    const reader = new LineReader();
    transport.data$.subscribe({
      next: (chunk) => reader.push(chunk),
      error: (e: unknown) => reader.end(e instanceof Error ? e : new Error(String(e))),
      complete: () => reader.end(new Error('the transport was closed')),
    });
    return reader;
  }

  /** A socket, a child process's stdout... */
  static ofStream(stream: Readable): LineReader {
    const reader = new LineReader();
    stream.on('data', (chunk: Buffer) => reader.push(chunk));
    stream.on('close', () => reader.end(new Error('the stream closed')));
    return reader;
  }

  next(): Promise<string> {
    const line = this.queued.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  /** Reads lines up to and including the first that `accept`s; returns them all. */
  async until(accept: (line: string) => boolean): Promise<string[]> {
    const read: string[] = [];
    for (;;) {
      const line = await this.next();
      read.push(line);
      if (accept(line)) return read;
    }
  }

  private push(chunk: Uint8Array): void {
    for (const line of this.framer.push(chunk)) {
      const waiter = this.waiter;
      this.waiter = null;
      if (waiter) waiter.resolve(line);
      else this.queued.push(line);
    }
  }

  private end(reason: Error): void {
    this.ended ??= reason;
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.reject(reason);
  }
}
