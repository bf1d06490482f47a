import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../core/package-root.js';
import { AnalysisError } from '../errors.js';
import type { ZieglerCoefficients } from './ziegler.js';

/**
 * The stopping tables shipped in `src/analysis/ndp/stopping/` (origin, units
 * and licence notes in its PROVENANCE.md), read once at run time from the
 * package root: the same module runs from `src/` in tests and from `dist/src/`
 * compiled, and the CSVs stay beside the sources.
 */
export const STOPPING_DATA_FOLDER = join(PACKAGE_ROOT, 'src', 'analysis', 'ndp', 'stopping');

/** One NIST table (ASTAR or PSTAR as Geant4 tabulates it): energies (MeV, whole ion) and mass stopping (MeV cm2/g) per Geant4 material name. */
export interface StoppingTable {
  readonly energyMeV: Float64Array;
  readonly columns: ReadonlyMap<string, Float64Array>;
}

export interface ElementFit {
  readonly z: number;
  readonly symbol: string;
  readonly atomicWeightGPerMol: number;
  readonly helium: ZieglerCoefficients;
  readonly proton: ZieglerCoefficients;
}

export interface StoppingData {
  /** He ions (alphas), 0.001 to 10 MeV. */
  readonly astar: StoppingTable;
  /** Protons, 0.001 to 2 MeV (tritons to 5.99 MeV). */
  readonly pstar: StoppingTable;
  /** ICRU49 / Ziegler element fits, by symbol. */
  readonly elements: ReadonlyMap<string, ElementFit>;
}

const cache = new Map<string, StoppingData>();

/** The tables of `folder` (default: the shipped ones), parsed once per folder. */
export function stoppingData(folder: string = STOPPING_DATA_FOLDER): StoppingData {
  let data = cache.get(folder);
  if (!data) {
    data = {
      astar: parseStoppingTable(readFileSync(join(folder, 'astar_alpha.csv'), 'utf8'), 'astar_alpha.csv'),
      pstar: parseStoppingTable(readFileSync(join(folder, 'pstar_proton.csv'), 'utf8'), 'pstar_proton.csv'),
      elements: parseElementFits(readFileSync(join(folder, 'icru49_element_fits.csv'), 'utf8'), 'icru49_element_fits.csv'),
    };
    cache.set(folder, data);
  }
  return data;
}

function rowsOf(text: string, file: string): { header: string[]; rows: string[][] } {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 3) throw new AnalysisError(`${file}: fewer than two data rows`, 'INVALID_INPUT', { file });
  const header = lines[0]!.split(',').map((h) => h.trim());
  const rows = lines.slice(1).map((line, k) => {
    const cells = line.split(',').map((c) => c.trim());
    if (cells.length !== header.length) throw new AnalysisError(`${file}: row ${k + 2} has ${cells.length} cells, the header ${header.length}`, 'INVALID_INPUT', { file });
    return cells;
  });
  return { header, rows };
}

function numberAt(cell: string, file: string, row: number, column: string): number {
  const value = Number(cell);
  if (cell === '' || !Number.isFinite(value)) throw new AnalysisError(`${file}: row ${row}, ${column}: "${cell}" is not a number`, 'INVALID_INPUT', { file });
  return value;
}

/** `energy_MeV,<material>,...`: energies strictly increasing, every stopping value > 0. */
export function parseStoppingTable(text: string, file: string): StoppingTable {
  const { header, rows } = rowsOf(text, file);
  if (header[0] !== 'energy_MeV') throw new AnalysisError(`${file}: the first column must be energy_MeV`, 'INVALID_INPUT', { file });
  const energyMeV = Float64Array.from(rows, (r, k) => numberAt(r[0]!, file, k + 2, 'energy_MeV'));
  for (let k = 1; k < energyMeV.length; k++) {
    if (!(energyMeV[k]! > energyMeV[k - 1]! && energyMeV[k - 1]! > 0)) throw new AnalysisError(`${file}: energies must be > 0 and increasing (row ${k + 2})`, 'INVALID_INPUT', { file });
  }
  const columns = new Map<string, Float64Array>();
  header.slice(1).forEach((name, c) => {
    const values = Float64Array.from(rows, (r, k) => numberAt(r[c + 1]!, file, k + 2, name));
    if (values.some((v) => !(v > 0))) throw new AnalysisError(`${file}: ${name} has a stopping value <= 0`, 'INVALID_INPUT', { file });
    columns.set(name, values);
  });
  return { energyMeV, columns };
}

function parseElementFits(text: string, file: string): Map<string, ElementFit> {
  const { header, rows } = rowsOf(text, file);
  const expected = ['z', 'symbol', 'atomic_weight_g_per_mol', 'he_a1', 'he_a2', 'he_a3', 'he_a4', 'he_a5', 'h_a1', 'h_a2', 'h_a3', 'h_a4', 'h_a5'];
  if (header.join(',') !== expected.join(',')) throw new AnalysisError(`${file}: expected the columns ${expected.join(',')}`, 'INVALID_INPUT', { file });
  const elements = new Map<string, ElementFit>();
  rows.forEach((r, k) => {
    const n = (c: number) => numberAt(r[c]!, file, k + 2, expected[c]!);
    const five = (from: number): ZieglerCoefficients => [n(from), n(from + 1), n(from + 2), n(from + 3), n(from + 4)];
    elements.set(r[1]!, { z: n(0), symbol: r[1]!, atomicWeightGPerMol: n(2), helium: five(3), proton: five(8) });
  });
  return elements;
}
