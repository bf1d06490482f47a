import { describe, expect, it } from 'vitest';
import { syntheticGittRun } from '../analysis/gitt/synthetic-run.js';
import { DocumentBus } from '../core/bus.js';
import type { Descriptor, Document, FitResult } from '../core/documents.js';
import { silentLogger } from '../core/logger.js';
import { POTENTIOSTAT_FLAGS } from '../kinds/potentiostat/device.js';
import type { GittPlan } from '../protocols/gitt/gitt-parameters.js';
import { attachLiveGittFit } from './live-gitt.js';

const T0_NS = 1_700_000_000_000_000_000n;
const RADIUS_CM = 1e-3;
const PULSE_S = 600;
const REST_S = 3600;

const plan: GittPlan = {
  instrument: 'pstat1', currentA: -1e-4, pulseS: PULSE_S, rest: { kind: 'fixed', durationS: REST_S }, pulses: 3, cutoff: { minV: null, maxV: null },
  sampleIntervalS: 10, restSampleIntervalS: 60, initialRestS: 600, sample: { name: 'x', particleRadiusCm: RADIUS_CM },
};

const descriptor: Descriptor = {
  kind: 'descriptor', runId: 'r', descriptorId: 'd', stream: 'pstat1.dc', timestampNs: T0_NS, flags: POTENTIOSTAT_FLAGS, configuration: {}, hints: {},
  dataKeys: {
    potential: { dtype: 'number', shape: [], unit: 'V', source: 'pstat1', nativeQuantity: 'ab', description: '' },
    current: { dtype: 'number', shape: [], unit: 'A', source: 'pstat1', nativeQuantity: 'ba', description: '' },
  },
};

/**
 * A synthetic three-pulse GITT as the protocol publishes it: run-start with
 * the plan, progress at each step, one DC event per sample. `flagged` says
 * which samples carry which status bits; `missing` which have no potential.
 */
interface RunOptions {
  flagged?: (pulse: number, phase: string) => number;
  missing?: (i: number) => boolean;
  /** The protocol reports this pulse interrupted at the end of its samples. */
  interrupted?: number;
  /** The protocol starts a pulse before this measured one that is interrupted before its first sample. */
  lostBefore?: number;
}

function publishRun(bus: DocumentBus, options: RunOptions = {}): void {
  const d = [2e-11, 3e-11, 4e-11];
  const series = syntheticGittRun({
    initialVoltageV: 3.4, currentA: plan.currentA, resistanceOhm: 50, sqrtSlopeVPerSqrtS: -2e-4, pulseS: PULSE_S, restS: REST_S, firstRestS: 600,
    volumePerAreaCm: RADIUS_CM / 3, diffusionCm2PerS: d, maxIntervalS: 20,
  });
  const at = (s: number) => T0_NS + BigInt(Math.round(s * 1e9));
  bus.publish({ kind: 'run-start', runId: 'r', timestampNs: T0_NS, protocol: 'gitt@1', parameters: plan, metadata: {}, instruments: {} });
  bus.publish(descriptor);
  let phase = 'initial-rest';
  let pulse = 0;
  for (let i = 0; i < series.timeS.length; i++) {
    const t = series.timeS[i]!;
    const on = series.currentA[i] !== 0;
    if (on && phase !== 'pulse') {
      phase = 'pulse';
      pulse++;
      if (options.lostBefore === pulse) {
        bus.publish({ kind: 'progress', runId: 'r', timestampNs: at(t - 1), phase, step: pulse, of: 4, etaS: null, message: '' });
        bus.publish({ kind: 'progress', runId: 'r', timestampNs: at(t - 1), phase: 'pulse-interrupted', step: pulse, of: 4, etaS: null, message: '' });
        pulse++;
      }
      bus.publish({ kind: 'progress', runId: 'r', timestampNs: at(t), phase, step: pulse, of: 3, etaS: null, message: '' });
    } else if (!on && phase === 'pulse') {
      if (options.interrupted === pulse) bus.publish({ kind: 'progress', runId: 'r', timestampNs: at(t), phase: 'pulse-interrupted', step: pulse, of: 3, etaS: null, message: '' });
      phase = 'rest';
      bus.publish({ kind: 'progress', runId: 'r', timestampNs: at(t), phase, step: pulse, of: 3, etaS: null, message: '' });
    }
    const potential = options.missing?.(i) ? Number.NaN : series.voltageV[i]!;
    bus.publish({ kind: 'event', runId: 'r', descriptorId: 'd', stream: 'pstat1.dc', seq: i + 1, timestampNs: at(t), data: { potential, current: series.currentA[i]! }, flags: options.flagged?.(pulse, phase) ?? 0 });
  }
  bus.publish({ kind: 'run-stop', runId: 'r', timestampNs: at(series.timeS.at(-1)! + 1), exitStatus: 'success', reason: 'completed', events: { 'pstat1.dc': series.timeS.length } });
}

