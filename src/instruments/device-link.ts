/**
 * One connection of an instrument: its driver on an open link. An instrument
 * kind opens one per (re)connect (src/kinds/<kind>/connect.ts); the
 * instrument closes it when the link fails and opens the next.
 */
export interface DeviceLink<D> {
  readonly device: D;
  /** Resolves (never rejects) with the reason when the link is lost or closed. */
  readonly lost: Promise<string>;
  /** Closes the link; resolves once its handle is released. Idempotent. */
  close(): Promise<void>;
}

/** Opens a new link to the instrument (transport and driver); rejects when the instrument cannot be reached. */
export type LinkOpener<D> = () => Promise<DeviceLink<D>>;
