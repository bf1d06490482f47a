import { createServer, type Server } from 'node:net';
import type { Observable, Subscription } from 'rxjs';
import { LAKESHORE336_DEFAULTS } from '../../../drivers/temperature/defaults.js';
import { lines } from '../../../drivers/temperature/lakeshore336/line-framing.js';
import type { Clock } from '../../../src/core/clock.js';
import { DEFAULT_LISTEN_HOST, tcpAuthority, type TcpListenOptions } from '../../common/tcp-endpoint.js';
import { openTransport } from '../../../src/transport/open-transport.js';
import { openPtyPair } from '../../../src/transport/pty-pair.js';
import { transportFromSocket } from '../../../src/transport/tcp.js';
import type { Transport } from '../../../src/transport/transport.js';
import { isLinkFault, type LinkFault } from '../link-faults.js';
import type { ThermalPreset } from '../presets.js';
import type { TemperatureFault, TemperatureSimulator } from '../temperature-simulator.js';
import { ThermalSimulation } from '../thermal-simulation.js';
import { LakeShore336Interpreter, type LakeShore336Identity } from './lakeshore336-interpreter.js';

export interface LakeShore336SimulatorOptions extends TcpListenOptions {
  readonly clock: Clock;
  readonly preset: ThermalPreset;
  readonly seed: number;
  /** `tcp`: `host:port`, by default a free loopback port (the 336's own Ethernet port is 7777); `pty`: a socat pseudo-terminal pair. */
  readonly link: 'tcp' | 'pty';
  readonly identity?: LakeShore336Identity;
}

/**
 * A simulated Lake Shore 336: the thermal simulation behind the 336's command
 * set, served over TCP (any number of clients, one instrument state) or a
 * pseudo-terminal at 57600 7O1. Replies end `\r\n`. `drop-replies` answers
 * nothing; `corrupt-replies` garbles the digits of every reply.
 */
export class LakeShore336Simulator implements TemperatureSimulator {
  private closing: Promise<void> | null = null;

  private constructor(
    readonly url: string,
    readonly simulation: ThermalSimulation,
    private readonly interpreter: LakeShore336Interpreter,
    private readonly linkFaults: Set<LinkFault>,
    private readonly release: () => Promise<void>,
  ) {}

  static async start(options: LakeShore336SimulatorOptions): Promise<LakeShore336Simulator> {
    const { clock, preset, seed, link } = options;
    const simulation = new ThermalSimulation({ clock, preset, seed });
    const interpreter = new LakeShore336Interpreter(simulation, options.identity);
    const linkFaults = new Set<LinkFault>();
    const serve = (transport: Transport) => serveLines(transport, interpreter, linkFaults);
    simulation.start();
    try {
      if (link === 'tcp') {
        const { host, port, close } = await listen(serve, options);
        return new LakeShore336Simulator(`tcp://${tcpAuthority(host, port)}`, simulation, interpreter, linkFaults, async () => {
          await close();
          await simulation.stop();
        });
      }
      const pair = await openPtyPair();
      try {
        const { baudRate, dataBits, parity, stopBits } = LAKESHORE336_DEFAULTS.serial;
        const format = `baud=${baudRate}&dataBits=${dataBits}&parity=${parity}&stopBits=${stopBits}`;
        const stopServing = serve(await openTransport(`serial://${pair.pathA}?${format}`));
        return new LakeShore336Simulator(`serial://${pair.pathB}?${format}`, simulation, interpreter, linkFaults, async () => {
          await stopServing();
          await pair.close();
          await simulation.stop();
        });
      } catch (e) {
        await pair.close();
        throw e;
      }
    } catch (e) {
      await simulation.stop();
      throw e;
    }
  }

  /** Every command line received. */
  get lines$(): Observable<string> {
    return this.interpreter.lines$;
  }

  setFault(fault: TemperatureFault, active: boolean): void {
    if (!isLinkFault(fault)) return this.simulation.setFault(fault, active);
    if (fault === 'busy-replies') throw new RangeError('busy-replies is a Modbus fault; a Lake Shore line has none');
    if (active) this.linkFaults.add(fault);
    else this.linkFaults.delete(fault);
  }

  close(): Promise<void> {
    return (this.closing ??= this.release());
  }
}

/** Answers each line of `transport`; returns how to stop (closing the transport). */
function serveLines(transport: Transport, interpreter: LakeShore336Interpreter, faults: ReadonlySet<LinkFault>): () => Promise<void> {
  const subscription: Subscription = transport.data$.pipe(lines(LAKESHORE336_DEFAULTS.maxLineLength)).subscribe({
    next: (line) => {
      const reply = interpreter.handleLine(line);
      if (reply === null || faults.has('drop-replies')) return;
      const sent = faults.has('corrupt-replies') ? reply.replace(/\d/g, '#') : reply;
      // A write fails only when the link is gone, which data$ reports.
      transport.write(`${sent}\r\n`).catch(() => undefined);
    },
    // The client went away or the pty closed: nothing left to serve on this link.
    error: () => undefined,
  });
  return async () => {
    subscription.unsubscribe();
    await transport.close();
  };
}

/** A TCP server serving each connection. */
async function listen(
  serve: (transport: Transport) => () => Promise<void>,
  options: TcpListenOptions,
): Promise<{ host: string; port: number; close: () => Promise<void> }> {
  const host = options.host ?? DEFAULT_LISTEN_HOST;
  const connections = new Set<() => Promise<void>>();
  const server: Server = createServer((socket) => {
    transportFromSocket(socket).then(
      (transport) => {
        const stop = serve(transport);
        connections.add(stop);
        socket.once('close', () => connections.delete(stop));
      },
      () => socket.destroy(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: options.port ?? 0 }, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    host,
    port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...connections].map((stop) => stop()));
      await closed;
    },
  };
}
