import type { Observable } from 'rxjs';
import { EUROTHERM_DEFAULTS } from '../../../drivers/temperature/defaults.js';
import type { Clock } from '../../../src/core/clock.js';
import { tcpAuthority, type TcpListenOptions } from '../../common/tcp-endpoint.js';
import { openTransport } from '../../../src/transport/open-transport.js';
import { openPtyPair } from '../../../src/transport/pty-pair.js';
import { isLinkFault, type LinkFault } from '../link-faults.js';
import type { ThermalPreset } from '../presets.js';
import type { TemperatureFault, TemperatureSimulator } from '../temperature-simulator.js';
import { ThermalSimulation } from '../thermal-simulation.js';
import { startModbusRtuFront } from './modbus-rtu-front.js';
import { startModbusTcpFront } from './modbus-tcp-front.js';
import { EurothermRegisterBank, type EurothermRegisterOptions, type RegisterAccess } from './register-bank.js';

export interface EurothermSimulatorOptions extends EurothermRegisterOptions, TcpListenOptions {
  readonly clock: Clock;
  readonly preset: ThermalPreset;
  readonly seed: number;
  /** `tcp`: Modbus TCP (on `host:port`, by default a free loopback port); `pty`: Modbus RTU on a socat pseudo-terminal pair. */
  readonly link: 'tcp' | 'pty';
  /** Modbus unit (slave address). Default 1. */
  readonly unit?: number;
  /** Serial speed of the RTU link. Default: the instrument's factory setting. */
  readonly baudRate?: number;
}

/**
 * A simulated Eurotherm 2000/3000: the thermal simulation behind the register
 * map, served over Modbus TCP or Modbus RTU on a pseudo-terminal. The
 * simulation runs (on the given clock) from start to close.
 */
export class EurothermSimulator implements TemperatureSimulator {
  private closing: Promise<void> | null = null;

  private constructor(
    readonly url: string,
    readonly simulation: ThermalSimulation,
    private readonly registers: EurothermRegisterBank,
    private readonly linkFaults: Set<LinkFault>,
    private readonly supportedLinkFaults: readonly LinkFault[],
    /** Raw RTU request frames (pty link only). */
    readonly requestFrames$: Observable<Uint8Array> | null,
    private readonly release: () => Promise<void>,
  ) {}

  static async start(options: EurothermSimulatorOptions): Promise<EurothermSimulator> {
    const { clock, preset, seed, link } = options;
    const unit = options.unit ?? 1;
    const simulation = new ThermalSimulation({ clock, preset, seed });
    const registers = new EurothermRegisterBank(simulation, options);
    const linkFaults = new Set<LinkFault>();
    simulation.start();
    try {
      if (link === 'tcp') {
        const front = await startModbusTcpFront(registers, linkFaults, unit, options);
        return new EurothermSimulator(`modbus-tcp://${tcpAuthority(front.host, front.port)}?unit=${unit}`, simulation, registers, linkFaults, ['drop-replies', 'busy-replies'], null, async () => {
          await front.close();
          await simulation.stop();
        });
      }
      const baudRate = options.baudRate ?? EUROTHERM_DEFAULTS.baudRate;
      const pair = await openPtyPair();
      try {
        const transport = await openTransport(`serial://${pair.pathA}?baud=${baudRate}`);
        const front = startModbusRtuFront(transport, registers, linkFaults, unit);
        return new EurothermSimulator(
          `modbus-rtu://${pair.pathB}?baud=${baudRate}&unit=${unit}`,
          simulation,
          registers,
          linkFaults,
          ['drop-replies', 'corrupt-replies', 'busy-replies'],
          front.requestFrames$,
          async () => {
            await front.close();
            await pair.close();
            await simulation.stop();
          },
        );
      } catch (e) {
        await pair.close();
        throw e;
      }
    } catch (e) {
      await simulation.stop();
      throw e;
    }
  }

  /** Every request that reached the registers (tests assert, for example, that nothing was written). */
  get accesses$(): Observable<RegisterAccess> {
    return this.registers.accesses$;
  }

  setFault(fault: TemperatureFault, active: boolean): void {
    if (!isLinkFault(fault)) return this.simulation.setFault(fault, active);
    if (!this.supportedLinkFaults.includes(fault)) throw new RangeError(`${fault} cannot be injected on ${this.url}`);
    if (active) this.linkFaults.add(fault);
    else this.linkFaults.delete(fault);
  }

  close(): Promise<void> {
    return (this.closing ??= this.release());
  }
}
