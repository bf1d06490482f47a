import type { Subscription } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MethodScriptPotentiostat } from '../../drivers/potentiostat/methodscript/potentiostat.js';
import { EurothermController } from '../../drivers/temperature/eurotherm/eurotherm-controller.js';
import type { PotentiostatInstrumentConfig, TemperatureInstrumentConfig } from '../../src/config/schema.js';
import { DocumentBus } from '../../src/core/bus.js';
import { ScaledClock } from '../../src/core/clock.js';
import type { Document, FitResult } from '../../src/core/documents.js';
import { silentLogger } from '../../src/core/logger.js';
import { RunEngine } from '../../src/engine/run-engine.js';
import { attachLiveEisFit } from '../../src/fits/live-eis.js';
import { attachLiveVtFit } from '../../src/fits/live-vt.js';
import { ExternalHolds } from '../../src/ingest/external-holds.js';
import { PotentiostatInstrument } from '../../src/instruments/potentiostat-instrument.js';
import { InstrumentRegistry } from '../../src/instruments/registry.js';
import { TemperatureInstrument } from '../../src/instruments/temperature-instrument.js';
import type { VtSeriesParametersInput, VtStepResult } from '../../src/protocols/vt-series/vt-parameters.js';
import { createVtSeriesProtocol } from '../../src/protocols/vt-series/vt-protocol.js';
import { openTransport } from '../../src/transport/index.js';
import type { PelletCell } from '../../simulators/potentiostat/cell/index.js';
import { startPotentiostatSimulator, type PotentiostatSimulator } from '../../simulators/potentiostat/start-potentiostat-simulator.js';
import { EurothermSimulator } from '../../simulators/temperature/eurotherm/eurotherm-simulator.js';
import { FURNACE } from '../../simulators/temperature/presets.js';

/** Lab time 1200x real time: the series of about three lab hours takes seconds. */
const SCALE = 1200;
const SETPOINTS_K = [296, 302, 308, 314];

describe('VT series with EIS at each temperature: the LAGP pellet in the simulated furnace', () => {
  let clock: ScaledClock;
  let furnace: EurothermSimulator;
  let potentiostat: PotentiostatSimulator;
  let coupling: Subscription;
  let instruments: InstrumentRegistry;
  let bus: DocumentBus;
  let engine: RunEngine;
  let docs: Document[];

  beforeEach(async () => {
    clock = new ScaledClock(SCALE);
    furnace = await EurothermSimulator.start({ clock, preset: FURNACE, seed: 21, link: 'tcp' });
    potentiostat = await startPotentiostatSimulator({ cell: 'LAGP-pellet', link: 'tcp', seed: 22 }, clock);
    const cell = potentiostat.cell as PelletCell;
    // The pellet sits in the furnace: its temperature is the plant's.
    cell.setTemperatureK(furnace.simulation.snapshot().trueTemperatureK);
    coupling = furnace.simulation.state$.subscribe((s) => cell.setTemperatureK(s.trueTemperatureK));

    const furnaceConfig: TemperatureInstrumentConfig = { id: 'furnace1', kind: 'temperature', driver: 'eurotherm', transport: furnace.url, limits: FURNACE.limits };
    const pstatConfig: PotentiostatInstrumentConfig = {
      id: 'pstat2',
      kind: 'potentiostat',
      driver: 'methodscript',
      transport: potentiostat.url,
      limits: { minV: -1, maxV: 1, maxAbsCurrentA: 1e-3 },
      sample: { name: 'LAGP pellet', thicknessCm: cell.parameters.thicknessCm, areaCm2: cell.parameters.areaCm2 },
    };
    const controller = new TemperatureInstrument(furnaceConfig, await EurothermController.open(furnace.url), silentLogger);
    const pstat = new PotentiostatInstrument(pstatConfig, new MethodScriptPotentiostat(await openTransport(potentiostat.url), { clock, logger: silentLogger }), silentLogger);
    await controller.connect();
    await pstat.connect();
    instruments = new InstrumentRegistry();
    instruments.add(controller);
    instruments.add(pstat);

    bus = new DocumentBus(silentLogger);
    docs = [];
    bus.attach('test-recorder', (d) => docs.push(d));
    attachLiveEisFit(bus, silentLogger);
    attachLiveVtFit(bus, silentLogger);
    engine = new RunEngine({ bus, clock, logger: silentLogger, instruments, protocols: [createVtSeriesProtocol({ holds: new ExternalHolds() })] });
  });

  afterEach(async () => {
    await engine?.shutdown();
    coupling?.unsubscribe();
    await instruments?.closeAll();
    await potentiostat?.close();
    await furnace?.close();
    bus?.close();
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
    const { runId } = engine.start({ protocol: 'vt-series', parameters });
    const stop = await engine.whenDone(runId);
    expect(stop).toMatchObject({ exitStatus: 'success', reason: 'completed' });

    const fits = (method: string) => docs.filter((d): d is FitResult => d.kind === 'fit' && d.method === method);
    const cell = potentiostat.cell as PelletCell;
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
