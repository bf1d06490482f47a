import type { LinkFault } from './link-faults.js';
import type { PhysicalFault, ThermalSimulation } from './thermal-simulation.js';

export type TemperatureFault = PhysicalFault | LinkFault;

/** A running temperature-controller simulator: a thermal simulation behind an instrument's wire protocol. */
export interface TemperatureSimulator {
  /** Where a driver connects (`modbus-tcp://...`, `modbus-rtu://...`, `tcp://...`, `serial://...`). */
  readonly url: string;
  /** The physics, with the true plant temperature (`snapshot()`, `state$`). */
  readonly simulation: ThermalSimulation;
  setFault(fault: TemperatureFault, active: boolean): void;
  /** Stops serving and the simulation; releases ports and pseudo-terminals. */
  close(): Promise<void>;
}
