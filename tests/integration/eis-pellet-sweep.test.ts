import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nsToMs } from '../../src/core/clock.js';
import type { FitResult, Progress } from '../../src/core/documents.js';
import type { EisParametersInput } from '../../src/protocols/eis/eis-parameters.js';
import { PELLET_CIRCUIT, startPelletEisBench, type PelletEisBench } from '../support/pellet-eis-bench.js';

/** Lab time 100x real time: the 20 s sweep and 10 s OCP take a third of a second. */
const SCALE = 100;

describe('EIS sweep of the simulated LAGP pellet over a pseudo-terminal', () => {
  let bench: PelletEisBench;

  beforeEach(async () => {
    bench = await startPelletEisBench({ link: 'pty', seed: 3, scale: SCALE });
  });

  afterEach(async () => {
    await bench?.close();
  });


  const sweep = (extra: Partial<EisParametersInput> = {}): EisParametersInput => ({
    instrument: 'pellet',
    startFrequency: '1 MHz',
    endFrequency: '1 Hz',
    pointsPerDecade: 10,
    amplitude: '50 mV',
    circuit: PELLET_CIRCUIT,
    ...extra,
  });
  const fits = () => bench.documents().filter((d): d is FitResult => d.kind === 'fit' && d.method === 'eis');

  it('streams each frequency point live and fits the sweep after it ends: bulk resistance and conductivity of the pellet', async () => {
    const { runId } = bench.engine.start({ protocol: 'eis', parameters: sweep() });
    expect((await bench.engine.whenDone(runId)).exitStatus).toBe('success');

    const points = bench.events('eis');
    expect(points).toHaveLength(61);
    expect(points.map((p) => p.seq)).toEqual(Array.from({ length: 61 }, (_, i) => i + 1));
    const descriptor = bench.documents().find((d) => d.kind === 'descriptor' && d.stream === 'pellet.eis');
    expect(descriptor).toMatchObject({ dataKeys: { frequency: { unit: 'Hz' }, z_re: { unit: 'ohm' }, z_im: { unit: 'ohm' }, sweep: { dtype: 'integer' } } });
    expect(points[0]!.data.frequency).toBeCloseTo(1e6, -1);
    expect(points.at(-1)!.data.frequency).toBeCloseTo(1, 6);
    const cell = bench.cell;
    for (const { data, flags } of points) {
      // Each point carries its frequency, Z' and Z'' together; Z within a percent of the cell's (the noise is 0.04 % of |Z| at 50 mV).
      const z = cell.impedance(data.frequency as number);
      expect(Math.hypot((data.z_re as number) - z.re, (data.z_im as number) - z.im) / Math.hypot(z.re, z.im)).toBeLessThan(0.01);
      expect(data.sweep).toBe(1);
      expect(flags).toBe(0);
    }
    // Live: the first point reached the bus before the last one was measured.
    const receivedFirstMs = bench.recorded.find((d) => d.doc === points[0])!.receivedMs;
    expect(receivedFirstMs).toBeLessThan(nsToMs(points.at(-1)!.timestampNs));
    // The sweep index travels in the progress documents.
    const progress = bench.documents().filter((d): d is Progress => d.kind === 'progress');
    expect(progress.filter((p) => p.phase.startsWith('eis-sweep')).map((p) => [p.phase, p.step])).toEqual([
      ['eis-sweep', 1],
      ['eis-sweep-done', 1],
    ]);
    // The OCP was measured first and the sweep ran at it (a blocking pellet rests at 0 V).
    expect(bench.events('dc').length).toBeGreaterThanOrEqual(10);

    expect(fits()).toHaveLength(1);
    const fit = fits()[0]!;
    expect(fit.index).toBe(1);
    const result = fit.result as {
      ok: boolean;
      warnings: string[];
      kk: { pass: boolean; M: number };
      parameters: Record<string, { value: number; stderr: number | null; unit: string }>;
      bulkResistance: { resistanceOhm: number; from: string[] };
      conductivitySPerCm: number;
      rss: number;
    };
    expect(result.kk.pass).toBe(true);
    expect(result.ok).toBe(true);
    expect(result.bulkResistance.from).toEqual(['R1']);
    expect(result.bulkResistance.resistanceOhm / cell.bulkResistanceOhm()).toBeCloseTo(1, 1);
    expect(result.parameters.R2!.value / cell.grainBoundaryResistanceOhm()).toBeCloseTo(1, 1);
    expect(result.parameters.R1!.unit).toBe('ohm');
    expect(result.conductivitySPerCm / cell.trueConductivitySPerCm()).toBeGreaterThan(0.97);
    expect(result.conductivitySPerCm / cell.trueConductivitySPerCm()).toBeLessThan(1.03);
  });

  it('publishes a poor fit flagged, with the reasons, instead of hiding it', async () => {
    const { runId } = bench.engine.start({ protocol: 'eis', parameters: sweep({ circuit: 'R0-p(R1,C1)', repeats: 2 }) });
    expect((await bench.engine.whenDone(runId)).exitStatus).toBe('success');
    expect(fits().map((f) => f.index)).toEqual([1, 2]);
    for (const fit of fits()) {
      const result = fit.result as { ok: boolean; warnings: string[]; kk: { pass: boolean } };
      expect(result.ok).toBe(false);
      expect(result.kk.pass).toBe(true);
      expect(result.warnings.join('\n')).toMatch(/poor fit/);
    }
  });

  it('refuses a galvanostatic sweep with a potential amplitude and a malformed circuit before anything runs', () => {
    expect(() => bench.engine.start({ protocol: 'eis', parameters: sweep({ mode: 'galvanostatic' }) })).toThrow(/parameters\/amplitude/);
    expect(() => bench.engine.start({ protocol: 'eis', parameters: sweep({ circuit: 'R0-p(R1' }) })).toThrow(/parameters\/circuit/);
    expect(bench.recorded.filter((d) => d.doc.kind === 'run-start')).toEqual([]);
  });
});
