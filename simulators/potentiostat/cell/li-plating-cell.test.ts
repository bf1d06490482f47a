import { describe, expect, it } from 'vitest';
import { createCell } from './create-cell.js';
import { DENSE_LI_PER_CM3, LI_PER_CM2_PER_MAH_PER_CM2, type LiPlatingCell } from './li-plating-cell.js';

const MA = 1e-3;
/** Seconds for 1 mAh at 1 mA. */
const HOUR_S = 3600;

/** Runs the cell at constant current in 10 s steps until `untilS` or until the voltage leaves `stopAboveV`; returns seconds run and voltages. */
function run(cell: LiPlatingCell, currentA: number, untilS: number, stopAboveV = Infinity): { seconds: number; volts: number[] } {
  const volts: number[] = [];
  let seconds = 0;
  while (seconds < untilS) {
    cell.advanceGalvanostatic(10, currentA);
    seconds += 10;
    volts.push(cell.voltage());
    if (cell.voltage() > stopAboveV) break;
  }
  return { seconds, volts };
}

describe('Li plating on Cu (the cell of operando NDP)', () => {
  it('plates with a nucleation dip and then a steady overpotential, depositing the charge less the side reactions', () => {
    const cell = createCell('Li-on-Cu');
    const p = cell.parameters;
    expect(cell.voltage()).toBeCloseTo(p.bareCollectorRestV, 6);
    const { volts } = run(cell, -1 * MA, HOUR_S);
    // Steady plating: symmetric Butler-Volmer at 1 mA on 1 mA/cm2 of i0, plus I R_s.
    const eta = ((2 * 8.314462 * 298.15) / 96485.332) * Math.asinh(-1 / 2);
    expect(volts.at(-1)!).toBeCloseTo(eta - 1 * MA * p.seriesResistanceOhm, 4);
    // The first points are lower: the nuclei need their overpotential first.
    expect(volts[0]!).toBeLessThan(volts.at(-1)! - 0.01);
    const deposit = cell.deposit();
    expect(deposit.activeLiPerCm2 / LI_PER_CM2_PER_MAH_PER_CM2).toBeCloseTo(1 - p.sideReactionFraction, 3);
    // A porous deposit of 0.95 mAh/cm2 at 60 % density: about 7.7 um.
    expect(deposit.layers).toHaveLength(1);
    const thicknessCm = deposit.layers[0]!.toNm * 1e-7;
    expect(thicknessCm * deposit.layers[0]!.liPerCm3).toBeCloseTo(deposit.activeLiPerCm2, -14);
    expect(deposit.layers[0]!.liPerCm3).toBeCloseTo(p.depositRelativeDensity * DENSE_LI_PER_CM3, -18);
  });

  it('strips the active Li only: Li efficiency 1 - inactive, Coulombic efficiency (1 - inactive)(1 - side reactions); the voltage shoots up when it runs out', () => {
    const cell = createCell('Li-on-Cu');
    const p = cell.parameters;
    run(cell, -1 * MA, HOUR_S);
    const plated = cell.deposit().activeLiPerCm2;
    const { seconds, volts } = run(cell, 1 * MA, 2 * HOUR_S, 1.0);
    const strippedMah = (seconds * 1 * MA) / 3.6;
    // Stripping ends within one 10 s step of the active Li running out.
    expect(strippedMah).toBeCloseTo((1 - p.inactiveFractionPerCycle) * (1 - p.sideReactionFraction), 2);
    expect(volts.at(-1)!).toBeGreaterThan(1.0);
    expect(volts.at(-3)!).toBeLessThan(0.1);
    // Held further, it goes no higher than the Cu's own oxidation.
    run(cell, 1 * MA, 600);
    expect(cell.voltage()).toBeCloseTo(p.collectorOxidationV + 1 * MA * p.seriesResistanceOhm, 6);
    const deposit = cell.deposit();
    expect(deposit.activeLiPerCm2).toBe(0);
    expect(deposit.inactiveLiPerCm2 / plated).toBeCloseTo(p.inactiveFractionPerCycle, 9);
    // The inactive Li stays as a layer against the collector.
    expect(deposit.layers).toEqual([{ fromNm: 0, toNm: expect.any(Number), liPerCm3: p.depositRelativeDensity * DENSE_LI_PER_CM3 }]);
  });

  it('stacks the inactive Li of each cycle against the collector and the new deposit on it', () => {
    const cell = createCell('Li-on-Cu', { inactiveFractionPerCycle: 0.3, sideReactionFraction: 0 });
    for (let cycle = 0; cycle < 3; cycle++) {
      run(cell, -1 * MA, HOUR_S / 2);
      run(cell, 1 * MA, HOUR_S, 1.0);
    }
    const mahPerCycle = 0.5;
    expect(cell.deposit().inactiveLiPerCm2 / LI_PER_CM2_PER_MAH_PER_CM2).toBeCloseTo(3 * 0.3 * mahPerCycle, 2);
    run(cell, -1 * MA, HOUR_S / 2);
    const [inactive, active] = cell.deposit().layers;
    expect(active!.fromNm).toBe(inactive!.toNm);
    expect(active!.toNm - active!.fromNm).toBeGreaterThan(inactive!.toNm - inactive!.fromNm);
  });

  it('drifts back to the bare-Cu rest potential at open circuit once no Li is left, and sits at 0 V with Li on it', () => {
    const cell = createCell('Li-on-Cu');
    run(cell, -1 * MA, HOUR_S / 4);
    cell.rest(60);
    expect(cell.voltage()).toBe(0);
    run(cell, 1 * MA, HOUR_S, 1.0);
    cell.rest(10 * HOUR_S);
    expect(cell.voltage()).toBeCloseTo(cell.parameters.bareCollectorRestV, 1);
  });

  it('answers a potential hold with the Butler-Volmer current, and its impedance tends to R_s + R_ct', () => {
    const cell = createCell('Li-on-Cu', { initialLiMahPerCm2: 1 });
    const currentA = cell.advancePotentiostatic(1, -0.05);
    expect(currentA).toBeLessThan(0);
    expect(cell.voltage()).toBeCloseTo(-0.05, 6);
    const low = cell.impedance(1e-3);
    expect(low.re).toBeCloseTo(cell.parameters.seriesResistanceOhm + cell.chargeTransferResistanceOhm(), 1);
    expect(cell.impedance(1e6).re).toBeCloseTo(cell.parameters.seriesResistanceOhm, 1);
  });

  it('refuses fractions outside [0, 1) and a deposit denser than Li metal', () => {
    expect(() => createCell('Li-on-Cu', { inactiveFractionPerCycle: 1 })).toThrow(/inactiveFractionPerCycle/);
    expect(() => createCell('Li-on-Cu', { depositRelativeDensity: 1.2 })).toThrow(/depositRelativeDensity/);
  });
});
