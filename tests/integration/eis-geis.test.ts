import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MethodScriptPotentiostat } from '../../drivers/potentiostat/methodscript/potentiostat.js';
import type { PotentiostatInstrumentConfig } from '../../src/config/schema.js';
import { DocumentBus } from '../../src/core/bus.js';
import { ScaledClock } from '../../src/core/clock.js';
import type { Document, FitResult, Reading, RunStart } from '../../src/core/documents.js';
import { silentLogger } from '../../src/core/logger.js';
import { RunEngine } from '../../src/engine/run-engine.js';
import { attachLiveEisFit } from '../../src/fits/live-eis.js';
import { PotentiostatInstrument } from '../../src/instruments/potentiostat-instrument.js';
import { InstrumentRegistry } from '../../src/instruments/registry.js';
import type { EisParametersInput } from '../../src/protocols/eis/eis-parameters.js';
import { eisProtocol } from '../../src/protocols/eis/eis-protocol.js';
import { openTransport } from '../../src/transport/index.js';
import type { PelletCell } from '../../simulators/potentiostat/cell/index.js';
import { startPotentiostatSimulator, type PotentiostatSimulator } from '../../simulators/potentiostat/start-potentiostat-simulator.js';

/** Lab time 100x real time: the 20 s sweep takes a fifth of a second. */
const SCALE = 100;
/** As in eis-pellet-sweep.test.ts: the bulk arc lies near 9 MHz, so the circuit resolves its low-frequency side. */
const PELLET_CIRCUIT = 'p(R1,CPE1)-p(R2,CPE2)-CPE3';

describe('galvanostatic EIS of the simulated LAGP pellet over TCP', () => {
  let simulator: PotentiostatSimulator;
  let bus: DocumentBus;
  let engine: RunEngine;
  let pstat: PotentiostatInstrument;
  let docs: Document[];

  beforeEach(async () => {
    const clock = new ScaledClock(SCALE);
    simulator = await startPotentiostatSimulator({ cell: 'LAGP-pellet', link: 'tcp', seed: 5 }, clock);
    const cell = simulator.cell as PelletCell;
    const config: PotentiostatInstrumentConfig = {
      id: 'pellet',
      kind: 'potentiostat',
      driver: 'methodscript',
      transport: simulator.url,
      limits: { minV: -1, maxV: 1, maxAbsCurrentA: 1e-3 },
      sample: { name: 'LAGP pellet', thicknessCm: cell.parameters.thicknessCm, areaCm2: cell.parameters.areaCm2 },
    };
    pstat = new PotentiostatInstrument(config, new MethodScriptPotentiostat(await openTransport(simulator.url), { clock, logger: silentLogger }), silentLogger);
    await pstat.connect();
    const instruments = new InstrumentRegistry();
    instruments.add(pstat);
    bus = new DocumentBus(silentLogger);
    docs = [];
    bus.attach('test-recorder', (doc) => docs.push(doc));
    attachLiveEisFit(bus, silentLogger);
    engine = new RunEngine({ bus, clock, logger: silentLogger, instruments, protocols: [eisProtocol] });
  });

  afterEach(async () => {
    await engine?.shutdown();
    await pstat?.close();
    await simulator?.close();
    bus?.close();
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
  const readings = (quantity: string) => docs.filter((d): d is Reading => d.kind === 'reading' && d.quantity === quantity);

  it('streams the cell impedance point by point and fits the bulk conductivity of the pellet', async () => {
    const { runId } = engine.start({ protocol: 'eis', parameters: geis() });
    expect((await engine.whenDone(runId)).exitStatus).toBe('success');

    const start = docs.find((d): d is RunStart => d.kind === 'run-start')!;
    expect(start.parameters).toMatchObject({ mode: 'galvanostatic', dcA: 0 });
    expect((start.parameters as { amplitudeA: number }).amplitudeA).toBeCloseTo(10e-6, 12);
    // A current bias needs no OCP: the sweep starts at once, no rest readings.
    expect(readings('potential')).toEqual([]);
    const frequency = readings('frequency');
    const zRe = readings('z_re');
    const zIm = readings('z_im');
    expect(frequency).toHaveLength(61);
    const cell = simulator.cell as PelletCell;
    frequency.forEach((f, i) => {
      const z = cell.impedance(f.value);
      expect(Math.hypot(zRe[i]!.value - z.re, zIm[i]!.value - z.im) / Math.hypot(z.re, z.im)).toBeLessThan(0.015);
    });

    const fits = docs.filter((d): d is FitResult => d.kind === 'fit' && d.method === 'eis');
    expect(fits).toHaveLength(1);
    const result = fits[0]!.result as { ok: boolean; bulkResistance: { from: string[] }; conductivitySPerCm: number };
    expect(result.ok).toBe(true);
    expect(result.bulkResistance.from).toEqual(['R1']);
    expect(result.conductivitySPerCm / cell.trueConductivitySPerCm()).toBeGreaterThan(0.95);
    expect(result.conductivitySPerCm / cell.trueConductivitySPerCm()).toBeLessThan(1.05);
  });

  it('refuses a sweep beyond the current limit, a potential bias and a DC current on PEIS before anything runs', () => {
    expect(() => engine.start({ protocol: 'eis', parameters: geis({ amplitude: '600 uA', dcCurrent: '-500 uA' }) })).toThrow(/exceeds the hard limit/);
    expect(() => engine.start({ protocol: 'eis', parameters: geis({ bias: { dc: 0, vs: 'absolute' } }) })).toThrow(/parameters\/bias/);
    expect(() => engine.start({ protocol: 'eis', parameters: geis({ mode: 'potentiostatic', amplitude: '10 mV', dcCurrent: '1 uA' }) })).toThrow(/parameters\/dcCurrent/);
    expect(docs.filter((d) => d.kind === 'run-start')).toEqual([]);
  });
});
