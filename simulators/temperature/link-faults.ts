/**
 * Faults of the communication link a simulator front can inject, like
 * node-modbus-serial's TestPort: replies dropped (the driver times out),
 * corrupted (bad CRC, garbled line: the driver sees a bad reply), or, on
 * Modbus, every request answered with exception 6, server device busy (as a
 * controller busy with its own work, or a gateway whose serial side is).
 */
export type LinkFault = 'drop-replies' | 'corrupt-replies' | 'busy-replies';

const LINK_FAULTS: readonly LinkFault[] = ['drop-replies', 'corrupt-replies', 'busy-replies'];

export function isLinkFault(fault: string): fault is LinkFault {
  return (LINK_FAULTS as readonly string[]).includes(fault);
}
