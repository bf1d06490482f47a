import { describe, expect, it } from 'vitest';
import { canonicalOrder } from './canonical-order.js';
import { Circuit } from './circuit.js';

describe('canonicalOrder', () => {
  const circuit = Circuit.parse('R0-p(R1,CPE1)-p(R2,CPE2)-W1');
  // p(R1,CPE1) relaxes at ~1 s, p(R2,CPE2) at ~1e-4 s: the labels are the wrong way round.
  const swapped = [10, 200, 1e-2 / 200, 0.9, 100, 1e-6, 0.95, 5];
  const unlocked = swapped.map(() => false);

  it('puts the faster of two same-shape blocks first and leaves the rest alone', () => {
    const order = canonicalOrder(circuit, swapped, unlocked, 2 * Math.PI * 1e-2, 2 * Math.PI * 1e6);
    expect(order).toEqual([0, 4, 5, 6, 1, 2, 3, 7]);
    const values = order.map((k) => swapped[k]!);
    // Same impedance either way: the blocks are in series.
    const f = Float64Array.of(0.1, 10, 1000);
    const a = circuit.impedance(values, f);
    const b = circuit.impedance(swapped, f);
    for (let i = 0; i < f.length; i++) {
      expect(a.zRe[i]! / b.zRe[i]!).toBeCloseTo(1, 12);
      expect(a.zIm[i]! / b.zIm[i]!).toBeCloseTo(1, 12);
    }
  });

  it('is the identity when the order is already canonical, for different shapes, and for locked blocks', () => {
    const canonical = [10, 100, 1e-6, 0.95, 200, 1e-2 / 200, 0.9, 5];
    expect(canonicalOrder(circuit, canonical, unlocked, 1e-2, 1e6)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const locked = unlocked.map((_, j) => j === 3);
    expect(canonicalOrder(circuit, swapped, locked, 1e-2, 1e6)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const mixed = Circuit.parse('R0-p(R1,C1)-p(R2,CPE2)');
    expect(canonicalOrder(mixed, [1, 200, 1e-2, 100, 1e-6, 0.9], [false, false, false, false, false, false], 1e-2, 1e6)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
