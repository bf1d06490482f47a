import type { Observable } from 'rxjs';
import { OperandoError } from '../core/errors.js';

export const TRANSPORT_ERROR_CODES = [
  /** The URL names no transport, or has a bad or unknown parameter. */
  'BAD_URL',
  /** The port or socket could not be opened (missing device, refused, timed out). */
  'OPEN_FAILED',
  /** The link was lost: peer closed, socket error, serial device gone, socat killed. */
  'DISCONNECTED',
  /** The operation was given up on purpose: close() was called, or an AbortSignal fired. */
  'CANCELED',
  /** No reply within the time allowed (request helper). */
  'TIMEOUT',
  /** write() on a transport that is not open yet. */
  'WRITE_FAILED',
  /** Too many transactions already wait for the line (the queue is bounded). */
  'BUSY',
] as const;
export type TransportErrorCode = (typeof TRANSPORT_ERROR_CODES)[number];

export class TransportError extends OperandoError<TransportErrorCode> {}

export function isTransportError(e: unknown, code?: TransportErrorCode): e is TransportError {
  return e instanceof TransportError && (code === undefined || e.code === code);
}

/**
 * Bytes in and out of one instrument link, chosen by URL (`serial://`, `tcp://`;
 * see `openTransport`). Framing and protocols live above it.
 *
 * Contract:
 * - A transport opens once. `open()` resolves when bytes can flow, or rejects
 *   with OPEN_FAILED (and `data$` completes). Reconnecting means creating a
 *   new transport.
 * - `data$` is hot: a subscriber sees the chunks that arrive while it is
 *   subscribed, in order; nothing is kept for late subscribers. Subscribing
 *   before `open()` is fine. It completes after `close()` and errors with
 *   DISCONNECTED when the link is lost. A subscriber that arrives after either
 *   gets the same ending at once.
 * - `write()` resolves when the bytes were handed to the operating system. It
 *   rejects with WRITE_FAILED before `open()`, with DISCONNECTED when the link
 *   is lost before the write completes (or was lost earlier: a failing write
 *   counts as a lost link), and with CANCELED when `close()` comes first (or
 *   came earlier).
 * - `close()` is idempotent: pending writes reject with CANCELED, `data$`
 *   completes, and it resolves once the OS handle is released. After a
 *   disconnect it only releases resources.
 * - Cancellation: bytes accepted by `write()` cannot be called back. Waiting
 *   for a reply is cancelled through the AbortSignal of the request helper
 *   (`RequestChannel`), which rejects with CANCELED and leaves the transport open.
 */
export interface Transport {
  readonly url: string;
  open(): Promise<void>;
  write(data: Uint8Array | string): Promise<void>;
  readonly data$: Observable<Uint8Array>;
  close(): Promise<void>;
  readonly isOpen: boolean;
}
