import type { Circuit } from './circuit.js';
import type { CircuitNode } from './circuit-parser.js';
import { EisError } from './errors.js';
import type { CircuitFitResult } from './fit.js';
import { predictedInterfaceBarrier, stateOfChargeFromPercent, type Cathode, type Electrolyte, type PredictedBarrier } from './interface-potentials.js';

/** Pellet or film geometry: thickness L along the current, electrode area A. */
export interface CellGeometry {
  readonly thicknessCm: number;
  readonly areaCm2: number;
}

/** Ionic conductivity sigma = L / (R A) in S/cm. */
export function conductivitySPerCm(resistanceOhm: number, geometry: CellGeometry): number {
  positive('resistance', resistanceOhm, 'ohm');
  positive('thickness', geometry.thicknessCm, 'cm');
  positive('area', geometry.areaCm2, 'cm2');
  return geometry.thicknessCm / (resistanceOhm * geometry.areaCm2);
}

/** Effective capacitance of R || CPE (Brug / Hsu-Mansfeld form): C = Q^(1/alpha) R^((1-alpha)/alpha), in F. */
export function effectiveCapacitanceF(resistanceOhm: number, q: number, alpha: number): number {
  positive('resistance', resistanceOhm, 'ohm');
  positive('CPE Q', q, 'F s^(a-1)');
  if (!(alpha > 0 && alpha <= 1)) throw new EisError(`CPE alpha = ${alpha} must be in (0, 1]`, 'EIS_PARAMETER', { alpha });
  return q ** (1 / alpha) * resistanceOhm ** ((1 - alpha) / alpha);
}

/** Area-specific resistance R A / interfaces (ohm cm2); a symmetric cell has two interfaces. */
export function interfaceResistanceOhmCm2(resistanceOhm: number, areaCm2: number, interfaces = 1): number {
  positive('resistance', resistanceOhm, 'ohm');
  positive('area', areaCm2, 'cm2');
  if (!Number.isInteger(interfaces) || interfaces < 1) throw new EisError(`interfaces = ${interfaces} must be a positive integer`, 'EIS_PARAMETER');
  return (resistanceOhm * areaCm2) / interfaces;
}

export type ArcAssignment = 'bulk' | 'grain-boundary' | 'interface';

/**
 * Decade thresholds after Irvine, Sinclair & West (Adv. Mater. 2 (1990) 132),
 * whose ranges are for a cell constant L/A = 1 cm^-1: bulk ~1e-12 F, grain
 * boundary 1e-11 to 1e-8 F, surface layers and electrode interfaces 1e-7 F
 * and above. The boundaries sit between those ranges.
 */
export const BULK_MAX_F = 1e-10;
export const GRAIN_BOUNDARY_MAX_F = 1e-7;

/**
 * The process an arc's capacitance points to. With a geometry the capacitance
 * is first normalised to a cell constant of 1 cm^-1 (C L/A), so a thin film
 * and a thick pellet of the same material are judged alike.
 */
export function assignArc(capacitanceF: number, geometry?: CellGeometry): ArcAssignment {
  positive('capacitance', capacitanceF, 'F');
  const normalised = geometry ? (capacitanceF * geometry.thicknessCm) / geometry.areaCm2 : capacitanceF;
  if (normalised < BULK_MAX_F) return 'bulk';
  if (normalised < GRAIN_BOUNDARY_MAX_F) return 'grain-boundary';
  return 'interface';
}

/** An R || C or R || CPE block of a fitted circuit, with what its capacitance says it is. */
export interface FittedArc {
  /** the resistor's name, e.g. `R1` */
  readonly resistor: string;
  /** the capacitive element's name, e.g. `CPE1` */
  readonly capacitor: string;
  readonly resistanceOhm: number;
  readonly capacitanceF: number;
  /** characteristic frequency 1/(2 pi R C) */
  readonly frequencyHz: number;
  readonly assignment: ArcAssignment;
}

