import type { Duplex } from 'node:stream';
import { SerialPortStream } from '@serialport/stream';
import { TRANSPORT_DEFAULTS } from './defaults.js';
import { eofAwareBinding } from './eof-aware-binding.js';
import type { StreamConnector } from './stream-transport.js';
import { TransportError } from './transport.js';
import type { SerialEndpoint } from './url.js';

/** Opens a serial port (a USB adapter, a pseudo-terminal) with serialport. */
export function serialConnector(url: string, endpoint: SerialEndpoint, defaultBaudRate: number = TRANSPORT_DEFAULTS.baudRate): StreamConnector {
  return {
    open: () =>
      new Promise<Duplex>((resolve, reject) => {
        const fail = (cause: unknown) =>
          reject(new TransportError(`${url}: cannot open ${endpoint.path}: ${cause instanceof Error ? cause.message : String(cause)}`, 'OPEN_FAILED', { url }, { cause }));
        let port: SerialPortStream;
        try {
          port = new SerialPortStream({
            binding: eofAwareBinding,
            path: endpoint.path,
            baudRate: endpoint.baudRate ?? defaultBaudRate,
            dataBits: endpoint.dataBits,
            parity: endpoint.parity,
            stopBits: endpoint.stopBits,
            autoOpen: false,
          });
        } catch (e) {
          fail(e);
          return;
        }
        port.open((e) => (e ? fail(e) : resolve(port)));
      }),
    release: (stream) => {
      const port = stream as SerialPortStream;
      if (!port.isOpen) return Promise.resolve();
      return new Promise((resolve) => port.close(() => resolve()));
    },
  };
}
