import { gittProtocol } from './gitt/gitt-protocol.js';
import type { ProtocolDefinition } from './protocol.js';

/** Every protocol the engine can run. */
export const protocols: readonly ProtocolDefinition[] = [gittProtocol];
