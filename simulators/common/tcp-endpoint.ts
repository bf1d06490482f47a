/** Where a simulator listens for TCP clients. */
export interface TcpListenOptions {
  /** Default 0: a free port. */
  readonly port?: number;
  /** Address to bind. Default 127.0.0.1: a simulator is for this machine unless told otherwise. */
  readonly host?: string;
}

export const DEFAULT_LISTEN_HOST = '127.0.0.1';

/** `host:port` as a URL authority: an IPv6 address goes in brackets (`[::1]:502`). */
export function tcpAuthority(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
