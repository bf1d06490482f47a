import { ELEMENTARY_CHARGE_C } from '../../core/physical-constants.js';
import type { NdpProfilePoint } from './reduce.js';

/** The start of a phase of an operando plating/stripping run (`run.phases`). */
export interface PhaseMark {
  readonly cycle: number;
  /** initial-rest, plating, rest-after-plating, stripping, rest-after-stripping, end. */
  readonly phase: string;
  readonly atNs: bigint;
}

/** What one reduced spectrum says, with when it was counted. */
export interface SpectrumLi {
  readonly startNs: bigint;
  readonly endNs: bigint;
  readonly arealDensityLiPerCm2: { readonly value: number; readonly stderr: number };
  /** Depth of the deposit's far face (nm), see `depositThicknessNm`; null when the profile shows none. */
  readonly thicknessNm: number | null;
  /** Left out of every result: counted under a low neutron monitor, or not reducible. */
  readonly excluded: boolean;
}

/** One potentiostat sample: the current then (A, positive = stripping, anodic at the Cu). */
export interface CurrentSample {
  readonly atNs: bigint;
  readonly currentA: number;
}

export interface CycleLi {
  readonly index: number;
  /** Li areal density at the end of plating minus at its start (NDP, within the probed depth). */
  readonly platedLiPerCm2: number | null;
  /** At the end of plating minus at the end of stripping. */
  readonly strippedLiPerCm2: number | null;
  /** stripped / plated, from NDP. */
  readonly liEfficiency: number | null;
  /** Stripping charge / plating charge, from the potentiostat. */
  readonly coulombicEfficiency: number | null;
  /** CE - Li efficiency: charge of reactions that move no Li (negative when side reactions eat plating charge). */
  readonly ceMinusLiEfficiency: number | null;
  /** Li left on the electrode after this cycle's stripping, beyond what was there before the first plating: inactive ("dead") Li and SEI. */
  readonly inactiveLiPerCm2: number | null;
  readonly platingChargeC: number;
  readonly strippingChargeC: number;
  /** The plating charge as Li (one Li per electron): what a plating without side reactions would have deposited. */
  readonly platingChargeAsLiPerCm2: number;
  /** Deposit thickness at the end of plating (nm), from the profiles of the rest after it. */
  readonly depositThicknessNm: number | null;
  /** Spectra that measured each state. */
  readonly spectra: { readonly beforePlating: number; readonly afterPlating: number; readonly afterStripping: number };
  readonly warnings: string[];
}

/**
 * Per cycle of an operando plating/stripping run (SCIENCE.md 5): the Li
 * areal density of each rest (the weighted mean of the spectra counted wholly
 * inside it; excluded spectra left out) gives the plated and stripped Li and
 * the Li efficiency; the current samples of the plating and stripping phases
 * give the charges and the Coulombic efficiency. Cycles whose last rest has
 * not ended yet are left out.
 */
export function liEfficiencyByCycle(phases: readonly PhaseMark[], spectra: readonly SpectrumLi[], current: readonly CurrentSample[], areaCm2: number): CycleLi[] {
  const spans = phaseSpans(phases);
  const initial = spans.find((s) => s.phase === 'initial-rest');
  const initialLi = initial ? restLi(initial, spectra) : null;
  const cycles: CycleLi[] = [];
  for (let k = 1; ; k++) {
    const plating = spans.find((s) => s.cycle === k && s.phase === 'plating');
    const afterPlating = spans.find((s) => s.cycle === k && s.phase === 'rest-after-plating');
    const stripping = spans.find((s) => s.cycle === k && s.phase === 'stripping');
    const afterStripping = spans.find((s) => s.cycle === k && s.phase === 'rest-after-stripping');
    if (!plating || !afterPlating || !stripping || !afterStripping || afterStripping.toNs === null) break;
    const before = k === 1 ? initial : spans.find((s) => s.cycle === k - 1 && s.phase === 'rest-after-stripping');
    const warnings: string[] = [];
    const liBefore = before ? restLi(before, spectra) : null;
    const liPlated = restLi(afterPlating, spectra);
    const liStripped = restLi(afterStripping, spectra);
    for (const [name, state] of [['before plating', liBefore], ['after plating', liPlated], ['after stripping', liStripped]] as const) {
      if (!state) warnings.push(`no spectrum counted wholly inside the rest ${name}: the Li of that state is unknown`);
    }
    const platingChargeC = charge(plating, current);
    const strippingChargeC = charge(stripping, current);
    const plated = liBefore && liPlated ? liPlated.value - liBefore.value : null;
    const stripped = liPlated && liStripped ? liPlated.value - liStripped.value : null;
    const liEfficiency = plated !== null && stripped !== null && plated > 0 ? stripped / plated : null;
    if (plated !== null && !(plated > 0)) warnings.push('no Li was plated by NDP: no Li efficiency');
    const coulombicEfficiency = platingChargeC > 0 ? strippingChargeC / platingChargeC : null;
    cycles.push({
      index: k,
      platedLiPerCm2: plated,
      strippedLiPerCm2: stripped,
      liEfficiency,
      coulombicEfficiency,
      ceMinusLiEfficiency: liEfficiency !== null && coulombicEfficiency !== null ? coulombicEfficiency - liEfficiency : null,
      inactiveLiPerCm2: liStripped && initialLi ? liStripped.value - initialLi.value : null,
      platingChargeC,
      strippingChargeC,
      platingChargeAsLiPerCm2: platingChargeC / (ELEMENTARY_CHARGE_C * areaCm2),
      depositThicknessNm: liPlated?.thicknessNm ?? null,
      spectra: { beforePlating: liBefore?.spectra ?? 0, afterPlating: liPlated?.spectra ?? 0, afterStripping: liStripped?.spectra ?? 0 },
      warnings,
    });
  }
  return cycles;
}

