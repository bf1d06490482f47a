import { extent } from '../../core/extent.js';
import type { Circuit } from './circuit.js';
import type { CircuitNode } from './circuit-parser.js';
import type { ParameterKind } from './elements.js';
import type { ImpedanceSpectrum } from './spectrum.js';

/**
 * Initial guesses read from the spectrum itself: the high-frequency intercept
 * for series resistances, the arcs of -Z'' (apex frequency and height) for
 * the parallel blocks, the low-frequency tail for diffusion and capacitive
 * elements, the inductive high-frequency tail for L.
 */

/** An arc of the Nyquist plot seen as a peak of -Z'' against frequency. */
export interface Arc {
  readonly omega: number;
  readonly resistanceOhm: number;
}

export interface SpectrumFeatures {
  readonly omegaMin: number;
  readonly omegaMax: number;
  readonly maxModulusOhm: number;
  /** Z' where Z'' changes sign at the high-frequency end, else Z' at the highest frequency */
  readonly highFrequencyResistanceOhm: number;
  /** Z' at the lowest frequency */
  readonly lowFrequencyResistanceOhm: number;
  /** -Z'' at the lowest frequency (0 when that point is inductive) */
  readonly lowFrequencyReactanceOhm: number;
  /** Z''/omega at the highest frequency when that point is inductive, else 0 */
  readonly inductanceH: number;
  /** peaks of -Z'' by decreasing prominence */
  readonly arcs: readonly Arc[];
}

/** A peak of -Z'' must stand out by this fraction of the largest -Z'' to count as an arc. */
const MIN_PROMINENCE = 0.02;
/** Apex height of an R||C arc is R/2; depressed (CPE) arcs are flatter, hence the guess R = 2.3 h. */
const ARC_DIAMETER_PER_HEIGHT = 2.3;
/** Default CPE exponent for a guess: a slightly depressed arc. */
const ALPHA_GUESS = 0.85;

export function spectrumFeatures(spectrum: ImpedanceSpectrum): SpectrumFeatures {
  const n = spectrum.frequencyHz.length;
  // Points by decreasing frequency.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => spectrum.frequencyHz[b]! - spectrum.frequencyHz[a]!);
  const omega = order.map((i) => 2 * Math.PI * spectrum.frequencyHz[i]!);
  const re = order.map((i) => spectrum.zRe[i]!);
  const im = order.map((i) => spectrum.zIm[i]!);
  const omegaMax = omega[0]!;
  const omegaMin = omega[n - 1]!;
  let maxModulusOhm = 0;
  for (let i = 0; i < n; i++) maxModulusOhm = Math.max(maxModulusOhm, Math.hypot(re[i]!, im[i]!));

  let highFrequencyResistanceOhm = re[0]!;
  for (let i = 0; i + 1 < n; i++) {
    if (im[i]! >= 0 && im[i + 1]! < 0) {
      const t = im[i]! / (im[i]! - im[i + 1]!);
      highFrequencyResistanceOhm = re[i]! + t * (re[i + 1]! - re[i]!);
      break;
    }
    if (im[i]! < 0) break;
  }
  const inductanceH = im[0]! > 0 ? im[0]! / omegaMax : 0;

  const y = im.map((v) => -v);
  const yMax = Math.max(0, extent(y)?.max ?? 0);
  const arcs: (Arc & { prominence: number })[] = [];
  for (let i = 0; i < n; i++) {
    const v = y[i]!;
    if (!(v > 0)) continue;
    if ((i > 0 && y[i - 1]! >= v) || (i + 1 < n && y[i + 1]! > v)) continue;
    // Prominence: height above the higher of the lowest points on either side before a higher point.
    let leftMin = v;
    for (let k = i - 1; k >= 0 && y[k]! <= v; k--) leftMin = Math.min(leftMin, y[k]!);
    let rightMin = v;
    for (let k = i + 1; k < n && y[k]! <= v; k++) rightMin = Math.min(rightMin, y[k]!);
    const edge = i === 0 || i === n - 1;
    const base = Math.max(i === 0 ? 0 : leftMin, i === n - 1 ? 0 : rightMin);
    const prominence = edge ? 0 : v - Math.max(0, base);
    if (prominence >= MIN_PROMINENCE * yMax) arcs.push({ omega: omega[i]!, resistanceOhm: ARC_DIAMETER_PER_HEIGHT * prominence, prominence });
  }
  arcs.sort((a, b) => b.prominence - a.prominence);

  return {
    omegaMin,
    omegaMax,
    maxModulusOhm,
    highFrequencyResistanceOhm,
    lowFrequencyResistanceOhm: re[n - 1]!,
    lowFrequencyReactanceOhm: Math.max(0, y[n - 1]!),
    inductanceH,
    arcs: arcs.map(({ omega: w, resistanceOhm }) => ({ omega: w, resistanceOhm })),
  };
}

