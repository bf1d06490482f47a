/** What the simulator does for the fault hooks. */
export interface Dp5FaultActions {
  /** Pulls the cable: the host's link ends. */
  drop(): Promise<void>;
  /** Pulls the cable and plugs it back in: served again at the same URL. */
  replug(): Promise<void>;
  /** Writes raw bytes to the host now. */
  inject(bytes: Uint8Array): Promise<void>;
}

/**
 * Fault injection of the simulated DP5, all off by default (after
 * node-modbus-serial's TestPort): replies dropped (the driver times out),
 * replies with a corrupt checksum, every request answered busy (ACK 0D, the
 * request left undone), garbage bytes, a pulled cable.
 */
export class Dp5Faults {
  /** While true, no reply goes out: a device that went silent. */
  dropReplies = false;
  /** While true, the last checksum byte of every reply is flipped. */
  corruptChecksums = false;
  /** While true, every request is answered with ACK 0D (busy) and not executed. */
  busyReplies = false;

  constructor(private readonly actions: Dp5FaultActions) {}

  /**
   * Drops the link now, as a pulled cable: a pseudo-terminal pair loses its
   * socat for good, a TCP client's socket is closed (the port still takes a
   * new one), the UDP port is closed (datagrams to it bounce). The MCA keeps
   * accumulating.
   */
  drop(): Promise<void> {
    return this.actions.drop();
  }

  /** `drop()`, then serving again at the same URL (a new pseudo-terminal pair behind the same links, the same UDP port). */
  replug(): Promise<void> {
    return this.actions.replug();
  }

  /** Writes `bytes` to the host now, between two replies. */
  injectGarbage(bytes: Uint8Array | string): Promise<void> {
    return this.actions.inject(typeof bytes === 'string' ? new Uint8Array(Buffer.from(bytes, 'latin1')) : bytes);
  }
}
