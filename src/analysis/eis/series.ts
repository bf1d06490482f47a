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
 *
 * A held fit has fewer free parameters but not a simpler landscape: a warm
 * sweep whose grain-boundary arc has left the window offers a minimum with
 * that arc's R near zero and the bulk taking all (the pellet's 340 K sweep on
 * the README's lab file: a chi-square 200 times the right one's, bulk sigma
 * 14 % low). So each held fit also starts from the sweeps fitted before it,
 * nearest the anchor first: their resistances carried over by how the top of
 * the window moved (see neighbourStarts), and the lowest cost wins. A held fit
 * that still misses its spectrum far more than the series' fits typically do
 * is flagged (`flag`), not silently counted.
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
  /** rms of |Z - Z_fit| / |Z| over the sweep's points (a fraction of |Z|) */
  readonly rmsRelativeMisfit: number;
  /** why this sweep's values are not to be trusted (its held fit misses far more than the series' typically do); null when nothing says so */
  readonly flag: string | null;
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
  const position = new Map(sweeps.map((s) => [s, Math.log(topImpedanceOhm(s.spectrum))]));
  const anchor = sweeps.reduce((a, b) => (position.get(b)! > position.get(a)! ? b : a));
  const anchorFit = cached(`free/${anchor.key}`, () => fitCircuit(circuit, anchor.spectrum, { weighting: options.weighting }));
  const anchorArcs = fittedArcs(circuit, anchorFit, options.geometry);
  const value = (name: string) => anchorFit.parameters.find((p) => p.name === name)!.value;
  const held: Record<string, number> = {};
  for (const arc of anchorArcs) {
    const element = circuit.parameters.filter((p) => p.element === arc.capacitor);
    for (const p of element) held[p.name] = value(p.name);
  }
  const heldKey = JSON.stringify(held);
  // Nearest the anchor first, so every held fit has fitted sweeps on the anchor's side to start from.
  const fits = new Map<SeriesSweep, CircuitFitResult>([[anchor, anchorFit]]);
  const distance = (s: SeriesSweep) => Math.abs(position.get(s)! - position.get(anchor)!);
  for (const sweep of sweeps.filter((s) => s !== anchor).sort((a, b) => distance(a) - distance(b))) {
    const heldFit = (start: Readonly<Record<string, number>> | null) => () =>
      fitCircuit(circuit, sweep.spectrum, { weighting: options.weighting, fixed: held, ...(start && { initialGuess: start, localOnly: true }) });
    let best = cached(`held/${sweep.key}/${heldKey}`, heldFit(null));
    const fitted = [...fits].map(([s, fit]) => ({ position: position.get(s)!, fit }));
    for (const start of neighbourStarts(circuit, held, position.get(sweep)!, fitted)) {
      const fit = cached(`held/${sweep.key}/${heldKey}/${JSON.stringify(start)}`, heldFit(start));
      if (fit.chiSquare < best.chiSquare) best = fit;
    }
    fits.set(sweep, best);
  }
  const misfit = new Map(sweeps.map((s) => [s, rmsRelativeMisfit(circuit, fits.get(s)!, s.spectrum)]));
  const typicalMisfit = lowerMedian([...misfit.values()]);
  // A bulk arc above the anchor's window shows only its low-frequency side,
  // which a series resistance in front of it imitates: the two are not told
  // apart (the anchor's fit may give either the whole), so the bulk counts
  // both in every sweep, leads and contacts (a few ohm) included.
  const anchorTop = extent(anchor.spectrum.frequencyHz)!.max;
  const bulkAbove = anchorArcs.some((a) => a.assignment === 'bulk' && a.frequencyHz > anchorTop);
  const top = circuit.root.kind === 'series' ? circuit.root.children : [circuit.root];
  const seriesResistors = top.flatMap((n) => (n.kind === 'element' && n.type === 'R' ? [n.name] : []));
  const out = sweeps.map((sweep): SeriesSweepFit => {
    const fit = fits.get(sweep)!;
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
    const own = misfit.get(sweep)!;
    // Only a held fit is judged: the anchor's is a free search and sets the CPEs the others hold.
    const flag =
      sweep !== anchor && own ** 2 > OUTLIER_COST_RATIO * typicalMisfit ** 2
        ? `the fit with the CPEs of sweep ${anchor.key} misses this sweep by ${percent(own)} of |Z| (rms) where the series' fits typically miss by ${percent(typicalMisfit)}: ` +
          'a wrong minimum or a spectrum the circuit does not describe; its resistances are not to be trusted'
        : null;
    return { key: sweep.key, fit, arcs, frequencyRangeHz: [range.min, range.max], resistanceOhm, notes, rmsRelativeMisfit: own, flag };
  });
  return { anchor: anchor.key, held, sweeps: out };
}

