import { describe, expect, it } from 'vitest';
import { SphereDiffusion } from './sphere-diffusion.js';
import { TransientStepper } from './transient-stepper.js';

/** Positive roots of tan(a) = a, one in each ((n) pi, (n + 1/2) pi). */
function eigenvalues(count: number): number[] {
  const roots: number[] = [];
  for (let n = 1; n <= count; n++) {
    let a = (n + 0.5) * Math.PI - 1 / ((n + 0.5) * Math.PI);
    for (let i = 0; i < 30; i++) a -= (Math.tan(a) - a) / (Math.tan(a) ** 2);
    roots.push(a);
  }
  return roots;
}
const ROOTS = eigenvalues(3000);

/**
 * Surface composition change of a sphere under a constant outward flux q from
 * a uniform start (Carslaw & Jaeger, 9.3):
 *   x_s - x0 = -(q R/D) [3 D t/R^2 + 1/5 - 2 sum exp(-a_n^2 D t/R^2)/a_n^2].
 */
function exactSurfaceChange(tS: number, fluxXCmPerS: number, radiusCm: number, diffusionCm2PerS: number): number {
  const tau = (diffusionCm2PerS * tS) / radiusCm ** 2;
  let sum = 0;
  for (const a of ROOTS) sum += Math.exp(-a * a * tau) / (a * a);
  return -((fluxXCmPerS * radiusCm) / diffusionCm2PerS) * (3 * tau + 0.2 - 2 * sum);
}

function runPulse(radiusCm: number, diffusionCm2PerS: number, fluxXCmPerS: number, times: number[]) {
  const particle = new SphereDiffusion(radiusCm, 0.5);
  const stepper = new TransientStepper();
  const surface: number[] = [];
  const mean: number[] = [];
  let now = 0;
  for (const t of times) {
    stepper.cover(t - now, (stepS) => {
      particle.beginStep(stepS, diffusionCm2PerS);
      particle.completeStep(fluxXCmPerS);
    });
    now = t;
    surface.push(particle.surfaceX() - 0.5);
    mean.push(particle.meanX() - 0.5);
  }
  return { surface, mean };
}

describe('SphereDiffusion', () => {
  const radiusCm = 10e-4;
  const diffusionCm2PerS = 2e-11;
  const fluxXCmPerS = 1e-8;
  // From the first second of a pulse to the fully developed profile (r^2/D = 5e4 s).
  const times = [1, 10, 60, 600, 5000, 50_000];

  it('follows the exact constant-flux solution of the sphere from seconds to r^2/D', () => {
    const { surface } = runPulse(radiusCm, diffusionCm2PerS, fluxXCmPerS, times);
    times.forEach((t, i) => {
      const exact = exactSurfaceChange(t, fluxXCmPerS, radiusCm, diffusionCm2PerS);
      expect(Math.abs(surface[i]! / exact - 1), `t = ${t} s`).toBeLessThan(5e-3);
    });
  });

  it('conserves the stored amount: the mean changes by -3 q t/R', () => {
    const { mean } = runPulse(radiusCm, diffusionCm2PerS, fluxXCmPerS, times);
    times.forEach((t, i) => expect(mean[i]! / ((-3 * fluxXCmPerS * t) / radiusCm)).toBeCloseTo(1, 10));
  });

  it('relaxes to a uniform composition at the mean after the flux stops', () => {
    const particle = new SphereDiffusion(radiusCm, 0.5);
    const stepper = new TransientStepper();
    stepper.cover(600, (stepS) => {
      particle.beginStep(stepS, diffusionCm2PerS);
      particle.completeStep(fluxXCmPerS);
    });
    const afterPulse = particle.meanX();
    stepper.jump();
    // Ten times r^2/D: the slowest mode decays as exp(-20.19 D t/r^2).
    stepper.cover(10 * 5e4, (stepS) => {
      particle.beginStep(stepS, diffusionCm2PerS);
      particle.completeStep(0);
    });
    expect(particle.meanX()).toBeCloseTo(afterPulse, 10);
    expect(particle.surfaceX()).toBeCloseTo(afterPulse, 9);
  });

  it('makes the surface composition linear in the flux of the step', () => {
    const particle = new SphereDiffusion(radiusCm, 0.5);
    const { freeSurfaceX, surfaceXPerFlux } = particle.beginStep(2, diffusionCm2PerS);
    particle.completeStep(3e-8);
    expect(particle.surfaceX()).toBeCloseTo(freeSurfaceX + surfaceXPerFlux * 3e-8, 14);
    expect(surfaceXPerFlux).toBeLessThan(0);
  });
});
