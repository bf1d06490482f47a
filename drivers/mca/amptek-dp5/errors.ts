import { OperandoError } from '../../../src/core/errors.js';

/**
 * Errors of the Amptek DP5 packet protocol (framing, replies, the device's
 * ACK packets) and of the driver's own checks. Link problems (disconnect,
 * close, a reply that never came) stay TransportErrors.
 */
export const DP5_ERROR_CODES = [
  /** Framing: bytes that were not part of a packet were skipped (context: bytes); informative, the framer has resynchronised. */
  'GARBAGE_SKIPPED',
  /** Framing: a packet whose bytes and checksum do not sum to 0 mod 65536. */
  'BAD_CHECKSUM',
  /** Framing: a length field beyond what any reply may carry; or a request whose data do not fit one packet. */
  'PACKET_TOO_LONG',
  /** A reply whose data do not fit its PIDs (a status that is not 64 bytes, a spectrum of the wrong size, text that is not ASCII). */
  'BAD_PACKET',
  /** The echo came back different from what was sent. */
  'ECHO_MISMATCH',
  /** ACK 01: the device saw no sync bytes where a packet should start. */
  'ACK_SYNC_ERROR',
  /** ACK 02: the device does not know the request's PIDs. */
  'ACK_PID_ERROR',
  /** ACK 03: the request's length field is wrong for its PIDs. */
  'ACK_LENGTH_ERROR',
  /** ACK 04: the request arrived with a bad checksum. */
  'ACK_CHECKSUM_ERROR',
  /** ACK 05: a configuration command or value the device refuses (context: detail, the device's text when it sends one). */
  'ACK_BAD_PARAMETER',
  /** ACK 07: the device does not recognise the command. */
  'ACK_UNRECOGNISED_COMMAND',
  /** ACK 0D: the device is busy and did not take the request. */
  'ACK_BUSY',
  /** Any other ACK code that is not OK (context: ackCode). */
  'ACK_ERROR',
  /** Text configuration the driver will not send: not `NAME=VALUE;` commands of printable ASCII, or too long. */
  'BAD_CONFIGURATION',
] as const;
export type Dp5ErrorCode = (typeof DP5_ERROR_CODES)[number];

export class Dp5Error extends OperandoError<Dp5ErrorCode> {}

export function isDp5Error(e: unknown, code?: Dp5ErrorCode): e is Dp5Error {
  return e instanceof Dp5Error && (code === undefined || e.code === code);
}
