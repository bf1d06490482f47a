import { describe, expect, it } from 'vitest';
import { createCell } from './create-cell.js';
import { cellPresetNames, type CellPresetName } from './types.js';

const F = 96485.332;

describe('createCell', () => {
  it.each(cellPresetNames)('creates %s at rest at its initial temperature', (preset) => {
    const cell = createCell(preset);
    expect(cell.parameters.preset).toBe(preset);
    expect(cell.current()).toBe(0);
    expect(cell.temperatureK()).toBe(cell.parameters.initialTemperatureK);
    expect(cell.voltage()).toBeCloseTo(cell.openCircuitVoltage(), 12);
    expect(Object.isFrozen(cell.parameters)).toBe(true);
  });

  it('derives the area, capacity, Rct and Cdl of an insertion electrode from its mass, molar data and radius', () => {
    const p = createCell('LixV2O5').parameters;
    // S = 3 V/r with V = m V_M/M.
    expect(p.areaCm2).toBeCloseTo((3 * p.massG * p.molarVolumeCm3PerMol) / p.molarMassGPerMol / p.particleRadiusCm, 12);
    // V2O5 takes 2 Li: 294 mAh/g.
    expect(p.theoreticalCapacityMAh / p.massG).toBeCloseTo((2 * F) / 3.6 / p.molarMassGPerMol, 9);
    expect(p.theoreticalCapacityMAh / p.massG).toBeGreaterThan(290);
    expect(p.capacityPerUnitXMAh * (p.xMax - p.xMin)).toBeCloseTo(p.theoreticalCapacityMAh, 12);
    expect(p.chargeTransferResistanceOhm).toBeCloseTo((8.314462 * p.referenceTemperatureK) / F / (p.exchangeCurrentDensityACm2 * p.areaCm2), 9);
    expect(p.doubleLayerCapacitanceF).toBeCloseTo(p.doubleLayerCapacitanceFPerCm2 * p.areaCm2, 15);
  });

  it('recomputes derived parameters from overrides (half the radius, twice the area)', () => {
    const base = createCell('NMC532').parameters;
    const small = createCell('NMC532', { particleRadiusCm: base.particleRadiusCm / 2, initialX: 0.5 }).parameters;
    expect(small.areaCm2 / base.areaCm2).toBeCloseTo(2, 12);
    expect(small.chargeTransferResistanceOhm / base.chargeTransferResistanceOhm).toBeCloseTo(0.5, 12);
    expect(small.initialX).toBe(0.5);
    expect(createCell('NMC532', { initialX: 0.5 }).composition()).toBeCloseTo(0.5, 12);
  });

  it('puts defaults in the published ranges and the Weppner-Huggins regime for 10 min pulses', () => {
    const v2o5 = createCell('LixV2O5').parameters;
    const nmc = createCell('NMC532').parameters;
    expect(v2o5.diffusionCm2PerS).toBeCloseTo(2e-11, 15);
    expect(nmc.diffusionCm2PerS).toBeGreaterThanOrEqual(1e-11);
    expect(nmc.diffusionCm2PerS).toBeLessThanOrEqual(1.4e-10);
    for (const p of [v2o5, nmc]) expect((600 * p.diffusionCm2PerS) / p.particleRadiusCm ** 2).toBeLessThan(0.02);
  });

  it.each([
    ['CELL_PARAMETER_UNKNOWN', 'LixV2O5', { thicknessCm: 0.1 }],
    ['CELL_PARAMETER_UNKNOWN', 'LAGP-pellet', { diffusionCm2PerS: 1e-11 }],
    ['CELL_PARAMETER_READONLY', 'LixV2O5', { areaCm2: 3 }],
    ['CELL_PARAMETER_READONLY', 'LAGP-pellet', { bulkConductivityPrefactorSKPerCm: 1 }],
    ['CELL_PARAMETER_READONLY', 'NMC532', { kind: 'blocking-pellet' }],
    ['CELL_PARAMETER_INVALID', 'LixV2O5', { particleRadiusCm: -1e-4 }],
    ['CELL_PARAMETER_INVALID', 'LixV2O5', { initialX: 2 }],
    ['CELL_PARAMETER_INVALID', 'NMC532', { transferCoefficient: 1 }],
    ['CELL_PARAMETER_INVALID', 'NMC532', { ocv: { offsetV: 4, slopeVPerX: 0.1, steps: [] } }],
    ['CELL_PARAMETER_INVALID', 'LAGP-pellet', { electrodeCpeAlpha: 1.2 }],
    ['CELL_PARAMETER_INVALID', 'LAGP-pellet', { bulkConductivitySPerCm: Number.NaN }],
  ] as const)('rejects with %s: %s %o', (code, preset, overrides) => {
    expect(() => createCell(preset as CellPresetName, overrides as never)).toThrow(expect.objectContaining({ code }));
  });

  it('rejects an unknown preset with CELL_PRESET_UNKNOWN', () => {
    expect(() => createCell('LiFePO4' as CellPresetName)).toThrow(expect.objectContaining({ code: 'CELL_PRESET_UNKNOWN' }));
  });
});
