import { extent } from '../../core/extent.js';
import type { Circuit } from './circuit.js';
import { fittedArcs, type ArcAssignment, type CellGeometry, type FittedArc } from './derived.js';
import { fitCircuit, type CircuitFitResult, type Weighting } from './fit.js';
import type { ImpedanceSpectrum } from './spectrum.js';

/**
 * Spectra of one sample across a series (temperatures of a VT run) fitted so
 * that each arc stays the same process in every sweep.
 *
 * Why: a sweep alone cannot always tell its arcs apart. A pellet's bulk arc
 * lies above 1 MHz and, as it warms, the grain-boundary arc follows it out of
 * the window; fitted alone, a warm sweep's arcs trade resistance and
 * capacitance freely, so the same arc is "bulk" at one temperature and "grain
 * boundary" at the next, and an Arrhenius plot mixes the two.
 *
 * How: a process keeps its capacitance across temperatures (bulk: the
 * geometric capacitance of the dielectric; grain boundary: that of the
 * boundary layers), while its resistance, and with it its relaxation
 * frequency, moves. The anchor is the sweep whose arcs lie lowest in
 * frequency, the one with the highest impedance at the top of the window
 * (the coldest of a thermally activated sample); its fit, searched as any
 * sweep's, sets the CPE (Q, alpha) of every R || CPE block. Every other sweep
 * is fitted with those held, so a block's effective capacitance (Brug) varies
 * only through R^((1-alpha)/alpha) and its arc is the same process whatever
 * the temperature: the assignment is that of the anchor's arc. An arc whose
 * relaxation frequency lies outside a sweep's measured window is said so,
 * with the window: its resistance then comes from the side of the arc the
 * window shows, with the capacitance of the anchor.
 */

export interface SeriesSweep {
  /** the caller's key for the sweep (a VT step, a sweep index) */
  readonly key: number;
  readonly spectrum: ImpedanceSpectrum;
}

export type WindowPosition = 'inside' | 'above' | 'below';

export interface SeriesArc extends FittedArc {
  /** where the arc's relaxation frequency lies against the sweep's measured frequencies */
  readonly window: WindowPosition;
}

export interface SeriesSweepFit {
  readonly key: number;
  readonly fit: CircuitFitResult;
  readonly arcs: readonly SeriesArc[];
  /** [lowest, highest] measured frequency (Hz) */
  readonly frequencyRangeHz: readonly [number, number];
  /**
   * summed resistance (ohm) of the arcs of each process, by the anchor's
   * assignment; the bulk includes the circuit's series resistance when the
   * anchor's bulk arc lies above its window
   */
  readonly resistanceOhm: Readonly<Partial<Record<ArcAssignment, number>>>;
  /** arcs outside the window, and anything else to know about this sweep's values */
  readonly notes: readonly string[];
}

export interface SeriesFit {
  /** key of the sweep whose CPEs the others hold */
  readonly anchor: number;
  /** the CPE parameters held, by name */
  readonly held: Readonly<Record<string, number>>;
  readonly sweeps: readonly SeriesSweepFit[];
}

export interface SeriesFitOptions {
  readonly weighting: Weighting;
  readonly geometry?: CellGeometry;
  /** fits already computed, by key: a live series refits only what changed */
  readonly cache?: Map<string, CircuitFitResult>;
}

