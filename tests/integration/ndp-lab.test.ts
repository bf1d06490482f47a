import { afterEach, describe, expect, it } from 'vitest';
import { LiPlatingCell } from '../../simulators/potentiostat/cell/li-plating-cell.js';
import { NDP_SOURCE_DEFAULTS } from '../../simulators/ndp/ndp-presets.js';
import { NdpReducer } from '../../src/analysis/ndp/reduce.js';
import { ConfigError, parseLabConfig } from '../../src/config/load.js';
import type { McaInstrument } from '../../src/kinds/mca/instrument.js';
import { ndpSourceOf } from '../../src/kinds/mca/simulator.js';
import { potentiostatSimulatorOf } from '../../src/kinds/potentiostat/simulator.js';
import { startTestLab, type LabFixture } from '../support/lab-fixture.js';

/** An hour of lab time in 0.1 s. */
const SCALE = 36_000;
const HOUR_S = 3600;

/**
 * A lab file with a Li-on-Cu cell on a simulated potentiostat and an NDP
 * detector (`ndp-li-on-cu`) that sees it; the MCA reads 8192 channels with
 * the lab file's own energy calibration, which the simulated detector takes.
 */
const LAB = `simulators:
  - { id: cell-sim, kind: potentiostat, cell: Li-on-Cu, link: tcp, seed: 1 }
  - { id: ndp-sim, kind: mca, model: dp5, link: udp, seed: 2, preset: ndp-li-on-cu, sample: cell-sim }
instruments:
  - { id: pstat1, kind: potentiostat, driver: methodscript, transport: sim://cell-sim, limits: { minV: -0.5, maxV: 3.8, maxAbsCurrentA: 0.005 } }
  - { id: mca1, kind: mca, driver: amptek-dp5, transport: sim://ndp-sim, options: { channels: 8192, energyCalibrationKeV: [0, 0.4, 0] } }
`;

let fixture: LabFixture | null = null;
afterEach(async () => {
  await fixture?.close();
  fixture = null;
});

describe('a lab file with an NDP detector on a Li-on-Cu cell', () => {
  it('starts, and its detector sees the Li plated on the cell of the potentiostat simulator it names', async () => {
    fixture = await startTestLab(LAB, { timeScale: SCALE, api: false });
    const { lab } = fixture;
    const mca = lab.instruments.get('mca1') as McaInstrument;
    expect(mca.status().connection).toBe('connected');
    expect(lab.instruments.get('pstat1')!.status().connection).toBe('connected');
    // One calibration for the instrument's records and the detector's counts: the lab file's.
    const ndpSim = lab.simulators.find((s) => s.id === 'ndp-sim')!;
    expect(ndpSourceOf(ndpSim).energyCalibrationKeV(8192)).toEqual([0, 0.4, 0]);
    expect(mca.energyCalibrationKeV).toEqual([0, 0.4, 0]);

    const cell = potentiostatSimulatorOf(lab.simulators.find((s) => s.id === 'cell-sim')!).cell;
    if (!(cell instanceof LiPlatingCell)) throw new Error('expected the Li-on-Cu cell');
    const reducer = new NdpReducer({
      stack: { detectorAngleDeg: 0, layers: [{ material: 'Cu', thicknessNm: 1000 }, { material: 'Li', thicknessNm: null }] },
      calibrationCountsPerSPerLiPerCm2: NDP_SOURCE_DEFAULTS.calibrationCountsPerSPerLiPerCm2,
      resolutionFwhmKeV: NDP_SOURCE_DEFAULTS.resolutionFwhmKeV,
      // 2738..3277 keV at 0.4 keV per channel: above every triton.
      background: { kind: 'region', fromChannel: 6845, toChannel: 8191 },
    });
    const arealDensity = async () => reducer.reduce((await mca.acquire({ realTimeS: HOUR_S }, new AbortController().signal)).spectrum).arealDensityLiPerCm2.value;
    const before = await arealDensity();
    // 0.5 mAh/cm2 plated on the simulator's cell (the potentiostat link is not needed to move it).
    cell.advanceGalvanostatic(HOUR_S / 2, -1e-3);
    const plated = cell.deposit().activeLiPerCm2;
    const after = await arealDensity();
    // 3 %: counting errors 0.4 %, electrolyte Li pushed beyond the window 0.5 %.
    expect(Math.abs((after - before) / plated - 1)).toBeLessThan(0.03);
  });

  it('is refused with the path and the reason when its sample is no Li plating cell, before anything starts', () => {
    const refusal = (body: string) => {
      try {
        parseLabConfig(`lab: { name: ndp, timeScale: ${SCALE} }\nstore: { kind: sqlite, path: lab.db }\napi: { tokens: [{ name: viewer, role: viewer, token: viewer-token-0000000001 }] }\n${body}`, 'lab.yaml', {});
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as ConfigError).message;
      }
      throw new Error('the lab file was taken');
    };
    expect(refusal(LAB.replace('cell: Li-on-Cu', 'cell: NMC532'))).toBe(
      'lab.yaml: /simulators/1/sample: simulator "cell-sim" (potentiostat) has no Li plating cell to profile: name a potentiostat simulator with cell: Li-on-Cu',
    );
    expect(refusal(LAB.replace('sample: cell-sim', 'sample: cell-sm'))).toBe('lab.yaml: /simulators/1/sample: no simulator with id "cell-sm" in /simulators');
  });
});
