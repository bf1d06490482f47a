import { describe, expect, it } from 'vitest';
import { Random } from '../common/random.js';
import { createCell } from './cell/index.js';
import { CurrentRanging, STATUS_BITS } from './current-ranging.js';
import { CURRENT_RANGES, currentRangesOf } from './defaults.js';
import { GALVANOSTAT_MODE, SimulatedChannel } from './simulated-channel.js';

function stats(values: number[]): { mean: number; sd: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
  return { mean, sd };
}

describe('SimulatedChannel', () => {
  it('reads the cell with the configured noise', () => {
    const cell = createCell('LixV2O5');
    const noise = { potentialV: 1e-4, currentA: 2e-9 };
    const channel = new SimulatedChannel(cell, new Random(11), noise, 0);
    const potentials = stats(Array.from({ length: 4000 }, () => channel.readPotentialV()));
    const currents = stats(Array.from({ length: 4000 }, () => channel.readCurrentA()));
    // 4000 draws: the mean within 4 standard errors, the sd within 5 %.
    expect(Math.abs(potentials.mean - cell.voltage())).toBeLessThan((4 * noise.potentialV) / Math.sqrt(4000));
    expect(potentials.sd / noise.potentialV).toBeCloseTo(1, 1);
    expect(currents.sd / noise.currentA).toBeCloseTo(1, 1);
  });

  it('advances the cell under the present drive, never backwards', () => {
    const cell = createCell('LixV2O5');
    const channel = new SimulatedChannel(cell, new Random(1), { potentialV: 0, currentA: 0 }, 1000);
    const x0 = cell.composition();
    channel.advanceTo(61_000);
    // At rest the mean composition stays (to rounding).
    expect(cell.composition()).toBeCloseTo(x0, 12);
    channel.cellOn = true;
    channel.mode = GALVANOSTAT_MODE;
    channel.appliedCurrentA = -1e-4;
    channel.advanceTo(121_000);
    expect(cell.composition()).toBeGreaterThan(x0);
    expect(cell.current()).toBe(-1e-4);
    const x1 = cell.composition();
    channel.advanceTo(100_000);
    expect(cell.composition()).toBe(x1);
    expect(channel.timeMs).toBe(121_000);
  });

  it('holds a potential far from the OCV at the range limit: the cell sees the clipped current, the reading is flagged overload', () => {
    const cell = createCell('LixV2O5');
    const channel = new SimulatedChannel(cell, new Random(1), { potentialV: 0, currentA: 0 }, 0);
    const limitA = 3 * 1e-3;
    channel.currentRanging.setAutoranging(1e-9, 1e-3);
    channel.cellOn = true;
    channel.appliedPotentialV = 0.1;
    const x0 = cell.composition();
    channel.advanceTo(10_000);
    expect(cell.current()).toBeCloseTo(-limitA, 12);
    expect(channel.inCompliance).toBe(true);
    const reading = channel.readCurrent();
    expect(reading).toEqual({ valueA: -limitA, status: STATUS_BITS.overload, rangeIndex: CURRENT_RANGES.find((r) => r.fullScaleA === 1e-3)!.index });
    // 10 s at 3 mA went into the host (less the double layer's share), no more.
    const { hostAmountMol } = cell.parameters as { hostAmountMol: number };
    expect((cell.composition() - x0) / ((limitA * 10) / (96485.332 * hostAmountMol))).toBeCloseTo(1, 2);
  });

  it('reads a current in the smallest allowed range that holds it', () => {
    const ranging = new CurrentRanging(currentRangesOf('es4_hr'), 3);
    const indexOf = (fullScaleA: number) => CURRENT_RANGES.find((r) => r.fullScaleA === fullScaleA)!.index;
    expect(ranging.reading(5e-4)).toEqual({ valueA: 5e-4, status: 0, rangeIndex: indexOf(1e-3) });
    expect(ranging.reading(-1e-3).rangeIndex).toBe(indexOf(1e-3));
    expect(ranging.reading(0).rangeIndex).toBe(indexOf(100e-9));
    // Past the top range's nominal value: overload warning; past its saturation: clipped, overload.
    expect(ranging.reading(0.2)).toEqual({ valueA: 0.2, status: STATUS_BITS.overloadWarning, rangeIndex: indexOf(100e-3) });
    const clipped = ranging.reading(-1);
    expect(clipped.valueA).toBeCloseTo(-0.3, 12);
    expect(clipped).toMatchObject({ status: STATUS_BITS.overload, rangeIndex: indexOf(100e-3) });
    // Bounded ranges: the fixed 100 uA range clips at 300 uA.
    ranging.setAutoranging(100e-6, 100e-6);
    expect(ranging.reading(1e-6).rangeIndex).toBe(indexOf(100e-6));
    const fixed = ranging.reading(1e-3);
    expect(fixed.valueA).toBeCloseTo(300e-6, 12);
    expect(fixed).toMatchObject({ status: STATUS_BITS.overload, rangeIndex: indexOf(100e-6) });
  });
});
