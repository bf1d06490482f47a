import { CellModelError } from './errors.js';
import { InsertionCell } from './insertion-cell.js';
import { LiPlatingCell } from './li-plating-cell.js';
import type { OcvCurveParameters } from './ocv.js';
import { PelletCell } from './pellet-cell.js';
import {
  deriveInsertionParameters,
  derivePelletParameters,
  type InsertionInputs,
  insertionDerivedKeys,
  insertionPresets,
  liPlatingPresets,
  type PelletInputs,
  pelletDerivedKeys,
  pelletPresets,
} from './presets.js';
import type {
  CellModel,
  CellParameters,
  CellPresetName,
  InsertionCellParameters,
  InsertionPresetName,
  LiPlatingCellParameters,
  LiPlatingPresetName,
  PelletCellParameters,
  PelletPresetName,
} from './types.js';

/**
 * A cell of a preset, with some parameters replaced. Derived parameters (area,
 * capacity, Rct, Cdl in F, the conductivity prefactor) follow from the
 * others and cannot be overridden; everything is checked for physical range.
 */
export function createCell(preset: InsertionPresetName, overrides?: Partial<InsertionCellParameters>): InsertionCell;
export function createCell(preset: PelletPresetName, overrides?: Partial<PelletCellParameters>): PelletCell;
export function createCell(preset: LiPlatingPresetName, overrides?: Partial<LiPlatingCellParameters>): LiPlatingCell;
export function createCell(preset: CellPresetName, overrides?: Partial<CellParameters>): CellModel;
export function createCell(preset: CellPresetName, overrides: Partial<CellParameters> = {}): CellModel {
  if (isInsertionPreset(preset)) {
    const inputs = merge(insertionPresets[preset], overrides, insertionDerivedKeys);
    validateInsertion(inputs);
    return new InsertionCell(Object.freeze(deriveInsertionParameters(inputs)));
  }
  if (isPelletPreset(preset)) {
    const inputs = merge(pelletPresets[preset], overrides, pelletDerivedKeys);
    validatePellet(inputs);
    return new PelletCell(Object.freeze(derivePelletParameters(inputs)));
  }
  if (isLiPlatingPreset(preset)) {
    const inputs = merge(liPlatingPresets[preset], overrides, []);
    validateLiPlating(inputs);
    return new LiPlatingCell(Object.freeze(inputs));
  }
  throw new CellModelError(`no cell preset "${String(preset)}"`, 'CELL_PRESET_UNKNOWN', { preset });
}

function isInsertionPreset(preset: string): preset is InsertionPresetName {
  return Object.hasOwn(insertionPresets, preset);
}

function isPelletPreset(preset: string): preset is PelletPresetName {
  return Object.hasOwn(pelletPresets, preset);
}

function isLiPlatingPreset(preset: string): preset is LiPlatingPresetName {
  return Object.hasOwn(liPlatingPresets, preset);
}

function merge<T extends { kind: string; preset: string }>(defaults: T, overrides: object, derivedKeys: readonly string[]): T {
  for (const key of Object.keys(overrides)) {
    if (key === 'kind' || key === 'preset' || derivedKeys.includes(key)) {
      throw new CellModelError(`"${key}" is ${derivedKeys.includes(key) ? 'derived from other parameters' : 'fixed by the preset'}`, 'CELL_PARAMETER_READONLY', { key, preset: defaults.preset });
    }
    if (!Object.hasOwn(defaults, key)) {
      throw new CellModelError(`preset "${defaults.preset}" has no parameter "${key}"`, 'CELL_PARAMETER_UNKNOWN', { key, preset: defaults.preset });
    }
  }
  return { ...defaults, ...overrides };
}

/** Allowed ranges, with how an error message names them. */
const RANGES = {
  positive: { test: (v: number) => v > 0, text: '> 0' },
  'non-negative': { test: (v: number) => v >= 0, text: '>= 0' },
  'open-unit': { test: (v: number) => v > 0 && v < 1, text: 'in (0, 1)' },
  'cpe-exponent': { test: (v: number) => v > 0 && v <= 1, text: 'in (0, 1]' },
} as const;
type Range = keyof typeof RANGES;

function check(name: string, value: unknown, range: Range): void {
  if (typeof value === 'number' && Number.isFinite(value) && RANGES[range].test(value)) return;
  throw new CellModelError(`${name} must be a finite number ${RANGES[range].text}, got ${String(value)}`, 'CELL_PARAMETER_INVALID', { [name]: value });
}

