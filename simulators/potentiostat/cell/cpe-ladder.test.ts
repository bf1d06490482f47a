import { describe, expect, it } from 'vitest';
import { jOmegaPower } from './complex.js';
import { CpeLadder } from './cpe-ladder.js';

describe('CpeLadder', () => {
  it.each([0.6, 0.85, 0.95])('has the admittance Q (j omega)^alpha within 1%% from 1e-6 to 1e6 rad/s (alpha %d)', (alpha) => {
    const q = 3e-6;
    const ladder = new CpeLadder(q, alpha);
    for (let exponent = -6; exponent <= 6; exponent += 0.25) {
      const omega = 10 ** exponent;
      const exact = jOmegaPower(omega, alpha);
      const approx = ladder.admittance(omega);
      const error = Math.hypot(approx.re - q * exact.re, approx.im - q * exact.im) / (q * omega ** alpha);
      expect(error, `omega = ${omega}`).toBeLessThan(0.01);
    }
  });

  /** Implicit steps of a constant current into the bare ladder; returns its voltage at the end. */
  function chargeAtConstantCurrent(ladder: CpeLadder, currentA: number, times: number[]): number[] {
    const voltages: number[] = [];
    let now = 0;
    let stepS = 1e-6;
    for (const t of times) {
      while (now < t) {
        const h = Math.min(stepS, t - now);
        const { conductanceS, sourceA } = ladder.stepCoefficients(h);
        const v = (currentA + sourceA) / conductanceS;
        ladder.completeStep(h, v);
        now += h;
        stepS = Math.max(1e-6, 0.01 * now);
        if (now >= t) voltages.push(v);
      }
    }
    return voltages;
  }

  it('charges as I t^alpha/(Q Gamma(1 + alpha)) under constant current (alpha = 1/2: Gamma = sqrt(pi)/2)', () => {
    const q = 1e-5;
    const currentA = 1e-6;
    const times = [1e-3, 1, 100, 1e4];
    const voltages = chargeAtConstantCurrent(new CpeLadder(q, 0.5), currentA, times);
    times.forEach((t, i) => {
      const exact = (currentA * Math.sqrt(t)) / (q * (Math.sqrt(Math.PI) / 2));
      expect(Math.abs(voltages[i]! / exact - 1), `t = ${t} s`).toBeLessThan(0.02);
    });
  });

  it('is a capacitor Q for alpha = 1', () => {
    const voltages = chargeAtConstantCurrent(new CpeLadder(2e-6, 1), 1e-6, [3]);
    expect(voltages[0]).toBeCloseTo((1e-6 * 3) / 2e-6, 9);
  });
});
