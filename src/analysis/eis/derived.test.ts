import { describe, expect, it } from 'vitest';
import { Circuit } from './circuit.js';
import {
  assignArc,
  BULK_MAX_F,
  bulkResistance,
  conductivitySPerCm,
  effectiveCapacitanceF,
  fittedArcs,
  GRAIN_BOUNDARY_MAX_F,
  interfaceResistanceOhmCm2,
  predictedBarrierFor,
} from './derived.js';
import type { CircuitFitResult } from './fit.js';
import { INTERFACE_POTENTIAL_STEPS, predictedInterfaceBarrier } from './interface-potentials.js';

/** A fit result with given values, for the derived quantities (their inputs are only the values). */
function fitWith(circuit: Circuit, values: number[]): CircuitFitResult {
  return {
    circuit: circuit.text,
    points: 50,
    weighting: 'unit',
    parameters: circuit.parameters.map((p, j) => ({ name: p.name, value: values[j]!, stderr: null, unit: p.unit, fixed: false, atBound: false })),
    rss: 0,
    chiSquare: 0,
    converged: true,
    localFits: 1,
    warnings: [],
  };
}

describe('derived quantities', () => {
  it('conductivity sigma = L/(R A): the LAGP pellet of SCIENCE.md, 0.12 mS/cm', () => {
    // 1 mm thick, 1 cm2, 833.3 ohm bulk -> 0.1 / 833.3 = 1.2e-4 S/cm
    expect(conductivitySPerCm(833.33, { thicknessCm: 0.1, areaCm2: 1 })).toBeCloseTo(1.2e-4, 7);
    expect(() => conductivitySPerCm(0, { thicknessCm: 0.1, areaCm2: 1 })).toThrow(expect.objectContaining({ code: 'EIS_PARAMETER' }));
    expect(() => conductivitySPerCm(1, { thicknessCm: -1, areaCm2: 1 })).toThrow(/thickness = -1 cm/);
  });

  it('effective capacitance of R||CPE: Q itself at alpha = 1, Brug form otherwise', () => {
    expect(effectiveCapacitanceF(1e5, 3e-11, 1)).toBeCloseTo(3e-11, 20);
    // Q = 1e-6, R = 100, alpha = 0.8: C = 1e-6^(1.25) * 100^(0.25) = 3.1623e-8 * 3.1623 = 1e-7
    expect(effectiveCapacitanceF(100, 1e-6, 0.8) / 1e-7).toBeCloseTo(1, 10);
    expect(() => effectiveCapacitanceF(100, 1e-6, 1.2)).toThrow(expect.objectContaining({ code: 'EIS_PARAMETER' }));
  });

  it('assigns arcs by decade thresholds, normalising by the cell constant when the geometry is known', () => {
    expect(assignArc(5e-12)).toBe('bulk');
    expect(assignArc(BULK_MAX_F)).toBe('grain-boundary');
    expect(assignArc(3e-9)).toBe('grain-boundary');
    expect(assignArc(GRAIN_BOUNDARY_MAX_F)).toBe('interface');
    expect(assignArc(2e-6)).toBe('interface');
    // A 1 um film of 1 cm2: 5e-9 F is 5e-13 F at L/A = 1 cm^-1, a bulk response.
    expect(assignArc(5e-9, { thicknessCm: 1e-4, areaCm2: 1 })).toBe('bulk');
  });

  it('interface resistance in ohm cm2, halved for a symmetric cell', () => {
    expect(interfaceResistanceOhmCm2(124, 0.5)).toBe(62);
    expect(interfaceResistanceOhmCm2(124, 0.5, 2)).toBe(31);
    expect(() => interfaceResistanceOhmCm2(124, 0.5, 0)).toThrow(expect.objectContaining({ code: 'EIS_PARAMETER' }));
  });

  it('finds the R||C and R||CPE arcs of a fit and takes the bulk resistance from them', () => {
    const circuit = Circuit.parse('R0-p(R1,C1)-p(R2,CPE2)-p(R3-W3,C3)');
    const fit = fitWith(circuit, [2, 1000, 5e-12, 400, 1e-6, 0.8, 50, 1, 1e-5]);
    const arcs = fittedArcs(circuit, fit);
    expect(arcs.map((a) => [a.resistor, a.capacitor, a.assignment])).toEqual([
      ['R1', 'C1', 'bulk'],
      ['R2', 'CPE2', 'interface'],
    ]);
    expect(arcs[0]!.frequencyHz).toBeCloseTo(1 / (2 * Math.PI * 1000 * 5e-12), 0);
    expect(bulkResistance(circuit, fit)).toEqual({ resistanceOhm: 1000, from: ['R1'], fromSeriesResistance: false });
  });

  it('falls back to the series resistance when no arc is bulk, and to nothing without one', () => {
    const circuit = Circuit.parse('R0-p(R1,CPE1)-W1');
    const fit = fitWith(circuit, [15, 100, 1e-4, 0.9, 3]);
    expect(bulkResistance(circuit, fit)).toEqual({ resistanceOhm: 15, from: ['R0'], fromSeriesResistance: true });
    const noR = Circuit.parse('p(R1,CPE1)-W1');
    expect(bulkResistance(noR, fitWith(noR, [100, 1e-4, 0.9, 3]))).toBeNull();
  });
});

describe('interface potential table (SCIENCE.md section 6)', () => {
  it('gives the tabulated step and which direction it opposes', () => {
    expect(predictedInterfaceBarrier('LCO', 'LiPON', 'discharged')).toEqual({ potentialStepV: 0.61, opposes: 'discharge' });
    expect(predictedInterfaceBarrier('LCO', 'LPS', 'charged')).toEqual({ potentialStepV: -1.01, opposes: 'charge' });
    expect(predictedInterfaceBarrier('LMO', 'LLZO', 'overcharged')).toEqual({ potentialStepV: -2.62, opposes: 'charge' });
    expect(predictedBarrierFor({ cathode: 'LNMO', electrolyte: 'LPO', socPercent: 100 })).toEqual({ potentialStepV: 0.17, opposes: 'discharge' });
  });

  it('has no value for pairs or states the study did not report', () => {
    expect(predictedInterfaceBarrier('LNO', 'LPS', 'discharged')).toBeNull();
    expect(predictedInterfaceBarrier('LCO', 'LiPON', 'overcharged')).toBeNull();
    expect(predictedBarrierFor({ cathode: 'LCO', electrolyte: 'LiPON', socPercent: 50 })).toBeNull();
    const pairs = Object.values(INTERFACE_POTENTIAL_STEPS).reduce((n, byElectrolyte) => n + Object.keys(byElectrolyte).length, 0);
    expect(pairs).toBe(19);
  });
});
