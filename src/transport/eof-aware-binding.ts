import { read } from 'node:fs';
import { promisify } from 'node:util';
import type { SerialPortStream } from '@serialport/stream';
import { SerialPort } from 'serialport';

// The binding types, taken from the stream's options: @serialport/bindings-interface
// has an `exports` map without types, which NodeNext resolution cannot follow.
type BindingInterface = ConstructorParameters<typeof SerialPortStream>[0]['binding'];
type BindingPortInterface = Awaited<ReturnType<BindingInterface['open']>>;
type OpenOptions = Parameters<BindingInterface['open']>[0];

const readAsync = promisify(read);
/** The binding serialport picked for this platform. */
const detected: BindingInterface = SerialPort.binding;

/** What serialport's Unix port bindings (Linux, macOS) carry beside the interface. */
interface UnixPortInternals {
  readonly fd: number | null;
  readonly poller: { once(event: 'readable', callback: (error: Error | null) => void): unknown };
}

/**
 * serialport's own binding with one fix, on Unix: a read returning 0 bytes
 * (end of file) ends the stream instead of being retried.
 *
 * The port is opened non-blocking with VMIN=1, so "no data yet" is EAGAIN and
 * 0 bytes means the other end hung up: a pseudo-terminal whose socat died, a
 * USB adapter pulled out. serialport 13's `unixRead` retries such a read at
 * once, forever: the loss is never reported and a CPU core spins
 * (serialport/bindings-cpp issue #162). With this binding the stream ends,
 * which the transport reports as DISCONNECTED.
 */
export const eofAwareBinding: BindingInterface = {
  list: () => detected.list(),
  async open(options: OpenOptions): Promise<BindingPortInterface> {
    const port = await detected.open(options);
    return isUnixPort(port) ? withEofAwareRead(port) : port;
  },
};

function isUnixPort(port: BindingPortInterface): port is BindingPortInterface & UnixPortInternals {
  return 'fd' in port && 'poller' in port;
}

function withEofAwareRead(port: BindingPortInterface & UnixPortInternals): BindingPortInterface {
  const readOnce = async (buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }> => {
    for (;;) {
      const fd = port.fd;
      // Same shape as the binding's own error for a closed port: the stream ignores canceled reads.
      if (!port.isOpen || fd === null) throw Object.assign(new Error('Port is not open'), { canceled: true });
      try {
        const { bytesRead } = await readAsync(fd, buffer, offset, length, null);
        return { buffer, bytesRead };
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'EAGAIN' && code !== 'EWOULDBLOCK' && code !== 'EINTR') throw e;
        // The port may have been closed while the read was in the thread pool: closing destroys the
        // native poller, and arming a destroyed poller crashes the process (serialport issue #686's
        // race, seen here as a segfault under load). close() clears `fd` synchronously, so this
        // check and the arming below cannot be separated by it.
        if (!port.isOpen || port.fd === null) throw Object.assign(new Error('Port is not open'), { canceled: true });
        await new Promise<void>((resolve, reject) => port.poller.once('readable', (error: Error | null) => (error ? reject(error) : resolve())));
      }
    }
  };
  // Delegate everything else to the original port object (its getters included).
  return new Proxy(port, {
    get(target, property, receiver) {
      if (property === 'read') return readOnce;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