interface PhaseSpan {
  readonly cycle: number;
  readonly phase: string;
  readonly fromNs: bigint;
  /** The next phase's start; null while the phase goes on. */
  readonly toNs: bigint | null;
}

function phaseSpans(phases: readonly PhaseMark[]): PhaseSpan[] {
  const sorted = [...phases].sort((a, b) => (a.atNs < b.atNs ? -1 : a.atNs > b.atNs ? 1 : 0));
  return sorted.map((p, i) => ({ cycle: p.cycle, phase: p.phase, fromNs: p.atNs, toNs: sorted[i + 1]?.atNs ?? null }));
}

/** The inverse-variance weighted mean of the spectra counted wholly inside a rest, with the mean thickness they show. */
function restLi(span: PhaseSpan, spectra: readonly SpectrumLi[]): { value: number; stderr: number; thicknessNm: number | null; spectra: number } | null {
  let weightSum = 0;
  let weighted = 0;
  let thicknessSum = 0;
  let thicknessCount = 0;
  let count = 0;
  for (const s of spectra) {
    if (s.excluded || s.startNs < span.fromNs || (span.toNs !== null && s.endNs > span.toNs)) continue;
    const { value, stderr } = s.arealDensityLiPerCm2;
    if (!Number.isFinite(value)) continue;
    const weight = stderr > 0 ? 1 / (stderr * stderr) : 1;
    weightSum += weight;
    weighted += weight * value;
    count++;
    if (s.thicknessNm !== null) {
      thicknessSum += s.thicknessNm;
      thicknessCount++;
    }
  }
  if (count === 0) return null;
  return { value: weighted / weightSum, stderr: Math.sqrt(1 / weightSum), thicknessNm: thicknessCount > 0 ? thicknessSum / thicknessCount : null, spectra: count };
}

/** |charge| passed during a phase (C): each sample's current over the time since the previous sample (or the phase start). */
function charge(span: PhaseSpan, current: readonly CurrentSample[]): number {
  let coulombs = 0;
  let previousNs = span.fromNs;
  for (const sample of current) {
    if (sample.atNs <= span.fromNs || (span.toNs !== null && sample.atNs > span.toNs)) continue;
    if (Number.isFinite(sample.currentA)) coulombs += Math.abs(sample.currentA) * (Number(sample.atNs - previousNs) / 1e9);
    previousNs = sample.atNs;
  }
  return coulombs;
}

/**
 * The depth of a deposit's far face (nm): where the profile, smoothed over
 * three points, falls below half its maximum beyond the maximum (the edge of a
 * layer blurred by the detector's resolution sits at half height). Null when
 * the profile holds no Li; the low Li of an electrolyte beyond stays below
 * half height and does not move it.
 */
export function depositThicknessNm(profile: readonly NdpProfilePoint[]): number | null {
  const n = profile.length;
  if (n === 0) return null;
  const smooth = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    let m = 0;
    for (let j = Math.max(0, i - 1); j <= Math.min(n - 1, i + 1); j++) {
      sum += profile[j]!.liPerCm3;
      m++;
    }
    smooth[i] = sum / m;
  }
  let peak = 0;
  for (let i = 1; i < n; i++) if (smooth[i]! > smooth[peak]!) peak = i;
  const half = smooth[peak]! / 2;
  if (!(half > 0)) return null;
  for (let i = peak + 1; i < n; i++) {
    if (smooth[i]! < half) {
      // Between the last point above half height and this one.
      const a = profile[i - 1]!.depthNm;
      const b = profile[i]!.depthNm;
      const fa = smooth[i - 1]!;
      const fb = smooth[i]!;
      return a + ((fa - half) / (fa - fb)) * (b - a);
    }
  }
  return profile[n - 1]!.depthNm;
}
