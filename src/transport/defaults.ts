/**
 * Timeouts and limits of the transport layer, in real milliseconds (they bound
 * I/O latency, not lab time, so they do not scale with a ScaledClock).
 */
export const TRANSPORT_DEFAULTS = {
  /**
   * Serial speed when the URL gives none: 9600 baud, the RS-232 factory
   * setting of most bench instruments. Drivers pass their own (MethodSCRIPT
   * devices: 230400) through `openTransport(url, { defaultBaudRate })`.
   */
  baudRate: 9600,
  /**
   * TCP connect: a device server on the lab network answers within
   * milliseconds; 5 s also covers a first ARP/route lookup on a busy network.
   */
  tcpConnectTimeoutMs: 5_000,
  /**
   * TCP keep-alive probe delay, so a device server that loses power is noticed
   * (as DISCONNECTED) without waiting for a write. The Linux default is 2 h.
   */
  tcpKeepAliveMs: 10_000,
  /**
   * A reply to a short command: the instruments answer in well under 100 ms
   * (MethodSCRIPT, Lake Shore at 57600 baud); 2 s leaves room for a loaded host
   * and a serial device server on the path.
   */
  requestTimeoutMs: 2_000,
  /**
   * Transactions waiting for one line. A lab service has a handful (one step,
   * a status poll, a safe-state command); dozens mean a caller is looping.
   */
  maxQueuedTransactions: 32,
  /**
   * socat prints its pseudo-terminal names within milliseconds; 5 s allows
   * for a loaded CI machine.
   */
  socatStartTimeoutMs: 5_000,
} as const;
