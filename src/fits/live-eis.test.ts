import { describe, expect, it } from 'vitest';
import { Circuit } from '../analysis/eis/circuit.js';
import { DocumentBus } from '../core/bus.js';
import type { Document, FitResult } from '../core/documents.js';
import { silentLogger } from '../core/logger.js';
import { POTENTIOSTAT_FLAGS } from '../kinds/potentiostat/device.js';
import type { EisPlan } from '../protocols/eis/eis-parameters.js';
import { EIS_PHASES } from '../protocols/eis/eis-protocol.js';
import { analyzeSweep, attachLiveEisFit } from './live-eis.js';

/** A thin-film cathode | solid electrolyte cell: series resistance and one interface arc (uF). */
function interfaceSpectrum() {
  const circuit = Circuit.parse('R0-p(R1,CPE1)');
  const values = [20, 350, 2e-6, 0.9];
  const frequencyHz = Float64Array.from({ length: 41 }, (_, k) => 10 ** (5 - k / 5));
  return { frequencyHz, ...circuit.impedance(values, frequencyHz) };
}

function plan(sample: EisPlan['sample']): EisPlan {
  return {
    kind: 'eis-sweep', instrument: 'pstat1', mode: 'potentiostatic', startHz: 1e5, endHz: 1e-3, points: 41, amplitudeV: 0.01,
    bias: { dcV: 0, vs: 'ocp' }, restS: 0, ocpS: 0, restIntervalS: 1,
    analysis: { circuit: 'R0-p(R1,CPE1)', weighting: 'modulus', excludeInductive: false }, sample,
  };
}

describe('live EIS analysis of a sweep', () => {
  it('puts the tabulated interface barrier of the sample next to the measured interface resistance', () => {
    const result = analyzeSweep(plan({ name: 'LCO | LLZO', cathode: 'LCO', electrolyte: 'LLZO', socPercent: 0, areaCm2: 0.5 }), interfaceSpectrum(), { runId: 'r', sweep: 1 });
    expect(result.ok).toBe(true);
    const summary = result.interface as { resistanceOhm: number; resistanceOhmCm2: number; predictedBarrier: { potentialStepV: number; opposes: string } };
    expect(summary.resistanceOhm).toBeCloseTo(350, 3);
    expect(summary.resistanceOhmCm2).toBeCloseTo(175, 3);
    // SCIENCE.md section 6: LCO-LLZO +0.19 V at SOC 0 %, a barrier to discharge.
    expect(summary.predictedBarrier).toEqual({ potentialStepV: 0.19, opposes: 'discharge' });
  });

  it('says nothing of a barrier for a pair the table does not hold', () => {
    const result = analyzeSweep(plan({ name: 'x', cathode: 'NCA', electrolyte: 'LLZO', socPercent: 0, areaCm2: 1 }), interfaceSpectrum(), { runId: 'r', sweep: 1 });
    expect((result.interface as { predictedBarrier: unknown }).predictedBarrier).toBeNull();
  });
});

describe('live EIS fit over impedance events', () => {
  it('fits the points of the sweep announced by its progress, read by key, and names the points the instrument flagged', () => {
    const bus = new DocumentBus(silentLogger);
    const docs: Document[] = [];
    attachLiveEisFit(bus, silentLogger);
    bus.attach('collect', (doc) => docs.push(doc));
    const spectrum = interfaceSpectrum();
    const progress = (phase: string) => bus.publish({ kind: 'progress', runId: 'r', timestampNs: 1n, phase, step: 1, of: 1, etaS: null, message: '' });
    bus.publish({ kind: 'run-start', runId: 'r', timestampNs: 0n, protocol: 'eis@1', parameters: { ...plan(null), repeats: 1 }, metadata: {}, instruments: {} });
    bus.publish({ kind: 'descriptor', runId: 'r', descriptorId: 'd', stream: 'pstat1.eis', timestampNs: 0n, dataKeys: {}, flags: POTENTIOSTAT_FLAGS, configuration: {}, hints: {} });
    progress(EIS_PHASES.sweep);
    spectrum.frequencyHz.forEach((f, i) => {
      const data = { frequency: f, z_re: spectrum.zRe[i]!, z_im: i === 40 ? Number.NaN : spectrum.zIm[i]!, sweep: 1 };
      bus.publish({ kind: 'event', runId: 'r', descriptorId: 'd', stream: 'pstat1.eis', seq: i + 1, timestampNs: BigInt(i), data, flags: i < 2 ? POTENTIOSTAT_FLAGS.overload : 0 });
    });
    // A point of another sweep (a late one) does not join this sweep.
    bus.publish({ kind: 'event', runId: 'r', descriptorId: 'd', stream: 'pstat1.eis', seq: 42, timestampNs: 42n, data: { frequency: 1, z_re: 1e9, z_im: 0, sweep: 2 }, flags: 0 });
    progress(EIS_PHASES.sweepDone);
    const [fit, ...more] = docs.filter((d): d is FitResult => d.kind === 'fit');
    expect(more).toEqual([]);
    expect(fit).toMatchObject({ method: 'eis', index: 1, result: { points: 40, provenance: { pointsMeasured: 40 } } });
    expect((fit!.result.parameters as Record<string, { value: number }>).R1!.value).toBeCloseTo(350, 3);
    expect(fit!.result.warnings).toEqual(expect.arrayContaining(['2 points flagged overload by the instrument', '1 point without a finite value left out']));
  });
});
