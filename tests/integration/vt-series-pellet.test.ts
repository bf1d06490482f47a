import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FitResult } from '../../src/core/documents.js';
import { potentiostatSimulatorOf } from '../../src/kinds/potentiostat/simulator.js';
import type { TemperatureInstrument } from '../../src/kinds/temperature/instrument.js';
import type { VtSeriesParametersInput, VtStepResult } from '../../src/protocols/vt-series/vt-parameters.js';
import type { PelletCell } from '../../simulators/potentiostat/cell/index.js';
import { OPERATOR_TOKEN, startTestLab, VIEWER_TOKEN, type LabFixture } from '../support/lab-fixture.js';

/** Lab time 1200x real time: the series of about three lab hours takes seconds. */
const SCALE = 1200;
/** The README's VT example: `operando run vt --temperatures "300 K,320 K,340 K"` on the LAGP pellet. */
const SETPOINTS_K = [300, 320, 340];

/**
 * Issue 4's acceptance run, through the lab file and the HTTP API: the LAGP
 * pellet sits in the simulated furnace (`inside:`), a VT series with an EIS
 * sweep at each settled temperature is started by an operator, and the
 * Arrhenius fits of sigma*T recover the pellet's bulk and grain-boundary
 * activation energies (issue 10: at 320 and 340 K a sweep fitted alone took
 * the grain-boundary arc for the bulk one; the series fit keeps each arc the
 * same process, and says which arcs relax outside the 1 MHz window).
 */
