import { createServer } from 'node:net';
import modbusSerial from 'modbus-serial';
import type { FCallback, FCallbackVal, IServiceVector } from 'modbus-serial/ServerTCP.js';
import { DEFAULT_LISTEN_HOST, type TcpListenOptions } from '../../common/tcp-endpoint.js';
import type { LinkFault } from '../link-faults.js';
import { ModbusException } from './modbus-exception.js';
import type { HoldingRegisters } from './modbus-pdu.js';

/** Ports tried when another process takes the probed free port first (see below). */
const BIND_ATTEMPTS = 5;

export interface ModbusTcpFront {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The registers served as a Modbus TCP server (modbus-serial's ServerTCP; each
 * connection served, one after the other or at once) on `listen.host:port`,
 * by default a free loopback port. ServerTCP treats port 0 as "use 502" and
 * does not tell which port it bound, so a free port is probed first and bound
 * at once; in the rare race where another process takes it meanwhile, another
 * is tried. A port given explicitly is bound or the start fails.
 * `drop-replies` serves requests but loses the replies; `busy-replies` answers
 * each with exception 6 without serving it; `corrupt-replies` cannot be
 * expressed through ServerTCP (it frames replies itself) and is refused.
 */
export async function startModbusTcpFront(
  registers: HoldingRegisters,
  faults: ReadonlySet<LinkFault>,
  unit: number,
  listen: TcpListenOptions = {},
): Promise<ModbusTcpFront> {
  const host = listen.host ?? DEFAULT_LISTEN_HOST;
  const fixedPort = listen.port ?? 0;
  // Callback-style handlers, so a dropped reply is simply a callback never called.
  // The request is served either way: a dropped reply is lost on the way back, as on a real link.
  const answer = <T>(cb: FCallbackVal<T>, work: () => T): void => {
    let value: T;
    try {
      if (faults.has('busy-replies')) throw new ModbusException('busy', 'SERVER_DEVICE_BUSY', {});
      value = work();
    } catch (e) {
      if (faults.has('drop-replies')) return;
      // ServerTCP answers an error carrying `modbusErrorCode` with that exception, any other with 4.
      const error = e instanceof ModbusException ? Object.assign(new Error(e.message), { modbusErrorCode: e.exceptionNumber }) : (e as Error);
      return cb(error, undefined as never);
    }
    if (!faults.has('drop-replies')) cb(null, value);
  };
  const vector: IServiceVector = {
    getHoldingRegister: (address: number, _unit: number, cb: FCallbackVal<number>) => answer(cb, () => registers.read(address, 1)[0]!),
    getMultipleHoldingRegisters: (address: number, length: number, _unit: number, cb: FCallbackVal<number[]>) => answer(cb, () => registers.read(address, length)),
    setRegister: (address: number, value: number, _unit: number, cb: FCallback) => answer<void>(cb, () => registers.write(address, [value])),
    setRegisterArray: (address: number, values: number[], _unit: number, cb: FCallback) => answer<void>(cb, () => registers.write(address, values)),
  };
  for (let attempt = 1; ; attempt++) {
    const port = fixedPort !== 0 ? fixedPort : await freePort(host);
    const server = new modbusSerial.ServerTCP(vector, { host, port, unitID: unit });
    const outcome = await new Promise<Error | null>((resolve) => {
      server.once('initialized', () => resolve(null));
      server.once('serverError', (e: Error | null) => resolve(e ?? new Error('server error')));
    });
    if (outcome === null) {
      return { host, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
    }
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (fixedPort !== 0 || (outcome as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= BIND_ATTEMPTS) throw outcome;
  }
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ host, port: 0 }, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
