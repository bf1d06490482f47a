import { eisProtocol } from './eis/eis-protocol.js';
import { gittProtocol } from './gitt/gitt-protocol.js';
import type { ProtocolDefinition } from './protocol.js';
import { vtSeriesProtocol } from './vt-series/vt-protocol.js';

/** Every protocol the engine can run. */
export const protocols: readonly ProtocolDefinition[] = [gittProtocol, eisProtocol, vtSeriesProtocol];
