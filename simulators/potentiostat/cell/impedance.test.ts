import { describe, expect, it } from 'vitest';
import { cpeImpedance, parallelResistanceCpe, sphericalDiffusionImpedance } from './impedance.js';

const F = 96485.332;
// A LixV2O5-like particle set: dE/dx = -0.2 V, V_M = 54 cm3/mol, r = 10 um, S = 4.5 cm2, D = 2e-11 cm2/s.
const particle = { slopeVPerX: -0.2, molarVolumeCm3PerMol: 54, radiusCm: 1e-3, areaCm2: 4.5, diffusionCm2PerS: 2e-11 };
/** The angular frequency at which z = r sqrt(omega/D) has modulus m. */
const omegaAt = (m: number) => (m / particle.radiusCm) ** 2 * particle.diffusionCm2PerS;

describe('sphericalDiffusionImpedance', () => {
  it('is the semi-infinite Warburg sigma (1 - j)/sqrt(omega) at high frequency', () => {
    const sigma = (-particle.slopeVPerX * particle.molarVolumeCm3PerMol) / (Math.SQRT2 * F * particle.areaCm2 * Math.sqrt(particle.diffusionCm2PerS));
    const omega = omegaAt(1e4);
    const z = sphericalDiffusionImpedance(omega, particle);
    // Next term of the expansion is relative 1/|z|: 1e-4.
    expect(z.re / (sigma / Math.sqrt(omega))).toBeCloseTo(1, 3);
    expect(-z.im / (sigma / Math.sqrt(omega))).toBeCloseTo(1, 3);
  });

  it('is R_d = |dE/dx| V_M r/(5 F S D) in series with the insertion capacitance F n/|dE/dx| at low frequency', () => {
    const omega = omegaAt(1e-3);
    const z = sphericalDiffusionImpedance(omega, particle);
    const rdOhm = (-particle.slopeVPerX * particle.molarVolumeCm3PerMol * particle.radiusCm) / (5 * F * particle.areaCm2 * particle.diffusionCm2PerS);
    // Host amount n = V/V_M with V = S r/3.
    const hostMol = (particle.areaCm2 * particle.radiusCm) / 3 / particle.molarVolumeCm3PerMol;
    const insertionCapacitanceF = (F * hostMol) / -particle.slopeVPerX;
    expect(z.re / rdOhm).toBeCloseTo(1, 5);
    expect(-z.im * omega * insertionCapacitanceF).toBeCloseTo(1, 5);
  });

  it('is continuous where the small-|z| series takes over', () => {
    const below = sphericalDiffusionImpedance(omegaAt(0.05 * (1 - 1e-9)), particle);
    const above = sphericalDiffusionImpedance(omegaAt(0.05 * (1 + 1e-9)), particle);
    expect(below.re / above.re).toBeCloseTo(1, 6);
    expect(below.im / above.im).toBeCloseTo(1, 6);
  });

  it('goes from a 45 degree line to a vertical capacitive line as frequency falls', () => {
    const phaseDeg = (m: number) => {
      const z = sphericalDiffusionImpedance(omegaAt(m), particle);
      return (Math.atan2(-z.im, z.re) * 180) / Math.PI;
    };
    expect(phaseDeg(1e3)).toBeCloseTo(45, 0);
    expect(phaseDeg(1)).toBeGreaterThan(45);
    expect(phaseDeg(1e-2)).toBeGreaterThan(89);
  });
});

describe('parallelResistanceCpe and cpeImpedance', () => {
  it('has its -Im maximum, of R/2 tan(alpha pi/4), at omega = (R Q)^(-1/alpha)', () => {
    const [r, q, alpha] = [100, 1e-6, 0.8];
    const omega0 = (r * q) ** (-1 / alpha);
    const peak = parallelResistanceCpe(omega0, r, q, alpha);
    expect(-peak.im).toBeCloseTo((r / 2) * Math.tan((alpha * Math.PI) / 4), 9);
    for (const factor of [0.9, 1.1]) expect(-parallelResistanceCpe(omega0 * factor, r, q, alpha).im).toBeLessThan(-peak.im);
  });

  it('is R at low frequency and 0 at high frequency', () => {
    expect(parallelResistanceCpe(1e-9, 100, 1e-6, 0.9).re).toBeCloseTo(100, 3);
    expect(Math.hypot(parallelResistanceCpe(1e12, 100, 1e-6, 0.9).re, parallelResistanceCpe(1e12, 100, 1e-6, 0.9).im)).toBeLessThan(1e-3);
  });

  it('gives a CPE of constant phase -alpha 90 degrees and modulus 1/(Q omega^alpha)', () => {
    for (const omega of [1e-2, 1, 1e4]) {
      const z = cpeImpedance(omega, 2e-6, 0.85);
      expect(Math.atan2(z.im, z.re)).toBeCloseTo((-0.85 * Math.PI) / 2, 12);
      expect(Math.hypot(z.re, z.im) * 2e-6 * omega ** 0.85).toBeCloseTo(1, 12);
    }
  });
});
