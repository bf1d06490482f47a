import { filter, firstValueFrom, Subject, takeUntil, toArray, type Observable } from 'rxjs';
import type { ThermalSimulation, ThermalSnapshot } from '../../simulators/temperature/thermal-simulation.js';

/** Resolves with the first state of the simulation at or after this lab time. */
export function labTimeReached(simulation: ThermalSimulation, labTimeMs: number): Promise<ThermalSnapshot> {
  return firstValueFrom(simulation.state$.pipe(filter((s) => s.labTimeMs >= labTimeMs)));
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
