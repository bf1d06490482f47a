/**
 * Faults of the communication link a simulator front can inject, like
 * node-modbus-serial's TestPort: replies dropped (the driver times out) or
 * corrupted (bad CRC, garbled line: the driver sees a bad reply).
 */
export type LinkFault = 'drop-replies' | 'corrupt-replies';

const LINK_FAULTS: readonly LinkFault[] = ['drop-replies', 'corrupt-replies'];

export function isLinkFault(fault: string): fault is LinkFault {
  return (LINK_FAULTS as readonly string[]).includes(fault);
}