/**
 * A held fit whose mean squared misfit (relative to |Z|) is more than this
 * many times the series' typical one (rms: sqrt(10), about 3) is flagged.
 * Right fits of sweeps measured alike stay well within it (the simulated
 * pellet at 50 mV: chi-square 2.0e-5 to 6.5e-5 per sweep over 230 seeds, a
 * factor 3.3), and the pellet's wrong minimum stands 200-300 times above.
 */
const OUTLIER_COST_RATIO = 10;
/** Two sweeps whose top |Z| differ by less than this (in ln |Z|) do not set a slope of ln R against it. */
const MIN_POSITION_SPAN = 0.05;
/**
 * The slope of ln R against ln |Z_top| is the ratio of the process's
 * activation energy to that of what dominates |Z_top| (the bulk); beyond 4
 * it is noise in a resistance the sweeps do not determine.
 */
const MAX_SLOPE = 4;

/**
 * Starts for a held fit at `position` (ln |Z_top|, which moves as 1/T does for
 * a thermally activated sample, as each ln R does) from the fits of the two
 * fitted sweeps nearest it: each one's free values with every resistance
 * scaled as |Z_top| (slope 1), and, when the two lie apart, every ln R on the
 * line through both (an Arrhenius extrapolation with each resistance's own
 * activation energy, measured in that of |Z_top|).
 */
function neighbourStarts(circuit: Circuit, held: Readonly<Record<string, number>>, position: number, fitted: readonly { position: number; fit: CircuitFitResult }[]): Record<string, number>[] {
  const nearest = [...fitted].sort((a, b) => Math.abs(a.position - position) - Math.abs(b.position - position)).slice(0, 2);
  const isResistance = new Set(circuit.parameters.filter((p) => p.kind === 'resistance').map((p) => p.name));
  const start = (from: { position: number; fit: CircuitFitResult }, slope: (name: string) => number) =>
    Object.fromEntries(
      from.fit.parameters
        .filter((p) => held[p.name] === undefined)
        .map((p) => [p.name, isResistance.has(p.name) ? p.value * Math.exp(slope(p.name) * (position - from.position)) : p.value]),
    );
  const starts = nearest.map((n) => start(n, () => 1));
  const [a, b] = nearest;
  if (a && b && Math.abs(a.position - b.position) > MIN_POSITION_SPAN) {
    const valueOf = (fit: CircuitFitResult, name: string) => fit.parameters.find((p) => p.name === name)!.value;
    const slope = (name: string) => Math.min(MAX_SLOPE, Math.max(0, Math.log(valueOf(a.fit, name) / valueOf(b.fit, name)) / (a.position - b.position)));
    starts.push(start(a, slope));
  }
  return starts;
}

/** rms over the points of |Z - Z_fit| / |Z|: a misfit that compares sweeps of different |Z|, whatever the fit's weighting. */
function rmsRelativeMisfit(circuit: Circuit, fit: CircuitFitResult, spectrum: ImpedanceSpectrum): number {
  const model = circuit.impedance(
    fit.parameters.map((p) => p.value),
    spectrum.frequencyHz,
  );
  let sum = 0;
  for (let i = 0; i < spectrum.frequencyHz.length; i++) {
    const dRe = spectrum.zRe[i]! - model.zRe[i]!;
    const dIm = spectrum.zIm[i]! - model.zIm[i]!;
    sum += (dRe * dRe + dIm * dIm) / (spectrum.zRe[i]! ** 2 + spectrum.zIm[i]! ** 2);
  }
  return Math.sqrt(sum / spectrum.frequencyHz.length);
}

/** The lower of the two middle values for an even count: with two sweeps, the better fit is the reference. */
function lowerMedian(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[(sorted.length - 1) >> 1]!;
}

function percent(fraction: number): string {
  return `${(100 * fraction).toPrecision(2)} %`;
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
