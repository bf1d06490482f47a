export { TRANSPORT_DEFAULTS } from './defaults.js';
export { ExclusiveQueue, type QueueOptions } from './exclusive-queue.js';
export { createTransport, openTransport, type TransportOptions } from './open-transport.js';
export { openPtyPair, type PtyPair, type PtyPairOptions } from './pty-pair.js';
export { RequestChannel, type Collector, type RequestOptions } from './request-channel.js';
export { transportFromSocket } from './tcp.js';
export { isTransportError, TransportError, type Transport, type TransportErrorCode } from './transport.js';
export { parseTransportUrl, type Endpoint, type Parity, type SerialEndpoint, type TcpEndpoint } from './url.js';