function checkAll<T>(inputs: T, ranges: { [K in keyof T]?: Range }): void {
  for (const [name, range] of Object.entries(ranges) as [keyof T & string, Range][]) check(name, inputs[name], range);
}

function validateInsertion(p: InsertionInputs): void {
  checkAll(p, {
    massG: 'positive',
    molarMassGPerMol: 'positive',
    molarVolumeCm3PerMol: 'positive',
    particleRadiusCm: 'positive',
    diffusionCm2PerS: 'positive',
    diffusionActivationEnergyEv: 'non-negative',
    exchangeCurrentDensityACm2: 'positive',
    chargeTransferActivationEnergyEv: 'non-negative',
    transferCoefficient: 'open-unit',
    doubleLayerCapacitanceFPerCm2: 'positive',
    seriesResistanceOhm: 'positive',
    seriesActivationEnergyEv: 'non-negative',
    grainBoundaryResistanceOhm: 'non-negative',
    grainBoundaryActivationEnergyEv: 'non-negative',
    grainBoundaryCpeQ: 'positive',
    grainBoundaryCpeAlpha: 'cpe-exponent',
    referenceTemperatureK: 'positive',
    initialTemperatureK: 'positive',
  });
  if (!(Number.isFinite(p.xMin) && Number.isFinite(p.xMax) && p.xMin < p.initialX && p.initialX < p.xMax)) {
    throw new CellModelError(`need xMin < initialX < xMax, got ${p.xMin}, ${p.initialX}, ${p.xMax}`, 'CELL_PARAMETER_INVALID', {
      xMin: p.xMin,
      initialX: p.initialX,
      xMax: p.xMax,
    });
  }
  validateOcv(p.ocv);
}

/** The OCV must fall monotonically (see OcvCurve) for the potentiostatic solve to be unique. */
function validateOcv(ocv: OcvCurveParameters): void {
  check('ocv.offsetV', ocv.offsetV, 'positive');
  if (!(Number.isFinite(ocv.slopeVPerX) && ocv.slopeVPerX <= 0)) {
    throw new CellModelError(`ocv.slopeVPerX must be <= 0, got ${ocv.slopeVPerX}`, 'CELL_PARAMETER_INVALID', { slopeVPerX: ocv.slopeVPerX });
  }
  ocv.steps.forEach((step, i) => {
    check(`ocv.steps[${i}].heightV`, step.heightV, 'non-negative');
    check(`ocv.steps[${i}].widthX`, step.widthX, 'positive');
    if (!Number.isFinite(step.centerX)) {
      throw new CellModelError(`ocv.steps[${i}].centerX must be finite`, 'CELL_PARAMETER_INVALID', { centerX: step.centerX });
    }
  });
}

function validatePellet(p: PelletInputs): void {
  checkAll(p, {
    thicknessCm: 'positive',
    areaCm2: 'positive',
    bulkConductivitySPerCm: 'positive',
    bulkActivationEnergyEv: 'non-negative',
    bulkCpeQ: 'positive',
    bulkCpeAlpha: 'cpe-exponent',
    grainBoundaryResistanceOhm: 'positive',
    grainBoundaryActivationEnergyEv: 'non-negative',
    grainBoundaryCpeQ: 'positive',
    grainBoundaryCpeAlpha: 'cpe-exponent',
    electrodeCpeQ: 'positive',
    electrodeCpeAlpha: 'cpe-exponent',
    seriesResistanceOhm: 'positive',
    referenceTemperatureK: 'positive',
    initialTemperatureK: 'positive',
  });
}

function validateLiPlating(p: LiPlatingCellParameters): void {
  checkAll(p, {
    areaCm2: 'positive',
    exchangeCurrentDensityACm2: 'positive',
    seriesResistanceOhm: 'positive',
    doubleLayerCapacitanceFPerCm2: 'positive',
    nucleationOverpotentialV: 'non-negative',
    nucleationChargeMahPerCm2: 'positive',
    bareCollectorRestV: 'positive',
    collectorOxidationV: 'positive',
    leakResistanceOhm: 'positive',
    initialLiMahPerCm2: 'non-negative',
    electrolyteLiPerCm3: 'non-negative',
    referenceTemperatureK: 'positive',
    initialTemperatureK: 'positive',
  });
  for (const name of ['sideReactionFraction', 'inactiveFractionPerCycle'] as const) {
    if (!(p[name] >= 0 && p[name] < 1)) throw new CellModelError(`${name} must be in [0, 1), got ${p[name]}`, 'CELL_PARAMETER_INVALID', { [name]: p[name] });
  }
  check('depositRelativeDensity', p.depositRelativeDensity, 'cpe-exponent');
}
