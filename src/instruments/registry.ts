import { EngineError } from '../engine/errors.js';
import type { Instrument } from './instrument.js';

/** The lab's instruments by id. */
export class InstrumentRegistry {
  private readonly byId = new Map<string, Instrument>();

  add(instrument: Instrument): void {
    if (this.byId.has(instrument.id)) throw new Error(`instrument ${instrument.id} is registered already`);
    this.byId.set(instrument.id, instrument);
  }

  get(id: string): Instrument {
    const found = this.byId.get(id);
    if (!found) throw new EngineError(`no instrument "${id}" (known: ${[...this.byId.keys()].join(', ')})`, 'UNKNOWN_INSTRUMENT', { id });
    return found;
  }

  all(): Instrument[] {
    return [...this.byId.values()];
  }

  /** Safe state, then close, for every instrument; failures are logged by the instruments themselves. */
  async closeAll(): Promise<void> {
    await Promise.allSettled(this.all().map((i) => i.close()));
  }
}
