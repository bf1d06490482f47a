import { AnalysisError } from '../errors.js';
import { median } from './median.js';
import { analysePulse } from './pulse.js';
import { summariseRest, type RestSummary, type StepSamples } from './rest.js';
import { resolveSample, type ResolvedSample } from './sample.js';
import type { GittPulseResult, GittSample } from './types.js';

export interface GittAnalyserOptions {
  /** The pulse current (its sign does not matter); the protocol knows it, offline it is estimated. */
  readonly pulseCurrentA: number;
  /** A sample belongs to a pulse when |I| >= this fraction of |pulseCurrentA|. Default 0.2. */
  readonly relativeThreshold?: number;
  /** Fraction of a rest, at its end, averaged for the relaxed voltage. Default 0.05. */
  readonly relaxedWindowFraction?: number;
}

/** A final rest shorter than this fraction of the median rest is flagged as possibly not relaxed. */
const SHORT_FINAL_REST_FRACTION = 0.5;

interface PendingPulse {
  readonly index: number;
  readonly pulse: StepSamples;
  readonly before: RestSummary | null;
  readonly warnings: string[];
}

/**
 * GITT analysis fed sample by sample, usable on a live run and by the offline
 * `analyzeGitt`. A pulse's result comes out as soon as its following rest has
 * ended: when the next pulse starts, when the protocol calls `endRest()`, or
 * at `finish()`. It holds only the current pulse and the current rest.
 */
export class GittAnalyser {
  private readonly sample: ResolvedSample;
  private readonly thresholdA: number;
  private readonly windowFraction: number;
  private phase: 'rest' | 'pulse' = 'rest';
  private pulseSign = 0;
  private current: StepSamples = emptySteps();
  private before: RestSummary | null = null;
  private pending: PendingPulse | null = null;
  private lastTimeS = -Infinity;
  private nextIndex = 1;
  private x: number | null;
  private finished = false;
  private readonly restDurationsS: number[] = [];

  constructor(sample: GittSample, options: GittAnalyserOptions) {
    const relative = options.relativeThreshold ?? 0.2;
    const windowFraction = options.relaxedWindowFraction ?? 0.05;
    if (!(Number.isFinite(options.pulseCurrentA) && options.pulseCurrentA !== 0)) {
      throw new AnalysisError(`GITT: pulseCurrentA must be a finite non-zero current in A, got ${options.pulseCurrentA}`, 'INVALID_INPUT', {});
    }
    if (!(relative > 0 && relative < 1)) {
      throw new AnalysisError(`GITT: relativeThreshold must be between 0 and 1, got ${relative}`, 'INVALID_INPUT', {});
    }
    if (!(windowFraction > 0 && windowFraction <= 1)) {
      throw new AnalysisError(`GITT: relaxedWindowFraction must be in (0, 1], got ${windowFraction}`, 'INVALID_INPUT', {});
    }
    this.sample = resolveSample(sample);
    this.thresholdA = relative * Math.abs(options.pulseCurrentA);
    this.windowFraction = windowFraction;
    this.x = this.sample.initialX;
  }

  /** What cannot be computed for any pulse with this sample description. */
  get warnings(): readonly string[] {
    return this.sample.warnings;
  }

  /** Adds one sample; returns the pulses completed by it. Time must increase strictly. */
  push(timeS: number, voltageV: number, currentA: number): GittPulseResult[] {
    if (this.finished) throw new AnalysisError('GITT: push after finish()', 'INVALID_INPUT', {});
    if (!Number.isFinite(timeS) || !Number.isFinite(voltageV) || !Number.isFinite(currentA)) {
      throw new AnalysisError(`GITT: sample at t=${timeS} s has a non-finite value (V=${voltageV}, I=${currentA})`, 'INVALID_INPUT', {
        timeS,
        voltageV,
        currentA,
      });
    }
    if (!(timeS > this.lastTimeS)) {
      throw new AnalysisError(`GITT: time ${timeS} s is not after the previous sample (${this.lastTimeS} s)`, 'INVALID_INPUT', { timeS });
    }
    this.lastTimeS = timeS;
    const on = Math.abs(currentA) >= this.thresholdA;
    const sign = Math.sign(currentA);
    const out: GittPulseResult[] = [];
    if (this.phase === 'pulse' && on && sign !== this.pulseSign) {
      // A pulse of the other sign without a rest between: the first has no Es.
      this.pending = this.closePulse(['followed directly by a pulse of the opposite sign']);
      for (const r of this.complete(null)) out.push(r);
      this.before = null;
      this.startPulse(sign);
    } else if (this.phase === 'pulse' && !on) {
      this.pending = this.closePulse([]);
      this.phase = 'rest';
    } else if (this.phase === 'rest' && on) {
      const rest = this.current.timeS.length > 0 ? summariseRest(this.current, this.windowFraction) : null;
      if (this.pending !== null) for (const r of this.complete(rest, this.current)) out.push(r);
      this.before = rest;
      this.startPulse(sign);
    }
    this.current.timeS.push(timeS);
    this.current.voltageV.push(voltageV);
    this.current.currentA.push(currentA);
    return out;
  }

  /**
   * The protocol says the rest after a pulse has ended: that pulse's result
   * comes out now. Rest samples that still arrive count for the next pulse's E0.
   * Returns nothing unless a pulse was waiting for its rest to end.
   */
  endRest(): GittPulseResult[] {
    if (this.phase !== 'rest' || this.pending === null || this.current.timeS.length === 0) return [];
    return this.complete(summariseRest(this.current, this.windowFraction), this.current);
  }

  /** End of data: completes the last pulse (without Es when its rest is missing). */
  finish(): GittPulseResult[] {
    if (this.finished) return [];
    this.finished = true;
    if (this.phase === 'pulse') {
      this.pending = this.closePulse(['the data end during the pulse']);
      return this.complete(null);
    }
    if (this.pending === null) return [];
    const rest = summariseRest(this.current, this.windowFraction);
    const typicalS = this.restDurationsS.length > 0 ? median(this.restDurationsS) : null;
    if (typicalS !== null && rest.durationS < SHORT_FINAL_REST_FRACTION * typicalS) {
      this.pending.warnings.push(
        `the final rest lasted ${rest.durationS.toPrecision(3)} s, under half the median rest (${typicalS.toPrecision(3)} s): Es may not be relaxed`,
      );
    }
    return this.complete(rest, this.current);
  }

  private startPulse(sign: number): void {
    this.phase = 'pulse';
    this.pulseSign = sign;
    this.current = emptySteps();
  }

  /** Ends the current pulse; the samples that follow belong to its rest. */
  private closePulse(warnings: string[]): PendingPulse {
    const pending = { index: this.nextIndex++, pulse: this.current, before: this.before, warnings };
    this.current = emptySteps();
    return pending;
  }

  /** Analyses the pending pulse with the rest that followed it (its summary and its samples), if any. */
  private complete(after: RestSummary | null, afterSamples: StepSamples | null = null): GittPulseResult[] {
    const pending = this.pending;
    if (pending === null) return [];
    this.pending = null;
    if (after !== null) this.restDurationsS.push(after.durationS);
    const result = analysePulse({ ...pending, after, afterSamples: after !== null ? afterSamples : null, sample: this.sample, xBefore: this.x });
    if (this.x !== null) this.x = result.x;
    return [result];
  }
}

function emptySteps(): StepSamples {
  return { timeS: [], voltageV: [], currentA: [] };
}
