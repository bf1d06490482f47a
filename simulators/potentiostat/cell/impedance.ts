import { FARADAY_C_PER_MOL } from '../../../src/core/physical-constants.js';
import { add, type Complex, complex, div, inverse, jOmegaPower, mul, scale, sqrt, tanh } from './complex.js';

/** Impedance of a CPE, 1/(Q (j omega)^alpha). */
export function cpeImpedance(angularFrequencyRadPerS: number, q: number, alpha: number): Complex {
  return inverse(scale(jOmegaPower(angularFrequencyRadPerS, alpha), q));
}

/** R in parallel with a CPE: R/(1 + R Q (j omega)^alpha); its -Im peaks at omega = (R Q)^(-1/alpha). */
export function parallelResistanceCpe(angularFrequencyRadPerS: number, resistanceOhm: number, q: number, alpha: number): Complex {
  return div(complex(resistanceOhm), add(complex(1), scale(jOmegaPower(angularFrequencyRadPerS, alpha), resistanceOhm * q)));
}

/**
 * Finite spherical diffusion with a reflecting centre, for the same Fick's law
 * the time domain integrates. A small Faradaic current dI_F (anodic > 0) sets
 * the surface flux D dx/dr(R) = -dI_F V_M/(F S); the solution in the sphere
 * is dx(r) = A sinh(k r)/r with k = sqrt(j omega/D), so with z = R k
 *
 *   Z_d = dE/dI_F = -(dE/dx) V_M R/(F S D) * tanh(z)/(z - tanh(z)).
 *
 * Limits (dE/dx < 0 makes Z_d positive): for |z| >> 1 the semi-infinite Warburg
 * sigma (1 - j)/sqrt(omega) with sigma = -(dE/dx) V_M/(sqrt(2) F S sqrt(D)),
 * which is the impedance form of the GITT sqrt(t) slope
 * dE/dsqrt(t) = 2 I V_M (dE/dx)/(F S sqrt(pi D)); for |z| << 1 a resistance
 * -(dE/dx) V_M R/(5 F S D) in series with the insertion capacitance
 * F m_B/(M_B |dE/dx|) = dQ/dE (the series 3/z^2 + 1/5 - z^2/175 of the
 * ratio is used there, where z - tanh(z) cancels).
 */
export function sphericalDiffusionImpedance(
  angularFrequencyRadPerS: number,
  params: { slopeVPerX: number; molarVolumeCm3PerMol: number; radiusCm: number; areaCm2: number; diffusionCm2PerS: number },
): Complex {
  const { slopeVPerX, molarVolumeCm3PerMol, radiusCm, areaCm2, diffusionCm2PerS } = params;
  const prefactorOhm = (-slopeVPerX * molarVolumeCm3PerMol * radiusCm) / (FARADAY_C_PER_MOL * areaCm2 * diffusionCm2PerS);
  const z = scale(sqrt(complex(0, angularFrequencyRadPerS / diffusionCm2PerS)), radiusCm);
  return scale(diffusionShapeFunction(z), prefactorOhm);
}

/** tanh(z)/(z - tanh(z)). */
function diffusionShapeFunction(z: Complex): Complex {
  const zSquared = mul(z, z);
  if (Math.hypot(z.re, z.im) < 0.05) {
    return add(add(div(complex(3), zSquared), complex(0.2)), scale(zSquared, -1 / 175));
  }
  const t = tanh(z);
  return div(t, complex(z.re - t.re, z.im - t.im));
}