/**
 * The arcs for `count` parallel blocks, from high to low frequency: the most
 * prominent detected arcs, completed by arcs at evenly spread log-frequencies
 * sharing the resistance not yet accounted for.
 */
export function arcsForBlocks(features: SpectrumFeatures, count: number): Arc[] {
  return arcPlacements(features, count)[0] ?? [];
}

/** Decades beyond the window's edge where an arc the window only shows the side of is put. */
const BEYOND_WINDOW_DECADES = 1;

/**
 * Ways to give `count` parallel blocks their arcs, each from high to low
 * frequency; the first is `arcsForBlocks`'s. The detected arcs take the
 * evenly spread slots nearest them; when fewer arcs are detected than there
 * are blocks, the others are placed in every combination of the free slots
 * and of a decade beyond either end of the window: a pellet's bulk arc above
 * 1 MHz, or a process below the lowest frequency, shows only its side, no
 * peak of -Z'' to detect, and a filler inside the window sends the fit to a
 * minimum that stretches a CPE over both.
 */
export function arcPlacements(features: SpectrumFeatures, count: number): Arc[][] {
  if (count === 0) return [[]];
  const logMax = Math.log(features.omegaMax);
  const logMin = Math.log(features.omegaMin);
  const slotLog = (k: number) => logMax + ((k + 0.5) / count) * (logMin - logMax);
  const taken = new Array<boolean>(count).fill(false);
  const detected = features.arcs.slice(0, count);
  for (const arc of detected) {
    let best = -1;
    for (let k = 0; k < count; k++) {
      if (taken[k]) continue;
      if (best < 0 || Math.abs(slotLog(k) - Math.log(arc.omega)) < Math.abs(slotLog(best) - Math.log(arc.omega))) best = k;
    }
    taken[best] = true;
  }
  const span = Math.max(features.lowFrequencyResistanceOhm - features.highFrequencyResistanceOhm, 0.05 * features.maxModulusOhm);
  const assigned = detected.reduce((s, a) => s + a.resistanceOhm, 0);
  const missing = count - detected.length;
  const share = Math.max(span - assigned, 0.1 * span) / Math.max(missing, 1);
  const beyond = BEYOND_WINDOW_DECADES * Math.LN10;
  const above = logMax + beyond;
  const positions = [...taken.flatMap((t, k) => (t ? [] : [slotLog(k)])), above, logMin - beyond];
  // An arc above the window holds the high-frequency intercept (the series
  // resistance of the circuit, if any, shares it); the others share what is left.
  const resistanceAt = (log: number) => (log === above ? Math.max(0.5 * features.highFrequencyResistanceOhm, 0.01 * features.maxModulusOhm) : share);
  const placements: Arc[][] = [];
  const seen = new Set<string>();
  // Combinations of `missing` distinct positions, the evenly spread slots first.
  const choose = (from: number, chosen: number[]): void => {
    if (chosen.length === missing) {
      const fillers = chosen.map((log) => ({ omega: Math.exp(log), resistanceOhm: resistanceAt(log) }));
      const arcs = [...detected, ...fillers].sort((a, b) => b.omega - a.omega);
      const key = arcs.map((a) => a.omega.toPrecision(6)).join();
      if (!seen.has(key)) (seen.add(key), placements.push(arcs));
      return;
    }
    for (let i = from; i < positions.length; i++) choose(i + 1, [...chosen, positions[i]!]);
  };
  choose(0, []);
  return placements;
}

/**
 * A guess for every parameter of `circuit`. `arcs` gives the arc of each
 * top-level parallel block in order of appearance (default: `arcsForBlocks`);
 * `features`, the spectrum's when already computed.
 */
