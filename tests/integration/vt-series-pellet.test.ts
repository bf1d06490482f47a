import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FitResult } from '../../src/core/documents.js';
import { potentiostatSimulatorOf } from '../../src/kinds/potentiostat/simulator.js';
import type { TemperatureInstrument } from '../../src/kinds/temperature/instrument.js';
import type { VtSeriesParametersInput, VtStepResult } from '../../src/protocols/vt-series/vt-parameters.js';
import type { PelletCell } from '../../simulators/potentiostat/cell/index.js';
import { OPERATOR_TOKEN, startTestLab, VIEWER_TOKEN, type LabFixture } from '../support/lab-fixture.js';

/** Lab time 1200x real time: the series of about three lab hours takes seconds. */
const SCALE = 1200;
const SETPOINTS_K = [296, 302, 308, 314];

/**
 * Issue 4's acceptance run, through the lab file and the HTTP API: the LAGP
 * pellet sits in the simulated furnace (`inside:`), a VT series with an EIS
 * sweep at each settled temperature is started by an operator, and the
 * Arrhenius fit of sigma*T recovers the pellet's bulk activation energy.
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

  it('settles at 4 temperatures, sweeps at each, and recovers the bulk activation energy from the Arrhenius fit of sigma*T', async () => {
    const parameters: VtSeriesParametersInput = {
      controller: 'furnace1',
      temperatures: SETPOINTS_K,
      ramp: '5 K/min',
      settle: { band: '0.5 K', maxRate: '0.1 K/min', hold: '5 min', timeout: '3 h' },
      poll: '10 s',
      eis: {
        potentiostat: 'pstat2',
        startFrequency: '1 MHz',
        endFrequency: '1 Hz',
        pointsPerDecade: 10,
        amplitude: '50 mV',
        // The bulk arc lies above 1 MHz: a circuit with it resolves its low-frequency side.
        circuit: 'p(R1,CPE1)-p(R2,CPE2)-CPE3',
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
    expect(fits('eis').map((f) => [f.index, (f.result as { ok: boolean }).ok])).toEqual(SETPOINTS_K.map((_, k) => [k + 1, true]));

    // Conductivity per temperature: the pellet's true bulk conductivity at the measured temperature.
    const conductivity = fits('vt-conductivity').map((f) => f.result as { temperatureK: number; conductivitySPerCm: number; included: boolean });
    expect(conductivity).toHaveLength(SETPOINTS_K.length);
    for (const c of conductivity) {
      expect(c.included).toBe(true);
      expect(c.conductivitySPerCm / cell.trueConductivitySPerCm(c.temperatureK)).toBeGreaterThan(0.97);
      expect(c.conductivitySPerCm / cell.trueConductivitySPerCm(c.temperatureK)).toBeLessThan(1.03);
    }

    // Arrhenius live after 3 temperatures and after 4, then the final one.
    const arrhenius = fits('arrhenius').map((f) => ({ index: f.index, ...(f.result as { final: boolean; ok: boolean; points: number; quantity: string; activationEnergyEv: { value: number; stderr: number } }) }));
    expect(arrhenius.map((a) => [a.index, a.points, a.final])).toEqual([
      [3, 3, false],
      [4, 4, false],
      [4, 4, true],
    ]);
    const final = arrhenius.at(-1)!;
    expect(final).toMatchObject({ ok: true, quantity: 'conductivity' });
    const trueEa = cell.parameters.bulkActivationEnergyEv;
    expect(Math.abs(final.activationEnergyEv.value - trueEa) / trueEa).toBeLessThan(0.05);
    expect(final.activationEnergyEv.stderr).toBeGreaterThan(0);
  });
});