function fitsOf(options: RunOptions = {}): FitResult[] {
  const bus = new DocumentBus(silentLogger);
  const docs: Document[] = [];
  attachLiveGittFit(bus, silentLogger);
  bus.attach('collect', (doc) => docs.push(doc));
  publishRun(bus, options);
  return docs.filter((doc): doc is FitResult => doc.kind === 'fit');
}

describe('live GITT fit over DC events', () => {
  it('reads potential and current by key from each event and fits every pulse', () => {
    const fits = fitsOf();
    expect(fits.map((f) => f.index)).toEqual([1, 2, 3]);
    [2e-11, 3e-11, 4e-11].forEach((d, k) => expect((fits[k]!.result.diffusionCm2PerS as number) / d).toBeCloseTo(1, 2));
    for (const fit of fits) expect(fit.result.warnings).toEqual([]);
  });

  it('warns on the pulse whose samples the instrument flagged overload, and only there', () => {
    const fits = fitsOf({ flagged: (pulse, phase) => (pulse === 2 && phase === 'pulse' ? POTENTIOSTAT_FLAGS.overload | POTENTIOSTAT_FLAGS.timing_error : 0) });
    const warnings = fits.map((f) => f.result.warnings as string[]);
    expect(warnings[0]).toEqual([]);
    expect(warnings[1]).toEqual([expect.stringMatching(/^\d+ samples flagged timing error by the instrument$/), expect.stringMatching(/^\d+ samples flagged overload by the instrument$/)]);
    expect(warnings[2]).toEqual([]);
  });

  it('leaves out samples without a finite potential and says how many', () => {
    const fits = fitsOf({ missing: (i) => i === 3 });
    expect(fits).toHaveLength(3);
    expect(fits[0]!.result.warnings).toEqual(['1 sample without a finite value left out']);
  });

  it('gives an interrupted pulse its measured values but no diffusion coefficient, and says why', () => {
    const fits = fitsOf({ interrupted: 2 });
    expect(fits.map((f) => f.index)).toEqual([1, 2, 3]);
    expect(fits[1]!.result.diffusionCm2PerS).toBeNull();
    expect(fits[1]!.result.diffusionSqrtTCm2PerS).toBeNull();
    expect(fits[1]!.result.esV).toEqual(expect.any(Number));
    expect(fits[1]!.result.warnings).toEqual([expect.stringMatching(/interrupted/)]);
    for (const k of [0, 2]) expect(fits[k]!.result.diffusionCm2PerS).toEqual(expect.any(Number));
  });

  it("numbers results by the protocol's pulse when a pulse was interrupted before its first sample", () => {
    const fits = fitsOf({ lostBefore: 2 });
    expect(fits.map((f) => f.index)).toEqual([1, 3, 4]);
    expect(fits.every((f) => typeof f.result.diffusionCm2PerS === 'number')).toBe(true);
  });

  it('ignores a run-start whose parameters are not a GITT plan', () => {
    const bus = new DocumentBus(silentLogger);
    const docs: Document[] = [];
    attachLiveGittFit(bus, silentLogger);
    bus.attach('collect', (doc) => docs.push(doc));
    bus.publish({ kind: 'run-start', runId: 'r', timestampNs: T0_NS, protocol: 'gitt@1', parameters: { currentA: 'lots' }, metadata: {}, instruments: {} });
    bus.publish({ kind: 'run-stop', runId: 'r', timestampNs: T0_NS + 1n, exitStatus: 'success', reason: 'completed', events: {} });
    expect(docs.filter((d) => d.kind === 'fit')).toEqual([]);
    expect(bus.health().find((h) => h.name === 'live-gitt-fit')?.errors).toBe(0);
  });
});
