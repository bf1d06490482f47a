/**
 * Time for the run engine, protocols, fits and simulators. Nothing reads
 * `Date.now()` directly: a real three-day GITT and the same GITT compressed
 * into seconds run the same code, with timestamps in the lab's (possibly
 * simulated) time.
 */
export interface Clock {
  /** Lab time in nanoseconds since the Unix epoch. */
  nowNs(): bigint;
  /** Lab time in milliseconds since the Unix epoch (fractional). */
  nowMs(): number;
  /**
   * Resolves after `ms` milliseconds of lab time. Rejects with the signal's
   * reason (an AbortError by default) when the signal aborts first.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** How many lab seconds pass per real second (1 for real time). */
  readonly scale: number;
}

/**
 * Lab time that runs `scale` times faster than real time from `originMs`
 * (default: the real time of construction). Works under fake timers, which
 * replace `Date.now` and `setTimeout`.
 */
export class ScaledClock implements Clock {
  private readonly realOriginMs: number;
  private readonly labOriginMs: number;

  constructor(
    readonly scale = 1,
    originMs?: number,
  ) {
    if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`clock scale must be > 0, got ${scale}`);
    this.realOriginMs = Date.now();
    this.labOriginMs = originMs ?? this.realOriginMs;
  }

  nowMs(): number {
    return this.labOriginMs + (Date.now() - this.realOriginMs) * this.scale;
  }

  nowNs(): bigint {
    return msToNs(this.nowMs());
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms / this.scale));
      const onAbort = () => {
        clearTimeout(timer);
        reject(abortReason(signal!));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

export const realClock: Clock = new ScaledClock(1);

export function msToNs(ms: number): bigint {
  const whole = Math.floor(ms);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6));
}

export function nsToMs(ns: bigint): number {
  return Number(ns / 1_000_000n) + Number(ns % 1_000_000n) / 1e6;
}

export function nsToS(ns: bigint): number {
  return nsToMs(ns) / 1000;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}
