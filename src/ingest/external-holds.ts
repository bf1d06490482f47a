import type { ExternalKind } from './external-dataset.js';

/** A run step waiting for an external acquisition (e.g. an NMR experiment at the settled temperature). */
export interface ExternalHold {
  readonly runId: string;
  readonly step: number;
  readonly setpointK: number;
  readonly kinds: readonly ExternalKind[];
}

/** What ended a hold. */
export interface ExternalDelivery {
  readonly runId: string;
  readonly step: number;
  readonly kind: ExternalKind;
  readonly temperatureK: number;
  readonly points: number;
  readonly source: string;
}

/**
 * Where running protocols wait for external measurements and ingestion ends
 * their wait. In-process coordination only: the data themselves travel as
 * documents on the bus. One open hold per run.
 */
export class ExternalHolds {
  private readonly waiting = new Map<string, { readonly hold: ExternalHold; readonly resolve: (d: ExternalDelivery) => void }>();

  /** Resolves with the delivery that ends the hold; rejects with the signal's reason when it aborts first. */
  wait(hold: ExternalHold, signal: AbortSignal): Promise<ExternalDelivery> {
    if (this.waiting.has(hold.runId)) throw new Error(`run ${hold.runId} is waiting for external data already`);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.waiting.delete(hold.runId);
        reject(signal.reason);
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.set(hold.runId, {
        hold,
        resolve: (delivery) => {
          signal.removeEventListener('abort', onAbort);
          this.waiting.delete(hold.runId);
          resolve(delivery);
        },
      });
    });
  }

  /** The holds open now. */
  list(): ExternalHold[] {
    return [...this.waiting.values()].map((w) => w.hold);
  }

  /** Ends the hold the delivery belongs to (same run and step, a kind it waits for); false when none does. */
  deliver(delivery: ExternalDelivery): boolean {
    const waiting = this.waiting.get(delivery.runId);
    if (!waiting || waiting.hold.step !== delivery.step || !waiting.hold.kinds.includes(delivery.kind)) return false;
    waiting.resolve(delivery);
    return true;
  }
}

/** The holds of this service process: the VT series waits here, uploads and the watched folder deliver here. */
