import { describe, expect, it } from 'vitest';
import { OcvCurve } from './ocv.js';
import { insertionPresets } from './presets.js';

const T = 298.15;

function curveOf(preset: keyof typeof insertionPresets): OcvCurve {
  const p = insertionPresets[preset];
  return new OcvCurve(p.ocv, p.xMin, p.xMax);
}

function grid(from: number, to: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + ((to - from) * i) / (count - 1));
}

describe('OcvCurve', () => {
  it.each(['LixV2O5', 'NMC532'] as const)('%s falls strictly with x, also beyond the host range', (preset) => {
    const curve = curveOf(preset);
    const xs = grid(curve.xMin - 0.05, curve.xMax + 0.05, 4001);
    for (let i = 1; i < xs.length; i++) expect(curve.voltageV(xs[i]!, T)).toBeLessThan(curve.voltageV(xs[i - 1]!, T));
    for (const x of xs) expect(curve.slopeVPerX(x, T)).toBeLessThan(0);
  });

  it('LixV2O5 spans 3.6 V to 2.4 V over 0 < x < 2 with the epsilon and delta plateaus', () => {
    const curve = curveOf('LixV2O5');
    expect(curve.voltageV(0.02, T)).toBeGreaterThan(3.6);
    expect(curve.voltageV(1.98, T)).toBeLessThan(2.45);
    expect(curve.voltageV(1.98, T)).toBeGreaterThan(2.35);
    // Plateaus: flat (|dE/dx| < 0.3 V per x) near 3.4 V at x = 0.5 and near 3.2 V at x = 0.9.
    expect(curve.voltageV(0.5, T)).toBeCloseTo(3.43, 1);
    expect(Math.abs(curve.slopeVPerX(0.5, T))).toBeLessThan(0.3);
    expect(curve.voltageV(0.92, T)).toBeCloseTo(3.2, 1);
  });

  it('NMC532 spans roughly 3.6 V to 4.3 V vs Li over its working range', () => {
    const curve = curveOf('NMC532');
    expect(curve.voltageV(0.95, T)).toBeCloseTo(3.6, 1);
    expect(curve.voltageV(0.3, T)).toBeGreaterThan(4.2);
    expect(curve.voltageV(0.25, T)).toBeLessThan(4.4);
  });

  it.each(['LixV2O5', 'NMC532'] as const)('%s slope is the derivative of the voltage, edges included', (preset) => {
    const curve = curveOf(preset);
    const h = 1e-7;
    for (const x of [...grid(curve.xMin + 0.001, curve.xMax - 0.001, 37), curve.xMin - 0.01, curve.xMax + 0.01]) {
      const numeric = (curve.voltageV(x + h, T) - curve.voltageV(x - h, T)) / (2 * h);
      expect(Math.abs(curve.slopeVPerX(x, T) / numeric - 1), `x = ${x}`).toBeLessThan(1e-5);
    }
  });

  it('is continuous where the straight extension beyond the range begins', () => {
    const curve = curveOf('LixV2O5');
    const edge = curve.xMin + 1e-4 * (curve.xMax - curve.xMin);
    expect(curve.voltageV(edge - 1e-12, T)).toBeCloseTo(curve.voltageV(edge + 1e-12, T), 8);
    expect(Number.isFinite(curve.voltageV(-1, T))).toBe(true);
  });

  it('has the ideal-solution temperature dependence (RT/F) ln((xMax - x)/(x - xMin))', () => {
    const curve = curveOf('NMC532');
    const x = 0.8;
    const expected = ((8.314462 * 10) / 96485.332) * Math.log((1 - x) / x);
    expect(curve.voltageV(x, T + 10) - curve.voltageV(x, T)).toBeCloseTo(expected, 12);
  });
});
