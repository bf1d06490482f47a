import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FitResult, RunStart } from '../../src/core/documents.js';
import type { EisParametersInput } from '../../src/protocols/eis/eis-parameters.js';
import { PELLET_CIRCUIT, startPelletEisBench, type PelletEisBench } from '../support/pellet-eis-bench.js';

/** Lab time 100x real time: the 20 s sweep takes a fifth of a second. */
const SCALE = 100;

describe('galvanostatic EIS of the simulated LAGP pellet over TCP', () => {
  let bench: PelletEisBench;

  beforeEach(async () => {
    bench = await startPelletEisBench({ link: 'tcp', seed: 5, scale: SCALE });
  });

  afterEach(async () => {
    await bench?.close();
  });

  const geis = (extra: Partial<EisParametersInput> = {}): EisParametersInput => ({
    instrument: 'pellet',
    mode: 'galvanostatic',
    startFrequency: '1 MHz',
    endFrequency: '1 Hz',
    pointsPerDecade: 10,
    amplitude: '10 uA',
    circuit: PELLET_CIRCUIT,
    ...extra,
  });

  it('streams the cell impedance point by point and fits the bulk conductivity of the pellet', async () => {
    const { runId } = bench.engine.start({ protocol: 'eis', parameters: geis() });
    expect((await bench.engine.whenDone(runId)).exitStatus).toBe('success');

    const start = bench.documents().find((d): d is RunStart => d.kind === 'run-start')!;
    expect(start.parameters).toMatchObject({ mode: 'galvanostatic', dcA: 0 });
    expect((start.parameters as { amplitudeA: number }).amplitudeA).toBeCloseTo(10e-6, 12);
    // A current bias needs no OCP: the sweep starts at once, no rest samples.
    expect(bench.events('dc')).toEqual([]);
    const points = bench.events('eis');
    expect(points).toHaveLength(61);
    const cell = bench.cell;
    for (const { data } of points) {
      const z = cell.impedance(data.frequency as number);
      expect(Math.hypot((data.z_re as number) - z.re, (data.z_im as number) - z.im) / Math.hypot(z.re, z.im)).toBeLessThan(0.015);
    }

    const fits = bench.documents().filter((d): d is FitResult => d.kind === 'fit' && d.method === 'eis');
    expect(fits).toHaveLength(1);
    const result = fits[0]!.result as { ok: boolean; bulkResistance: { from: string[] }; conductivitySPerCm: number };
    expect(result.ok).toBe(true);
    expect(result.bulkResistance.from).toEqual(['R1']);
    expect(result.conductivitySPerCm / cell.trueConductivitySPerCm()).toBeGreaterThan(0.95);
    expect(result.conductivitySPerCm / cell.trueConductivitySPerCm()).toBeLessThan(1.05);
  });

  it('refuses a sweep beyond the current limit, a potential bias and a DC current on PEIS before anything runs', () => {
    expect(() => bench.engine.start({ protocol: 'eis', parameters: geis({ amplitude: '600 uA', dcCurrent: '-500 uA' }) })).toThrow(/exceeds the hard limit/);
    expect(() => bench.engine.start({ protocol: 'eis', parameters: geis({ bias: { dc: 0, vs: 'absolute' } }) })).toThrow(/parameters\/bias/);
    expect(() => bench.engine.start({ protocol: 'eis', parameters: geis({ mode: 'potentiostatic', amplitude: '10 mV', dcCurrent: '1 uA' }) })).toThrow(/parameters\/dcCurrent/);
    expect(bench.documents().filter((d) => d.kind === 'run-start')).toEqual([]);
  });
});
