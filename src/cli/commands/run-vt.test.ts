import { describe, expect, it } from 'vitest';
import type { FitResult } from '../../core/documents.js';
import { describeVtFit, vtSummary } from './run-vt.js';

/** A fit document as src/fits/live-vt.ts publishes it (the e2e test tests/e2e/vt-cli.test.ts runs the real ones). */
const fit = (method: string, index: number, result: Record<string, unknown>): FitResult => ({ kind: 'fit', runId: 'r', timestampNs: 0n, method, index, result });

const conductivity = (step: number, bulk: number | null, included: boolean, extra: Record<string, unknown> = {}) =>
  fit('vt-conductivity', step, {
    temperatureK: 300 + 20 * (step - 1),
    conductivitySPerCm: bulk,
    grainBoundaryConductivitySPerCm: 6.5e-4,
    from: 'eis-series',
    notes: [],
    included,
    warnings: included ? [] : ['the EIS fit of this step is flagged'],
    ...extra,
  });

const arrhenius = (method: string, process: string, final: boolean, ea: number | null) =>
  fit(method, 3, {
    quantity: 'conductivity',
    process,
    final,
    steps: [1, 2, 3],
    excluded: [],
    ...(ea === null
      ? { ok: false, warnings: ['Arrhenius fit of conductivity needs at least 3 temperatures, got 2'] }
      : { ok: true, activationEnergyEv: { value: ea, stderr: 0.002 }, r2: 0.9999, points: 3, temperatureRangeK: [300.2, 340.2], warnings: [] }),
  });

describe('run vt output', () => {
  it('prints a step’s bulk and grain-boundary conductivity with units, its notes, and why it does not count', () => {
    const text = describeVtFit(conductivity(2, 3.581e-4, false, { notes: ['bulk arc (R1) relaxes at 15.3 MHz, above the measured window 100 mHz to 1.00 MHz'] }));
    expect(text).toBe(
      '  step 2: at 320.00 K bulk sigma 3.581e-4 S/cm, grain boundary sigma 6.500e-4 S/cm (not counted: the EIS fit of this step is flagged)\n' +
        '    note: bulk arc (R1) relaxes at 15.3 MHz, above the measured window 100 mHz to 1.00 MHz\n',
    );
    // A step without a series fit (the sweep's own fit) has no grain-boundary value to print.
    expect(describeVtFit(conductivity(1, null, false, { from: 'eis' }))).toMatch(/^ {2}step 1: at 300\.00 K bulk sigma n\/a \(not counted: /);
  });

  it('names the process of each Arrhenius fit, Ea with its standard error in eV, and the reason when there is none', () => {
    expect(describeVtFit(arrhenius('arrhenius-grain-boundary', 'grain-boundary', true, 0.452))).toBe(
      '  Arrhenius (conductivity, grain boundary, 3 temperatures 300.2-340.2 K, final): Ea = 0.4520 ± 0.0020 eV, R^2 0.99990\n',
    );
    expect(describeVtFit(arrhenius('arrhenius', 'bulk', true, null))).toBe(
      '  Arrhenius (conductivity, bulk, final): not fitted: Arrhenius fit of conductivity needs at least 3 temperatures, got 2\n',
    );
    // The series fit itself is not printed: its values come in the steps' lines.
    expect(describeVtFit(fit('eis-series', 1, { ok: true, sweeps: [] }))).toBeNull();
  });

  it('--json: each step’s last conductivity, the final fits of both processes and their activation energies', () => {
    const summary = vtSummary([
      conductivity(1, 1.6e-4, true),
      arrhenius('arrhenius', 'bulk', false, 0.34),
      conductivity(2, 3.5e-4, true),
      // The series fit revised step 1 when a colder sweep came.
      conductivity(1, 1.65e-4, true),
      arrhenius('arrhenius', 'bulk', true, 0.348),
      arrhenius('arrhenius-grain-boundary', 'grain-boundary', true, null),
      fit('arrhenius', 3, { quantity: 'diffusion', final: true, ok: true, activationEnergyEv: { value: 0.5, stderr: 0.01 } }),
    ]);
    expect((summary.conductivity as Array<{ step: number; conductivitySPerCm: number }>).map((c) => [c.step, c.conductivitySPerCm])).toEqual([
      [1, 1.65e-4],
      [2, 3.5e-4],
    ]);
    expect(summary.arrhenius).toHaveLength(2);
    expect(summary.arrheniusGrainBoundary).toHaveLength(1);
    expect(summary.activationEnergy).toEqual({
      bulk: { valueEv: 0.348, stderrEv: 0.002, points: 3, temperatureRangeK: [300.2, 340.2] },
      grainBoundary: { error: 'Arrhenius fit of conductivity needs at least 3 temperatures, got 2' },
    });
    expect(vtSummary([]).activationEnergy).toEqual({ bulk: null, grainBoundary: null });
  });
});
