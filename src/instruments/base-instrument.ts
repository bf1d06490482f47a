import type { InstrumentConfig } from '../config/schema.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { ConnectionState, Instrument, InstrumentStatus } from './instrument.js';

/**
 * What every instrument keeps the same way: its connection state, identity,
 * last error and the run that holds it. Subclasses say how to identify the
 * device, how to reach the safe state and how to close.
 */
export abstract class BaseInstrument<C extends InstrumentConfig> implements Instrument {
  private runId: string | null = null;
  private connection: ConnectionState = 'connecting';
  private identity: Record<string, unknown> | null = null;
  protected lastError: string | null = null;

  constructor(
    readonly config: C,
    protected readonly logger: Logger,
  ) {}

  get id(): string {
    return this.config.id;
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
  protected abstract closeDevice(): Promise<void>;
  /** What `safe()` failing means, for the log and the status (e.g. "could not switch the cell off"). */
  protected abstract readonly safeStateFailure: string;

  async connect(): Promise<void> {
    try {
      this.identity = { ...(await this.identify()) };
      await this.prepareDevice();
      this.connection = 'connected';
      this.lastError = null;
    } catch (e) {
      this.connection = 'error';
      this.lastError = errorMessage(e);
      throw e;
    }
  }

  /** Called by the driver layer when the link drops. */
  markDisconnected(reason: string): void {
    this.connection = 'disconnected';
    this.lastError = reason;
  }

  status(): InstrumentStatus {
    return {
      id: this.id,
      kind: this.config.kind,
      driver: this.config.driver,
      transport: this.config.transport,
      connection: this.connection,
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

  /** The safe state; never throws (the failure is logged and kept in the status). */
  async safe(): Promise<void> {
    try {
      await this.enterSafeState();
    } catch (e) {
      this.lastError = `${this.safeStateFailure}: ${errorMessage(e)}`;
      this.logger.error({ instrument: this.id, err: errorMessage(e) }, this.safeStateFailure);
    }
  }

  async close(): Promise<void> {
    await this.safe();
    await this.closeDevice();
    this.connection = 'disconnected';
  }
}
