import { TransportError } from './transport.js';

export type Parity = 'none' | 'even' | 'odd' | 'mark' | 'space';

export interface SerialEndpoint {
  readonly kind: 'serial';
  readonly path: string;
  /** Undefined when the URL does not say: the caller's default applies. */
  readonly baudRate: number | undefined;
  readonly dataBits: 5 | 6 | 7 | 8;
  readonly parity: Parity;
  readonly stopBits: 1 | 1.5 | 2;
}

export interface TcpEndpoint {
  readonly kind: 'tcp';
  readonly host: string;
  readonly port: number;
}

export type Endpoint = SerialEndpoint | TcpEndpoint;

/** `udp://host:port`: a datagram link (one packet per datagram), e.g. the Amptek DP5's Ethernet port. */
export interface UdpEndpoint {
  readonly kind: 'udp';
  readonly host: string;
  readonly port: number;
}

/** Every link a transport opens: the byte streams of `parseTransportUrl` and UDP datagrams. */
export type LinkEndpoint = Endpoint | UdpEndpoint;

const PARITIES: readonly Parity[] = ['none', 'even', 'odd', 'mark', 'space'];
const DATA_BITS = [5, 6, 7, 8] as const;
const STOP_BITS = [1, 1.5, 2] as const;

/**
 * Parses `serial:///dev/ttyUSB0?baud=230400&dataBits=7&parity=odd&stopBits=1`
 * (Lake Shore's 7O1) or `tcp://host:port` (ser2net, Moxa NPort in TCP server
 * mode). Unknown parameters are errors, so a typo such as `baudrate=` does not
 * silently fall back to a default.
 */
export function parseTransportUrl(url: string): Endpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (e) {
    throw badUrl(url, 'not a URL', e);
  }
  if (parsed.protocol === 'serial:') return parseSerial(url, parsed);
  if (parsed.protocol === 'tcp:') return parseTcp(url, parsed);
  throw badUrl(url, `unknown scheme "${parsed.protocol}" (byte transports: serial://, tcp://)`);
}

/**
 * Any link URL `createTransport` opens: `serial://` and `tcp://` as
 * `parseTransportUrl` reads them, and `udp://host:port`. Kept apart from
 * `parseTransportUrl`, whose callers (Modbus URLs) want byte streams only.
 */
export function parseLinkUrl(url: string): LinkEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (e) {
    throw badUrl(url, 'not a URL', e);
  }
  if (parsed.protocol === 'udp:') {
    const { host, port } = hostAndPort(url, parsed, 'UDP');
    return { kind: 'udp', host, port };
  }
  if (parsed.protocol === 'serial:' || parsed.protocol === 'tcp:') return parseTransportUrl(url);
  throw badUrl(url, `unknown scheme "${parsed.protocol}" (links: serial://, tcp://, udp://)`);
}

function parseSerial(url: string, parsed: URL): SerialEndpoint {
  // serial:///dev/ttyUSB0 has an empty host; serial://COM3 (Windows) puts the name in the host.
  let path: string;
  try {
    path = decodeURIComponent(parsed.host + parsed.pathname);
  } catch (e) {
    throw badUrl(url, 'bad %-escape in the device path', e);
  }
  if (path === '' || path === '/') throw badUrl(url, 'no serial device path');
  const params = parsed.searchParams;
  checkKnown(url, params, ['baud', 'dataBits', 'parity', 'stopBits']);
  const baud = params.get('baud');
  const dataBits = params.get('dataBits');
  const parity = params.get('parity');
  const stopBits = params.get('stopBits');
  return {
    kind: 'serial',
    path,
    baudRate: baud === null ? undefined : positiveInteger(url, 'baud', baud),
    dataBits: dataBits === null ? 8 : oneOf(url, 'dataBits', Number(dataBits), DATA_BITS),
    parity: parity === null ? 'none' : oneOf(url, 'parity', parity, PARITIES),
    stopBits: stopBits === null ? 1 : oneOf(url, 'stopBits', Number(stopBits), STOP_BITS),
  };
}

function parseTcp(url: string, parsed: URL): TcpEndpoint {
  return { kind: 'tcp', ...hostAndPort(url, parsed, 'TCP') };
}

/** The host and port of a network URL without a path or parameters (`tcp://`, `udp://`). */
function hostAndPort(url: string, parsed: URL, what: 'TCP' | 'UDP'): { host: string; port: number } {
  checkKnown(url, parsed.searchParams, []);
  if (parsed.hostname === '') throw badUrl(url, 'no host');
  if (parsed.port === '') throw badUrl(url, 'no port');
  if (parsed.pathname !== '' && parsed.pathname !== '/') throw badUrl(url, `a ${what} URL has no path`);
  // WHATWG URL keeps the brackets of an IPv6 literal; net.connect and dgram want it bare.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = positiveInteger(url, 'port', parsed.port);
  if (port > 65535) throw badUrl(url, `port ${port} is out of range`);
  return { host, port };
}

function checkKnown(url: string, params: URLSearchParams, known: readonly string[]): void {
  for (const key of params.keys()) {
    if (!known.includes(key)) {
      throw badUrl(url, `unknown parameter "${key}"${known.length ? ` (known: ${known.join(', ')})` : ''}`);
    }
  }
}

function positiveInteger(url: string, name: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value <= 0) throw badUrl(url, `${name} must be a positive integer, got "${text}"`);
  return value;
}

function oneOf<T extends string | number>(url: string, name: string, value: string | number, allowed: readonly T[]): T {
  const found = allowed.find((a) => a === value);
  if (found === undefined) throw badUrl(url, `${name} must be one of ${allowed.join(', ')}, got "${value}"`);
  return found;
}

function badUrl(url: string, why: string, cause?: unknown): TransportError {
  return new TransportError(`bad transport URL "${url}": ${why}`, 'BAD_URL', { url }, cause === undefined ? undefined : { cause });
}
