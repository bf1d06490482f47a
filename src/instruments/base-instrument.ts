import { BehaviorSubject, type Observable } from 'rxjs';
import type { InstrumentConfig } from '../config/schema.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { RECONNECT_DEFAULTS, type ReconnectPolicy } from './defaults.js';
import type { DeviceLink, LinkOpener } from './device-link.js';
import type { ConnectionChange, ConnectionState, Instrument, InstrumentStatus } from './instrument.js';
import { InstrumentError } from './instrument-error.js';

/**
 * What every instrument keeps the same way: its link to the device, watched
 * and reopened when it fails; its connection state, identity, last error;
 * the run that holds it. Subclasses say how to identify the device, what the
 * device must hold before use, how to reach the safe state and which of
 * their driver's errors mean the link failed.
 *
 * Supervision: `connect()` makes the first attempt; whenever the link is lost
 * (the transport says so, or a request fails with a link fault) the link is
 * closed and reopened with bounded exponential backoff and jitter
 * (RECONNECT_DEFAULTS). Every attempt opens the link, identifies the device,
 * `prepareDevice()` and puts it in its safe state before the instrument is
 * `connected` again and anything else may use it. States: `connecting` (first
 * attempt), `connected`, `reconnecting` (lost, retrying), `error` (never
 * reached yet, retrying), `disconnected` (closed, or given up after
 * `giveUpAfterMs` until `requestReconnect()`).
 */
export abstract class BaseInstrument<C extends InstrumentConfig, D> implements Instrument {
  private runId: string | null = null;
  private identity: Record<string, unknown> | null = null;
  protected lastError: string | null = null;
  private link: DeviceLink<D> | null = null;
  private readonly changes: BehaviorSubject<ConnectionChange>;
  private readonly policy: ReconnectPolicy;
  /** The reconnect loop while it runs. */
  private retrying: Promise<void> | null = null;
  /** Ends a backoff wait early (close, or an operator's reconnect request). */
  private wakeUp: (() => void) | null = null;
  private closed = false;

  constructor(
    readonly config: C,
    protected readonly logger: Logger,
    private readonly openLink: LinkOpener<D>,
    policy: Partial<ReconnectPolicy> = {},
  ) {
    this.policy = { ...RECONNECT_DEFAULTS, ...config.reconnect, ...policy };
    this.changes = new BehaviorSubject<ConnectionChange>({ state: 'connecting', reason: 'first connection', atMs: Date.now() });
  }

  get id(): string {
    return this.config.id;
  }

  /** The connection state now, and every change after it. */
  get connection$(): Observable<ConnectionChange> {
    return this.changes.asObservable();
  }

  protected abstract identify(): Promise<object>;
  /**
   * After the device is identified, on every connect, before anything else
   * uses it: what the device must hold before it may be used (e.g. the hard
   * limits written into a temperature controller). Nothing by default.
   */
  protected async prepareDevice(): Promise<void> {}
  /** Reaches the safe state or throws; `safe()` logs and records the failure. */
  protected abstract enterSafeState(): Promise<void>;
  /** What `safe()` failing means, for the log and the status (e.g. "could not switch the cell off"). */
  protected abstract readonly safeStateFailure: string;
  /** What the safe state is, for the log (e.g. "cell switched off"). */
  protected abstract readonly safeStateDone: string;
  /** Whether an error of the driver means the link failed (timeout, lost, garbled), not the request. */
  protected abstract isLinkFault(error: unknown): boolean;

  /** The device of the current link (during an attempt too); NOT_CONNECTED without one. */
  protected get device(): D {
    if (!this.link) throw this.notConnected();
    return this.link.device;
  }

  /**
   * Runs a request on the device of a connected instrument. A link fault
   * closes the link (the instrument reconnects) and becomes LINK_LOST;
   * other errors pass unchanged.
   */
  protected async use<T>(work: (device: D) => Promise<T>): Promise<T> {
    const link = this.link;
    if (!link || this.state !== 'connected') throw this.notConnected();
    try {
      return await work(link.device);
    } catch (e) {
      if (!this.isLinkFault(e)) throw e;
      this.linkLost(link, errorMessage(e));
      throw new InstrumentError(`${this.id}: the link failed (${errorMessage(e)}); reconnecting`, 'LINK_LOST', { instrument: this.id }, { cause: e });
    }
  }

  /**
   * The first connection attempt. Resolves true once connected; false when
   * the instrument could not be reached (it is then `error` and keeps
   * trying in the background).
   */
  async connect(): Promise<boolean> {
    if (await this.attempt()) return true;
    this.setState('error', this.lastError ?? 'not reached');
    this.retry();
    return false;
  }

  /** Starts the attempts again at once (after `disconnected`, or to cut a backoff wait short). */
  requestReconnect(): void {
    if (this.closed || this.state === 'connected') return;
    if (this.wakeUp) this.wakeUp();
    else this.retry();
  }

