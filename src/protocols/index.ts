import type { ExternalHolds } from '../ingest/external-holds.js';
import { eisProtocol } from './eis/eis-protocol.js';
import { gittProtocol } from './gitt/gitt-protocol.js';
import { ndpPlatingProtocol } from './ndp/ndp-protocol.js';
import type { ProtocolDefinition } from './protocol.js';
import { createVtSeriesProtocol } from './vt-series/vt-protocol.js';

/** Every protocol the engine can run; the VT series waits for external acquisitions through `holds`. */
export function createProtocols(deps: { holds: ExternalHolds }): readonly ProtocolDefinition[] {
  return [gittProtocol, eisProtocol, createVtSeriesProtocol({ holds: deps.holds }), ndpPlatingProtocol];
}