/**
 * The arcs of a fit: parallel blocks of exactly one resistor and one C or CPE
 * (`p(R1,CPE1)`), the form whose capacitance has a meaning. Other blocks
 * (`p(R2-Wo1,C2)`) are left out.
 */
export function fittedArcs(circuit: Circuit, fit: CircuitFitResult, geometry?: CellGeometry): FittedArc[] {
  const value = (name: string) => {
    const p = fit.parameters.find((q) => q.name === name);
    if (!p) throw new EisError(`fit has no parameter ${name}: it is not a fit of ${circuit.text}`, 'EIS_PARAMETER', { name });
    return p.value;
  };
  const arcs: FittedArc[] = [];
  const visit = (node: CircuitNode): void => {
    if (node.kind === 'element') return;
    node.children.forEach(visit);
    if (node.kind !== 'parallel' || node.children.length !== 2) return;
    const r = node.children.find((c) => c.kind === 'element' && c.type === 'R');
    const cap = node.children.find((c) => c.kind === 'element' && (c.type === 'C' || c.type === 'CPE'));
    if (r?.kind !== 'element' || cap?.kind !== 'element') return;
    const resistanceOhm = value(r.name);
    const capacitanceF = cap.type === 'C' ? value(cap.name) : effectiveCapacitanceF(resistanceOhm, value(`${cap.name}_0`), value(`${cap.name}_1`));
    arcs.push({
      resistor: r.name,
      capacitor: cap.name,
      resistanceOhm,
      capacitanceF,
      frequencyHz: 1 / (2 * Math.PI * resistanceOhm * capacitanceF),
      assignment: assignArc(capacitanceF, geometry),
    });
  };
  visit(circuit.root);
  return arcs;
}

/** What the bulk resistance of a fit was taken from. */
export interface BulkResistance {
  readonly resistanceOhm: number;
  /** the resistor(s) summed */
  readonly from: readonly string[];
  /** true when no arc had a bulk capacitance and the series resistance stood in */
  readonly fromSeriesResistance: boolean;
}

/**
 * The bulk resistance for a conductivity: the arcs assigned to the bulk, or,
 * when the bulk arc lies above the measured frequencies (the usual case for
 * pellets below ~1 MHz), the resistors in series at the top level of the
 * circuit. Null when the circuit has neither.
 */
export function bulkResistance(circuit: Circuit, fit: CircuitFitResult, geometry?: CellGeometry): BulkResistance | null {
  const bulk = fittedArcs(circuit, fit, geometry).filter((a) => a.assignment === 'bulk');
  if (bulk.length > 0) {
    return { resistanceOhm: bulk.reduce((s, a) => s + a.resistanceOhm, 0), from: bulk.map((a) => a.resistor), fromSeriesResistance: false };
  }
  const top = circuit.root.kind === 'series' ? circuit.root.children : [circuit.root];
  const series = top.filter((n): n is Extract<CircuitNode, { kind: 'element' }> => n.kind === 'element' && n.type === 'R').map((n) => n.name);
  if (series.length === 0) return null;
  const total = series.reduce((s, name) => s + fit.parameters.find((p) => p.name === name)!.value, 0);
  return { resistanceOhm: total, from: series, fromSeriesResistance: true };
}

/** A sample record's cathode, electrolyte and SOC (percent), for the tabulated interface barrier. */
export interface SampleInterface {
  readonly cathode: Cathode;
  readonly electrolyte: Electrolyte;
  readonly socPercent: number;
}

/** The predicted barrier to put next to a measured interface resistance, or null when not tabulated. */
export function predictedBarrierFor(sample: SampleInterface): PredictedBarrier | null {
  const soc = stateOfChargeFromPercent(sample.socPercent);
  return soc === null ? null : predictedInterfaceBarrier(sample.cathode, sample.electrolyte, soc);
}

function positive(what: string, v: number, unit: string): void {
  if (!(v > 0) || !Number.isFinite(v)) throw new EisError(`${what} = ${v} ${unit} must be positive and finite`, 'EIS_PARAMETER', { [what]: v });
}
