import { filter, firstValueFrom, Subject, takeUntil, toArray, type Observable } from 'rxjs';
import type { TemperatureSimulator } from '../../simulators/temperature/temperature-simulator.js';
import type { ThermalSimulation, ThermalSnapshot } from '../../simulators/temperature/thermal-simulation.js';

/** Resolves with the first state of the simulation at or after this lab time. */
export function labTimeReached(simulation: ThermalSimulation, labTimeMs: number): Promise<ThermalSnapshot> {
  return firstValueFrom(simulation.state$.pipe(filter((s) => s.labTimeMs >= labTimeMs)));
}

/**
 * Resolves with the simulation's state when the instrument has taken the
 * target setpoint `targetK` (call before sending it): the lab time the ramp
 * starts from, whatever the real latency of the link.
 */
export function rampStarted(simulator: TemperatureSimulator, targetK: number): Promise<ThermalSnapshot> {
  return firstValueFrom(simulator.simulation.state$.pipe(filter((s) => Math.abs(s.targetSetpointK - targetK) < 1e-6)));
}

/** Collects what `source` emits until `stop` is called. */
export function collect<T>(source: Observable<T>): { stop: () => Promise<T[]> } {
  const done = new Subject<void>();
  const all = firstValueFrom(source.pipe(takeUntil(done), toArray()));
  return {
    stop: () => {
      done.next();
      return all;
    },
  };
}
