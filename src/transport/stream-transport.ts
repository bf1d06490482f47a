import type { Duplex } from 'node:stream';
import { Subject } from 'rxjs';
import { TransportError, type Transport } from './transport.js';

/** How one kind of link opens and releases its Node stream (a net.Socket, a SerialPort). */
export interface StreamConnector {
  /** Resolves with an open stream, or rejects with TransportError OPEN_FAILED. */
  open(): Promise<Duplex>;
  /** Releases the stream; never rejects. */
  release(stream: Duplex): Promise<void>;
}

type State = 'new' | 'opening' | 'open' | 'closed' | 'disconnected';

/**
 * The Transport contract (see transport.ts) over any Node duplex stream: both
 * net.Socket and SerialPort are one, so TCP and serial links behave alike on
 * close, loss and cancel.
 */
export class StreamTransport implements Transport {
  private state: State = 'new';
  private stream: Duplex | null = null;
  private lastStreamError: unknown = undefined;
  private readonly subject = new Subject<Uint8Array>();
  /** Rejecters of writes handed to the stream whose callback has not come yet. */
  private readonly pendingWrites = new Set<(error: TransportError) => void>();
  private terminalError: TransportError | null = null;

  readonly data$ = this.subject.asObservable();

  constructor(
    readonly url: string,
    private readonly connector: StreamConnector,
  ) {}

  get isOpen(): boolean {
    return this.state === 'open';
  }

  async open(): Promise<void> {
    if (this.state === 'open') return;
    if (this.state !== 'new') {
      throw new TransportError(`${this.url}: a transport opens once (it is ${this.state})`, 'OPEN_FAILED', { url: this.url });
    }
    this.state = 'opening';
    let stream: Duplex;
    try {
      stream = await this.connector.open();
    } catch (e) {
      if (this.state === 'opening') this.state = 'closed';
      this.subject.complete();
      throw e;
    }
    // close() while the port was opening: give the stream back at once.
    if (this.state !== 'opening') {
      await this.connector.release(stream);
      throw new TransportError(`${this.url}: closed while opening`, 'CANCELED', { url: this.url });
    }
    this.stream = stream;
    this.state = 'open';
    stream.on('data', (chunk: Buffer) => this.subject.next(chunk));
    // 'close' follows every stream error; remember the cause for the DISCONNECTED error.
    stream.on('error', (e: unknown) => {
      this.lastStreamError = e;
    });
    stream.on('close', () => this.lost(this.lastStreamError));
    // The peer will send nothing more: a socket's FIN, a serial port's end of file (hang-up).
    stream.on('end', () => this.lost(this.lastStreamError));
  }

  write(data: Uint8Array | string): Promise<void> {
    if (this.state !== 'open' || this.stream === null) return Promise.reject(this.notOpenError());
    const stream = this.stream;
    return new Promise<void>((resolve, reject) => {
      const fail = (error: TransportError) => {
        this.pendingWrites.delete(fail);
        reject(error);
      };
      this.pendingWrites.add(fail);
      stream.write(data, (e) => {
        if (!this.pendingWrites.delete(fail)) return; // already rejected by close() or a loss
        // Node reports a write cut short by a destroyed socket as a success; count it as lost.
        if (e || stream.destroyed) {
          // A write the OS refuses means the link is gone (EPIPE, ECONNRESET, EIO).
          this.lost(e ?? this.lastStreamError);
          reject(this.terminalError ?? this.notOpenError());
        } else {
          resolve();
        }
      });
    });
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    const stream = this.stream;
    this.stream = null;
    if (this.state !== 'disconnected') {
      this.state = 'closed';
      this.terminalError = new TransportError(`${this.url}: closed`, 'CANCELED', { url: this.url });
      this.failPendingWrites(this.terminalError);
      this.subject.complete();
    } else {
      this.state = 'closed';
    }
    if (stream) await this.connector.release(stream);
  }

  private lost(cause: unknown): void {
    if (this.state !== 'open') return;
    this.state = 'disconnected';
    this.terminalError = new TransportError(`${this.url}: disconnected`, 'DISCONNECTED', { url: this.url }, cause === undefined ? undefined : { cause });
    this.failPendingWrites(this.terminalError);
    this.subject.error(this.terminalError);
  }

  private failPendingWrites(error: TransportError): void {
    for (const fail of [...this.pendingWrites]) fail(error);
  }

  private notOpenError(): TransportError {
    if (this.terminalError) return this.terminalError;
    return new TransportError(`${this.url}: not open`, 'WRITE_FAILED', { url: this.url });
  }
}