describe('VT series with EIS at each temperature: the LAGP pellet in the simulated furnace, over the API', () => {
  let fixture: LabFixture;

  beforeEach(async () => {
    fixture = await startTestLab(
      `simulators:
  - { id: furnace-sim, kind: temperature, model: eurotherm, preset: furnace, link: tcp, seed: 21 }
  - { id: pellet-sim, kind: potentiostat, cell: LAGP-pellet, link: tcp, seed: 22, inside: furnace-sim }
instruments:
  - { id: furnace1, kind: temperature, driver: eurotherm, transport: sim://furnace-sim, limits: { minK: 250, maxK: 450, maxRampKPerMin: 10, safeK: 298.15 } }
  - { id: pstat2, kind: potentiostat, driver: methodscript, transport: sim://pellet-sim, limits: { minV: -1, maxV: 1, maxAbsCurrentA: 0.001 } }
`,
      { timeScale: SCALE },
    );
  });

  afterEach(async () => {
    await fixture?.close();
  });

  it('settles at 3 temperatures, sweeps at each, and recovers the bulk and grain-boundary activation energies', async () => {
    const parameters: VtSeriesParametersInput = {
      controller: 'furnace1',
      temperatures: SETPOINTS_K,
      ramp: '5 K/min',
      settle: { band: '0.5 K', maxRate: '0.1 K/min', hold: '5 min', timeout: '3 h' },
      poll: '10 s',
      eis: {
        potentiostat: 'pstat2',
        startFrequency: '1 MHz',
        endFrequency: '0.1 Hz',
        pointsPerDecade: 10,
        // 50 mV: at 10 mV the simulated analyser's noise fails Lin-KK at 1 % and flags the fits.
        amplitude: '50 mV',
        // Leads, bulk (its arc above 1 MHz: the circuit resolves its low-frequency side), grain boundary, blocking electrodes.
        circuit: 'R0-p(R1,CPE1)-p(R2,CPE2)-CPE3',
      },
    };
    const response = await fetch(`${fixture.lab.url}/api/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ protocol: 'vt-series', parameters, metadata: { sample: 'LAGP pellet' } }),
    });
    expect(response.status).toBe(201);
    const { runId } = (await response.json()) as { runId: string };
    const stop = await fixture.lab.engine.whenDone(runId);
    expect(stop).toMatchObject({ exitStatus: 'success', reason: 'completed' });
    await fixture.lab.writer.flush();

    // Everything below is read back from the store through the API, as a client would.
    const fitsRes = await fetch(`${fixture.lab.url}/api/runs/${runId}/fits`, { headers: { authorization: `Bearer ${VIEWER_TOKEN}` } });
    const all = ((await fitsRes.json()) as { fits: FitResult[] }).fits;
    const fits = (method: string) => all.filter((d) => d.method === method);
    const cell = potentiostatSimulatorOf(fixture.lab.simulators.find((s) => s.id === 'pellet-sim')!).cell as PelletCell;
    // The furnace is back at its safe setpoint.
    const furnace = fixture.lab.instruments.get('furnace1') as TemperatureInstrument;
    expect((await furnace.read()).setpointK).toBeCloseTo(furnace.limits.safeK, 1);
    const steps = fits('vt-step').map((f) => f.result as VtStepResult);
    expect(steps.map((s) => s.setpointK)).toEqual(SETPOINTS_K);
    for (const s of steps) {
      expect(s.ok).toBe(true);
      expect(Math.abs(s.temperatureK.meanK - s.setpointK)).toBeLessThan(0.5);
    }
    // Each sweep fitted alone, and passing Lin-KK (its fit may be flagged for R0 on its lower bound: the bulk arc above the window takes the series resistance).
    expect(fits('eis').map((f) => [f.index, (f.result as { kk: { pass: boolean } }).kk.pass])).toEqual(SETPOINTS_K.map((_, k) => [k + 1, true]));

    // Conductivity per temperature, from the series fit: the pellet's true bulk and
    // grain-boundary conductivities (L/(R A)) at the measured temperature.
    const p = cell.parameters;
    const trueGrainBoundary = (t: number) => p.thicknessCm / (cell.grainBoundaryResistanceOhm(t) * p.areaCm2);
    const conductivity = fits('vt-conductivity').map((f) => f.result as { temperatureK: number; conductivitySPerCm: number; grainBoundaryConductivitySPerCm: number; from: string; notes: string[]; included: boolean });
    expect(conductivity).toHaveLength(SETPOINTS_K.length);
    for (const c of conductivity) {
      expect(c).toMatchObject({ included: true, from: 'eis-series' });
      expect(c.conductivitySPerCm / cell.trueConductivitySPerCm(c.temperatureK)).toBeGreaterThan(0.97);
      expect(c.conductivitySPerCm / cell.trueConductivitySPerCm(c.temperatureK)).toBeLessThan(1.03);
      expect(c.grainBoundaryConductivitySPerCm / trueGrainBoundary(c.temperatureK)).toBeGreaterThan(0.9);
      expect(c.grainBoundaryConductivitySPerCm / trueGrainBoundary(c.temperatureK)).toBeLessThan(1.1);
      // The bulk arc (about 10 MHz at 300 K) relaxes above the window at every temperature, and the notes say so with the window.
      expect(c.notes.some((n) => /^bulk arc .* above the measured window 100 mHz to 1\.00 MHz/.test(n))).toBe(true);
    }
    // The last series fit labels each arc the same process at every temperature.
    const series = fits('eis-series').at(-1)!.result as { sweeps: Array<{ arcs: Array<{ resistor: string; assignment: string }> }> };
    for (const sweep of series.sweeps) expect(sweep.arcs.map((a) => [a.resistor, a.assignment])).toEqual([['R1', 'bulk'], ['R2', 'grain-boundary']]);

    // Arrhenius of each process live once 3 temperatures count, then the final one.
    type Arrhenius = { index: number; process: string; final: boolean; ok: boolean; points: number; quantity: string; activationEnergyEv: { value: number; stderr: number } };
    const arrhenius = [...fits('arrhenius'), ...fits('arrhenius-grain-boundary')].map((f) => ({ index: f.index, ...(f.result as Omit<Arrhenius, 'index'>) }));
    for (const [process, trueEa, tolerance] of [
      ['bulk', p.bulkActivationEnergyEv, 0.05],
      ['grain-boundary', p.grainBoundaryActivationEnergyEv, 0.1],
    ] as const) {
      const own = arrhenius.filter((a) => a.process === process);
      expect(own.map((a) => [a.index, a.points, a.final])).toEqual([
        [3, 3, false],
        [3, 3, true],
      ]);
      const final = own.at(-1)!;
      expect(final).toMatchObject({ ok: true, quantity: 'conductivity' });
      expect(Math.abs(final.activationEnergyEv.value - trueEa) / trueEa).toBeLessThan(tolerance);
      expect(final.activationEnergyEv.stderr).toBeGreaterThan(0);
    }
  });
});