export function fitSeries(circuit: Circuit, sweeps: readonly SeriesSweep[], options: SeriesFitOptions): SeriesFit | null {
  if (sweeps.length === 0) return null;
  const cache = options.cache ?? new Map<string, CircuitFitResult>();
  const cached = (key: string, run: () => CircuitFitResult) => {
    const hit = cache.get(key);
    if (hit) return hit;
    const fit = run();
    cache.set(key, fit);
    return fit;
  };
  const anchor = sweeps.reduce((a, b) => (topImpedanceOhm(b.spectrum) > topImpedanceOhm(a.spectrum) ? b : a));
  const anchorFit = cached(`free/${anchor.key}`, () => fitCircuit(circuit, anchor.spectrum, { weighting: options.weighting }));
  const anchorArcs = fittedArcs(circuit, anchorFit, options.geometry);
  const value = (name: string) => anchorFit.parameters.find((p) => p.name === name)!.value;
  const held: Record<string, number> = {};
  for (const arc of anchorArcs) {
    const element = circuit.parameters.filter((p) => p.element === arc.capacitor);
    for (const p of element) held[p.name] = value(p.name);
  }
  const heldKey = JSON.stringify(held);
  // A bulk arc above the anchor's window shows only its low-frequency side,
  // which a series resistance in front of it imitates: the two are not told
  // apart (the anchor's fit may give either the whole), so the bulk counts
  // both in every sweep, leads and contacts (a few ohm) included.
  const anchorTop = extent(anchor.spectrum.frequencyHz)!.max;
  const bulkAbove = anchorArcs.some((a) => a.assignment === 'bulk' && a.frequencyHz > anchorTop);
  const top = circuit.root.kind === 'series' ? circuit.root.children : [circuit.root];
  const seriesResistors = top.flatMap((n) => (n.kind === 'element' && n.type === 'R' ? [n.name] : []));
  const out = sweeps.map((sweep): SeriesSweepFit => {
    const fit = sweep === anchor ? anchorFit : cached(`held/${sweep.key}/${heldKey}`, () => fitCircuit(circuit, sweep.spectrum, { weighting: options.weighting, fixed: held }));
    const range = extent(sweep.spectrum.frequencyHz)!;
    const assignmentOf = new Map(anchorArcs.map((a) => [a.resistor, a.assignment]));
    const arcs = fittedArcs(circuit, fit, options.geometry).map((arc): SeriesArc => {
      const window: WindowPosition = arc.frequencyHz > range.max ? 'above' : arc.frequencyHz < range.min ? 'below' : 'inside';
      return { ...arc, assignment: assignmentOf.get(arc.resistor) ?? arc.assignment, window };
    });
    const resistanceOhm: Partial<Record<ArcAssignment, number>> = {};
    for (const arc of arcs) resistanceOhm[arc.assignment] = (resistanceOhm[arc.assignment] ?? 0) + arc.resistanceOhm;
    if (bulkAbove && resistanceOhm.bulk !== undefined) resistanceOhm.bulk += seriesResistors.reduce((sum, name) => sum + fit.parameters.find((p) => p.name === name)!.value, 0);
    const notes = arcs
      .filter((a) => a.window !== 'inside')
      .map(
        (a) =>
          `${a.assignment} arc (${a.resistor}) relaxes at ${formatHz(a.frequencyHz)}, ${a.window} the measured window ${formatHz(range.min)} to ${formatHz(range.max)}: ` +
          `its R comes from the side of the arc the window shows${sweep === anchor ? '' : `, with the CPE of sweep ${anchor.key}`}`,
      );
    return { key: sweep.key, fit, arcs, frequencyRangeHz: [range.min, range.max], resistanceOhm, notes };
  });
  return { anchor: anchor.key, held, sweeps: out };
}

/** |Z| at the highest measured frequency: highest for the sweep whose arcs lie lowest in frequency. */
function topImpedanceOhm(spectrum: ImpedanceSpectrum): number {
  let top = 0;
  for (let i = 1; i < spectrum.frequencyHz.length; i++) if (spectrum.frequencyHz[i]! > spectrum.frequencyHz[top]!) top = i;
  return Math.hypot(spectrum.zRe[top]!, spectrum.zIm[top]!);
}

function formatHz(hz: number): string {
  const units: [number, string][] = [
    [1e9, 'GHz'],
    [1e6, 'MHz'],
    [1e3, 'kHz'],
    [1, 'Hz'],
    [1e-3, 'mHz'],
  ];
  const [scale, unit] = units.find(([s]) => hz >= s) ?? [1e-3, 'mHz'];
  return `${(hz / scale).toPrecision(3)} ${unit}`;
}
