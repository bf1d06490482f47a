import { EisError } from './errors.js';

/**
 * An impedance spectrum: Z(f) = zRe + j zIm in ohm, with the convention of
 * impedance.py that a capacitive response has zIm < 0.
 */
export interface ImpedanceSpectrum {
  readonly frequencyHz: Float64Array;
  readonly zRe: Float64Array;
  readonly zIm: Float64Array;
}

/** Throws an EisError unless the three arrays have equal length, at least `minPoints` points, and finite values with f > 0. */
export function assertValidSpectrum(spectrum: ImpedanceSpectrum, minPoints = 1): void {
  const { frequencyHz, zRe, zIm } = spectrum;
  const n = frequencyHz.length;
  if (zRe.length !== n || zIm.length !== n) {
    throw new EisError(`spectrum arrays differ in length (frequency ${n}, Z' ${zRe.length}, Z'' ${zIm.length})`, 'EIS_DATA');
  }
  if (n < minPoints) throw new EisError(`spectrum has ${n} points, at least ${minPoints} are needed`, 'EIS_DATA', { points: n, minPoints });
  for (let i = 0; i < n; i++) {
    if (!(frequencyHz[i]! > 0) || !Number.isFinite(frequencyHz[i]!)) {
      throw new EisError(`point ${i}: frequency ${frequencyHz[i]} Hz is not a positive finite number`, 'EIS_DATA', { index: i });
    }
    if (!Number.isFinite(zRe[i]!) || !Number.isFinite(zIm[i]!)) {
      throw new EisError(`point ${i} (${frequencyHz[i]} Hz): impedance ${zRe[i]} + j(${zIm[i]}) ohm is not finite`, 'EIS_DATA', { index: i });
    }
  }
}

/** The spectrum without its inductive points (zIm > 0). */
export function withoutInductivePoints(spectrum: ImpedanceSpectrum): ImpedanceSpectrum {
  const keep: number[] = [];
  for (let i = 0; i < spectrum.zIm.length; i++) if (!(spectrum.zIm[i]! > 0)) keep.push(i);
  const pick = (a: Float64Array) => Float64Array.from(keep, (i) => a[i]!);
  return { frequencyHz: pick(spectrum.frequencyHz), zRe: pick(spectrum.zRe), zIm: pick(spectrum.zIm) };
}

/** Angular frequencies omega = 2 pi f (rad/s). */
export function angularFrequencies(frequencyHz: Float64Array): Float64Array {
  return frequencyHz.map((f) => 2 * Math.PI * f);
}
