import type { InstrumentConfig } from '../config/schema.js';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'error';

/** What the API shows of an instrument. */
export interface InstrumentStatus {
  readonly id: string;
  readonly kind: InstrumentConfig['kind'];
  readonly driver: string;
  readonly transport: string;
  readonly connection: ConnectionState;
  /** The run that holds the instrument, if any. */
  readonly runId: string | null;
  readonly identity: Readonly<Record<string, unknown>> | null;
  readonly lastError: string | null;
}

/**
 * An instrument of the lab: a driver on its transport, its hard limits, and
 * the way to put it in a safe state (cell at open circuit, heater to its safe
 * setpoint) on abort, error, disconnect or shutdown.
 */
export interface Instrument {
  readonly id: string;
  readonly config: InstrumentConfig;
  status(): InstrumentStatus;
  /** Configuration (driver, transport, limits, ...) and identity now: what run-start and descriptors record. */
  snapshot(): Record<string, unknown>;
  /** Puts the instrument in its safe state; never throws (failures are logged and kept in status). */
  safe(): Promise<void>;
  close(): Promise<void>;
  /** Set by the engine while a run holds the instrument. */
  claim(runId: string | null): void;
}