export function initialGuess(circuit: Circuit, spectrum: ImpedanceSpectrum, arcs?: readonly Arc[], features?: SpectrumFeatures): number[] {
  const f = features ?? spectrumFeatures(spectrum);
  const top = circuit.root.kind === 'series' ? circuit.root.children : [circuit.root];
  const blocks = top.filter((node) => node.kind !== 'element');
  const blockArcs = arcs ?? arcsForBlocks(f, blocks.length);
  const omegaGeo = Math.sqrt(f.omegaMin * f.omegaMax);
  const span = Math.max(f.lowFrequencyResistanceOhm - f.highFrequencyResistanceOhm, 0.05 * f.maxModulusOhm);
  const arcTotal = blockArcs.reduce((s, a) => s + a.resistanceOhm, 0);
  const diffusionOhm = Math.max(span - arcTotal, 0.1 * span);
  const tailReactance = Math.max(f.lowFrequencyReactanceOhm, 0.01 * f.maxModulusOhm);
  const seriesResistors = top.filter((node) => node.kind === 'element' && node.type === 'R').length;

  const values = new Map<string, number>();
  const guessElement = (node: Extract<CircuitNode, { kind: 'element' }>, arc: Arc | null): void => {
    const name = node.name;
    const set = (suffix: string, v: number) => values.set(suffix === '' ? name : `${name}_${suffix}`, v);
    switch (node.type) {
      case 'R':
        set('', arc ? arc.resistanceOhm : Math.max(f.highFrequencyResistanceOhm, 0.01 * f.maxModulusOhm) / Math.max(seriesResistors, 1));
        return;
      case 'C':
        set('', arc ? 1 / (arc.omega * arc.resistanceOhm) : 1 / (f.omegaMin * tailReactance));
        return;
      case 'L':
        set('', f.inductanceH > 0 ? f.inductanceH : (1e-3 * f.maxModulusOhm) / f.omegaMax);
        return;
      case 'CPE':
        set('0', arc ? 1 / (arc.resistanceOhm * arc.omega ** ALPHA_GUESS) : Math.sin((ALPHA_GUESS * Math.PI) / 2) / (tailReactance * f.omegaMin ** ALPHA_GUESS));
        set('1', ALPHA_GUESS);
        return;
      case 'W':
        // About half of the low-frequency reactance, or comparable to the arc at its apex.
        set('', arc ? 0.5 * arc.resistanceOhm * Math.sqrt(arc.omega) : 0.5 * tailReactance * Math.sqrt(f.omegaMin));
        return;
      case 'Wo':
      case 'Ws':
        set('0', arc ? Math.max(diffusionOhm, arc.resistanceOhm) : diffusionOhm);
        set('1', 1 / f.omegaMin);
        return;
      case 'G':
        set('0', arc ? arc.resistanceOhm : 0.5 * span);
        set('1', 1 / (arc ? arc.omega : omegaGeo));
        return;
    }
  };
  const visit = (node: CircuitNode, arc: Arc | null): void => {
    if (node.kind === 'element') guessElement(node, arc);
    else for (const child of node.children) visit(child, arc);
  };
  let b = 0;
  for (const node of top) visit(node, node.kind === 'element' ? null : (blockArcs[b++] ?? null));

  return circuit.parameters.map((p) => sanitize(values.get(p.name)!, p.kind, f));
}

/** A positive finite guess even from degenerate spectra, on the scale of the data. */
function sanitize(v: number, kind: ParameterKind, f: SpectrumFeatures): number {
  if (v > 0 && Number.isFinite(v)) return kind === 'cpe-alpha' ? Math.min(v, 1) : v;
  const zScale = f.maxModulusOhm > 0 ? f.maxModulusOhm : 1;
  const omegaGeo = Math.sqrt(f.omegaMin * f.omegaMax);
  switch (kind) {
    case 'resistance':
      return 0.1 * zScale;
    case 'capacitance':
    case 'cpe-q':
      return 1 / (omegaGeo * zScale);
    case 'inductance':
      return (1e-3 * zScale) / f.omegaMax;
    case 'cpe-alpha':
      return ALPHA_GUESS;
    case 'warburg':
      return 0.1 * zScale * Math.sqrt(omegaGeo);
    case 'time-constant':
      return 1 / omegaGeo;
  }
}
