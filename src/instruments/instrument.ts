import type { InstrumentConfig } from '../config/schema.js';

import type { Observable } from 'rxjs';

/**
 * `connecting`: first attempt; `connected`; `reconnecting`: the link was lost,
 * attempts go on; `error`: never reached yet, attempts go on; `disconnected`:
 * closed, or given up until an operator asks again.
 */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'error';

/** A change of an instrument's connection state, with why and when (real time, ms). */
export interface ConnectionChange {
  readonly state: ConnectionState;
  readonly reason: string;
  readonly atMs: number;
}

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
  /** The connection state now and every change after it (completes when the instrument is closed). */
  readonly connection$: Observable<ConnectionChange>;
  /** Starts connection attempts again at once (after it gave up, or to cut a backoff wait short). */
  requestReconnect(): void;
  /** Configuration (driver, transport, limits, ...) and identity now: what run-start and descriptors record. */
  snapshot(): Record<string, unknown>;
  /** Puts the instrument in its safe state; never throws (failures are logged and kept in status). */
  safe(): Promise<void>;
  close(): Promise<void>;
  /** Set by the engine while a run holds the instrument. */
  claim(runId: string | null): void;
}
