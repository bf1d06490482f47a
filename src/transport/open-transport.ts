import { serialConnector } from './serial.js';
import { StreamTransport } from './stream-transport.js';
import { tcpConnector, type TcpOptions } from './tcp.js';
import type { Transport } from './transport.js';
import { UdpTransport } from './udp.js';
import { parseLinkUrl } from './url.js';

/** `connectTimeoutMs` also bounds a `udp://` link's name lookup and connect. */
export interface TransportOptions extends TcpOptions {
  /** Serial speed when the URL has no `baud` parameter (the driver's protocol default). */
  defaultBaudRate?: number;
}

/** A transport for the URL, not opened yet. Throws TransportError BAD_URL. */
export function createTransport(url: string, options: TransportOptions = {}): Transport {
  const endpoint = parseLinkUrl(url);
  // A datagram link is no byte stream: it has a transport of its own (one datagram per write).
  if (endpoint.kind === 'udp') return new UdpTransport(url, endpoint, options);
  const connector = endpoint.kind === 'serial' ? serialConnector(url, endpoint, options.defaultBaudRate) : tcpConnector(url, endpoint, options);
  return new StreamTransport(url, connector);
}

/** `createTransport` + `open`: rejects with BAD_URL or OPEN_FAILED. */
export async function openTransport(url: string, options: TransportOptions = {}): Promise<Transport> {
  const transport = createTransport(url, options);
  await transport.open();
  return transport;
}
