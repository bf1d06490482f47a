import type { CellModel } from './types.js';

/**
 * Impedance measured in the time domain, as a galvanostatic EIS instrument
 * does: a small sine current around the present current, each step holding
 * the sine's value at the step's end (where the voltage is sampled, so a
 * resistance maps sample to sample exactly); the first `settlePeriods`
 * discarded, then the ratio of the fundamentals of voltage and current over
 * whole periods.
 */
export function lockInImpedance(
  cell: CellModel,
  frequencyHz: number,
  options: { amplitudeA: number; periods: number; settlePeriods: number; stepsPerPeriod: number },
): { re: number; im: number } {
  const { amplitudeA, periods, settlePeriods, stepsPerPeriod } = options;
  const baseA = cell.current();
  const stepS = 1 / frequencyHz / stepsPerPeriod;
  const omega = 2 * Math.PI * frequencyHz;
  let voltage = { re: 0, im: 0 };
  let current = { re: 0, im: 0 };
  for (let k = 1; k <= (settlePeriods + periods) * stepsPerPeriod; k++) {
    const phase = omega * k * stepS;
    const deltaA = amplitudeA * Math.sin(phase);
    cell.advanceGalvanostatic(stepS, baseA + deltaA);
    if (k > settlePeriods * stepsPerPeriod) {
      const v = cell.voltage();
      voltage = { re: voltage.re + v * Math.cos(phase), im: voltage.im - v * Math.sin(phase) };
      current = { re: current.re + deltaA * Math.cos(phase), im: current.im - deltaA * Math.sin(phase) };
    }
  }
  const modulus2 = current.re ** 2 + current.im ** 2;
  return {
    re: (voltage.re * current.re + voltage.im * current.im) / modulus2,
    im: (voltage.im * current.re - voltage.re * current.im) / modulus2,
  };
}
