import { describe, expect, it } from 'vitest';
import { Circuit } from '../analysis/eis/circuit.js';
import type { EisPlan } from '../protocols/eis/eis-parameters.js';
import { analyzeSweep } from './live-eis.js';

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