  status(): InstrumentStatus {
    return {
      id: this.id,
      kind: this.config.kind,
      driver: this.config.driver,
      transport: this.config.transport,
      connection: this.state,
      runId: this.runId,
      identity: this.identity,
      lastError: this.lastError,
    };
  }

  /** The configuration and identity as of now, for run-start and descriptor documents. */
  snapshot(): Record<string, unknown> {
    const { id: _id, ...config } = this.config;
    return { ...config, identity: this.identity };
  }

  claim(runId: string | null): void {
    this.runId = runId;
  }

  /**
   * The safe state; never throws (the failure is logged and kept in the
   * status). Without a link it cannot be reached now: the next connection
   * puts the device in its safe state before anything else.
   */
  async safe(): Promise<void> {
    if (this.state !== 'connected') {
      this.logger.warn({ instrument: this.id, connection: this.state }, `${this.id}: not connected: the safe state is applied when it reconnects`);
      return;
    }
    try {
      await this.use(() => this.enterSafeState());
      this.logger.info({ instrument: this.id }, `${this.id}: ${this.safeStateDone}`);
    } catch (e) {
      this.lastError = `${this.safeStateFailure}: ${errorMessage(e)}`;
      this.logger.error({ instrument: this.id, err: errorMessage(e) }, this.safeStateFailure);
    }
  }

  /** Safe state, then the link closed; no more attempts. */
  async close(): Promise<void> {
    await this.safe();
    this.closed = true;
    this.wakeUp?.();
    const link = this.link;
    this.link = null;
    await link?.close();
    await this.retrying;
    this.setState('disconnected', 'closed by the service');
    this.changes.complete();
  }

  private get state(): ConnectionState {
    return this.changes.value.state;
  }

  private setState(state: ConnectionState, reason: string): void {
    if (this.changes.closed) return;
    if (state !== this.state) this.logger[state === 'connected' || this.closed ? 'info' : 'warn']({ instrument: this.id, connection: state, reason }, `${this.id}: ${state}`);
    this.changes.next({ state, reason, atMs: Date.now() });
  }

  /**
   * Open, identify, prepare, safe state; true when connected. A failure (or
   * an attempt past its timeout) closes what was opened, also a link that
   * opens only after the attempt was given up.
   */
  private async attempt(): Promise<boolean> {
    let opened: DeviceLink<D> | null = null;
    let abandoned = false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no connection within ${this.policy.attemptTimeoutMs} ms`)), this.policy.attemptTimeoutMs);
    });
    const steps = (async () => {
      const link = await this.openLink();
      opened = link;
      if (abandoned) throw new Error('the attempt was given up');
      this.link = link;
      this.identity = { ...(await this.identify()) };
      await this.prepareDevice();
      await this.enterSafeState();
      return link;
    })();
    let link: DeviceLink<D>;
    try {
      link = await Promise.race([steps, timeout]);
    } catch (e) {
      abandoned = true;
      this.lastError = errorMessage(e);
      this.link = null;
      const close = () => (opened as DeviceLink<D> | null)?.close().catch(() => undefined);
      await close();
      void steps.catch(() => undefined).then(close);
      return false;
    } finally {
      clearTimeout(timer);
    }
    if (this.closed) {
      this.link = null;
      await link.close();
      return false;
    }
    this.lastError = null;
    this.setState('connected', `identified; ${this.safeStateDone}`);
    void link.lost.then((reason) => this.linkLost(link, reason));
    return true;
  }

  /** The link failed: close it and reconnect (once per link). */
  private linkLost(link: DeviceLink<D>, reason: string): void {
    if (this.link !== link || this.closed) return;
    this.link = null;
    this.lastError = reason;
    void link.close().catch(() => undefined);
    this.setState('reconnecting', reason);
    this.retry();
  }

  /** Attempts with backoff until connected, closed, or given up. */
  private retry(): void {
    if (this.retrying || this.closed) return;
    this.retrying = (async () => {
      const startedMs = Date.now();
      let delayMs = this.policy.initialDelayMs;
      while (!this.closed) {
        await this.wait(delayMs * (1 + this.policy.jitter * (2 * Math.random() - 1)));
        if (this.closed) break;
        if (await this.attempt()) break;
        if (Date.now() - startedMs >= this.policy.giveUpAfterMs) {
          this.setState('disconnected', `given up after ${Math.round((Date.now() - startedMs) / 1000)} s of failed attempts: ${this.lastError ?? ''}`);
          break;
        }
        delayMs = Math.min(delayMs * this.policy.factor, this.policy.maxDelayMs);
      }
    })().finally(() => {
      this.retrying = null;
    });
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  private notConnected(): InstrumentError {
    return new InstrumentError(`${this.id} is ${this.state}${this.lastError ? `: ${this.lastError}` : ''}`, 'NOT_CONNECTED', { instrument: this.id, connection: this.state });
  }
}
