import { describe, expect, it } from 'vitest';
import { Random } from '../common/random.js';
import { createCell } from './cell/index.js';
import { CURRENT_RANGES } from './defaults.js';
import { currentRangeIndex, GALVANOSTAT_MODE, SimulatedChannel } from './simulated-channel.js';

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

  it('picks the smallest current range that holds the current', () => {
    expect(currentRangeIndex(5e-4)).toBe(CURRENT_RANGES.find((r) => r.fullScaleA === 1e-3)?.index);
    expect(currentRangeIndex(-1e-3)).toBe(CURRENT_RANGES.find((r) => r.fullScaleA === 1e-3)?.index);
    expect(currentRangeIndex(0)).toBe(CURRENT_RANGES[0]?.index);
    expect(currentRangeIndex(1)).toBe(CURRENT_RANGES.at(-1)?.index);
  });
});
