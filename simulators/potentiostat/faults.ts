/** What the simulator does for the fault hooks. */
export interface FaultActions {
  /** Closes the host's link. */
  drop(): Promise<void>;
  /** Closes the host's link and serves it again at the same URL. */
  replug(): Promise<void>;
  /** Writes raw bytes to the host. */
  inject(bytes: Uint8Array): Promise<void>;
}

/**
 * Fault injection for tests of the driver and the service, all off by default
 * (after node-modbus-serial's TestPort): drop the connection, inject garbage
 * bytes, delay or drop replies.
 */
export class SimulatorFaults {
  /** Real milliseconds each reply line is held back (order is kept); 0 = off. */
  replyDelayMs = 0;
  /** While true, reply lines are discarded: a device that went silent. */
  dropReplies = false;

  constructor(private readonly actions: FaultActions) {}

  /**
   * Drops the connection now, as a pulled cable: a TCP client's socket is
   * closed (the port still takes a new client); a pseudo-terminal pair served
   * by the simulator loses its socat for good; an attached serial port is
   * closed (its far end may not notice). The device keeps running whatever
   * script it runs.
   */
  drop(): Promise<void> {
    return this.actions.drop();
  }

  /**
   * Pulls the cable and plugs it back in: the link is dropped as by `drop()`,
   * then served again at the same URL (a new pseudo-terminal pair behind the
   * same links; a TCP port takes the host's next connection). The host sees
   * its link end and finds the device again when it reopens it.
   */
  replug(): Promise<void> {
    return this.actions.replug();
  }

  /** Writes `bytes` to the host now, between two reply lines. */
  injectGarbage(bytes: Uint8Array | string): Promise<void> {
    return this.actions.inject(typeof bytes === 'string' ? new Uint8Array(Buffer.from(bytes, 'latin1')) : bytes);
  }
}
