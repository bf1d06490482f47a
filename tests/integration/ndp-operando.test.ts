import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LI_PER_CM2_PER_MAH_PER_CM2, LiPlatingCell } from '../../simulators/potentiostat/cell/li-plating-cell.js';
import { collectingIo } from '../../src/cli/collecting-io.test-support.js';
import { analyzeLiEfficiencyCommand } from '../../src/cli/commands/analyze-li-efficiency.js';
import type { Document, FitResult, Progress, StreamEvent } from '../../src/core/documents.js';
import { toJsonSafe } from '../../src/core/documents.js';
import { ndpSourceOf } from '../../src/kinds/mca/simulator.js';
import { MCA_FLAGS } from '../../src/kinds/mca/streams.js';
import { potentiostatSimulatorOf } from '../../src/kinds/potentiostat/simulator.js';
import type { NdpPlatingParametersInput } from '../../src/protocols/ndp/ndp-parameters.js';
import { startTestLab, type LabFixture } from '../support/lab-fixture.js';
import { expectStoredAsPublished, recordPublishedEvents } from '../support/published-events.js';

/** Lab time 2000x real time: a 78-min cycle in 2.3 s (slower would be safer still; faster leaves a loaded machine too little real time per spectrum). */
const SCALE = 2000;
const CYCLES = 5;
/** The Li-on-Cu preset: a fifth of the plated Li left inactive per cycle, 5 % of the plating charge into side reactions. */
const INACTIVE = 0.2;
const SIDE = 0.05;
/** The deposit's density (60 % of dense Li, the preset's), for the depth scale of the reduction. */
const DEPOSIT_G_PER_CM3 = 0.6 * 0.534;

const LAB = `simulators:
  - { id: cell-sim, kind: potentiostat, cell: Li-on-Cu, link: tcp, seed: 71 }
  - { id: ndp-sim, kind: mca, model: dp5, link: udp, seed: 72, preset: ndp-li-on-cu, sample: cell-sim }
instruments:
  - { id: pstat1, kind: potentiostat, driver: methodscript, transport: sim://cell-sim, limits: { minV: -1.5, maxV: 3.8, maxAbsCurrentA: 0.005 } }
  - { id: mca1, kind: mca, driver: amptek-dp5, transport: sim://ndp-sim, options: { channels: 4096, energyCalibrationKeV: [0, 0.75, 0] } }
`;

const PARAMETERS: NdpPlatingParametersInput = {
  potentiostat: 'pstat1',
  mca: 'mca1',
  currentDensity: '1 mA/cm2',
  plating: { capacity: '0.5 mAh/cm2' },
  stripping: { cutoff: '1 V', maxDuration: '1 h' },
  cycles: CYCLES,
  rest: '12 min',
  sampleInterval: '10 s',
  // 5 min: longer than the MCA's shortest poll at 2000x (50 ms real, 100 lab s), so the monitor is read during a spectrum.
  spectrum: { realTime: '5 min' },
  monitor: { nominalRate: '1000 /s', probe: '1 min', settle: '2 min' },
  ndp: {
    stack: { detectorAngleDeg: 0, layers: [{ material: 'Cu', thicknessNm: 1000 }, { material: 'Li', thicknessNm: null, densityGPerCm3: DEPOSIT_G_PER_CM3 }] },
    calibration: 1e-17,
    resolutionFwhmKeV: 15,
  },
};

let fixture: LabFixture | null = null;
afterEach(async () => {
  await fixture?.close();
  fixture = null;
});

describe('operando NDP: Li plating and stripping with back-to-back spectra (simulated cell, potentiostat over TCP, DP5 over UDP)', () => {
  it('gives per cycle the Li efficiency and the Coulombic efficiency as the cell made them, and marks and leaves out a neutron monitor drop', async () => {
    fixture = await startTestLab(LAB, { timeScale: SCALE, api: false });
    const { lab } = fixture;
    const docs: Document[] = [];
    lab.bus.attach('test-recorder', (d) => docs.push(d));
    const published = recordPublishedEvents(lab.bus);
    const source = ndpSourceOf(lab.simulators.find((s) => s.id === 'ndp-sim')!);
    const cell = potentiostatSimulatorOf(lab.simulators.find((s) => s.id === 'cell-sim')!).cell;
    if (!(cell instanceof LiPlatingCell)) throw new Error('expected the Li-on-Cu cell');

    // The reactor drops to a fifth of its power during the second plating, and comes back after three probe spectra.
    const drop: { fromNs: bigint | null; toNs: bigint | null } = { fromNs: null, toNs: null };
    let probes = 0;
    lab.bus.attach('test-reactor', (d) => {
      if (d.kind !== 'event') return;
      if (d.stream === 'run.phases' && d.data.phase === 'plating' && d.data.cycle === 2 && drop.fromNs === null) {
        drop.fromNs = lab.clock.nowNs();
        source.setBeamFraction(0.2);
      }
      if (d.stream === 'mca1.spectrum' && drop.fromNs !== null && drop.toNs === null && (d.flags & MCA_FLAGS.monitor_low) !== 0 && ++probes === 3) {
        drop.toNs = lab.clock.nowNs();
        source.setBeamFraction(1);
      }
    });

    const { runId } = lab.engine.start({ protocol: 'ndp-plating', parameters: PARAMETERS });
    expect(await lab.engine.whenDone(runId)).toMatchObject({ exitStatus: 'success', reason: 'completed' });
    const fits = (method: string) => docs.filter((d): d is FitResult => d.kind === 'fit' && d.method === method);

    // Per cycle: Li efficiency (NDP) within 3 points of 1 - inactive, CE from the charge (1 - inactive)(1 - side), their difference as configured.
    const cycles = fits('li-efficiency').map((f) => f.result as Record<string, number | null> & { warnings: string[] });
    expect(cycles.map((c) => c.index)).toEqual([1, 2, 3, 4, 5]);
    for (const c of cycles) {
      expect(c.warnings).toEqual([]);
      expect(Math.abs(c.liEfficiency! - (1 - INACTIVE))).toBeLessThan(0.03);
      // Stripping ends at the sample past the cut-off: one 10 s sample is 0.7 % of its 23 min.
      expect(Math.abs(c.coulombicEfficiency! - (1 - INACTIVE) * (1 - SIDE))).toBeLessThan(0.01);
      expect(c.ceMinusLiEfficiency!).toBeLessThan(0);
      // Plated Li by NDP against the charge: the side reactions' share is missing (and the deposit displaces a little electrolyte).
      expect(c.platedLiPerCm2! / c.platingChargeAsLiPerCm2!).toBeCloseTo(1 - SIDE, 1);
    }
    // Inactive Li accumulates cycle by cycle, as the cell holds it at the end.
    const inactive = cycles.map((c) => c.inactiveLiPerCm2!);
    for (let k = 1; k < inactive.length; k++) expect(inactive[k]!).toBeGreaterThan(inactive[k - 1]!);
    expect(inactive.at(-1)! / cell.deposit().inactiveLiPerCm2).toBeGreaterThan(0.95);
    expect(inactive.at(-1)! / cell.deposit().inactiveLiPerCm2).toBeLessThan(1.03);
    expect(cell.deposit().inactiveLiPerCm2 / LI_PER_CM2_PER_MAH_PER_CM2).toBeCloseTo(CYCLES * INACTIVE * (1 - SIDE) * 0.5, 2);

    // The monitor drop: every spectrum begun while the beam was low is flagged and left out (the spectrum counting when it
    // dropped is flagged when its own monitor shows it, at a reading during it or at its end), and no spectrum kept counted
    // under a low monitor; counting paused, the electrochemistry did not.
    expect(drop.fromNs).not.toBeNull();
    expect(drop.toNs).not.toBeNull();
    const spectra = docs.filter((d): d is StreamEvent => d.kind === 'event' && d.stream === 'mca1.spectrum');
    const during = spectra.filter((e) => e.timestampNs >= drop.fromNs! && e.timestampNs < drop.toNs!);
    expect(during.length).toBeGreaterThanOrEqual(2);
    for (const e of during) expect(e.flags & MCA_FLAGS.monitor_low).toBe(MCA_FLAGS.monitor_low);
    const minRatePerS = 0.8 * 1000;
    for (const e of spectra.filter((s) => (s.flags & MCA_FLAGS.monitor_low) === 0)) {
      expect((e.data.monitor_counts as number) / (e.data.real_time as number)).toBeGreaterThanOrEqual(minRatePerS);
    }
    const profiles = fits('ndp-profile');
    const excluded = new Set(profiles.filter((f) => f.result.excluded === true).map((f) => f.index));
    for (const e of during) expect(excluded.has(e.seq)).toBe(true);
    const interruptions = docs.filter((d): d is StreamEvent => d.kind === 'event' && d.stream === 'run.interruptions').map((e) => `${e.data.state as string} ${e.data.condition as string}`);
    expect(interruptions).toEqual(expect.arrayContaining(['tripped mca1 neutron monitor', 'cleared mca1 neutron monitor']));
    expect(docs.filter((d): d is Progress => d.kind === 'progress' && d.phase === 'suspended')).toEqual([]);

    // The depth x time matrix for the heatmap: one column per spectrum kept.
    const [matrix] = fits('ndp-depth-time');
    const m = matrix!.result as { timeS: number[]; depthNm: number[]; liPerCm3: number[][] };
    expect(m.timeS).toHaveLength(spectra.length - excluded.size);
    expect(m.liPerCm3.every((column) => column.length === m.depthNm.length)).toBe(true);

    // Every event stored; the offline analysis of the stored run gives the live fit's numbers.
    await lab.writer.flush();
    expect(await expectStoredAsPublished(lab.store, published, [runId])).toBe(docs.filter((d) => d.kind === 'event').length);
    const io = collectingIo(fixture.dir);
    expect(await analyzeLiEfficiencyCommand.run(['--store', path.join(fixture.dir, 'lab.db'), '--run', runId, '--json'], io)).toBe(0);
    const offline = JSON.parse(io.out) as { cycles: unknown[] };
    expect(offline.cycles).toEqual(JSON.parse(JSON.stringify(toJsonSafe(cycles.map(({ ok: _ok, ...c }) => c)))));
  });

  it('refuses a plan the instruments cannot carry out, naming the parameter', () => {
    return (async () => {
      fixture = await startTestLab(LAB, { timeScale: SCALE, api: false });
      const start = (p: Partial<NdpPlatingParametersInput>) => () => fixture!.lab.engine.start({ protocol: 'ndp-plating', parameters: { ...PARAMETERS, ...p } });
      expect(start({ rest: '3 min' })).toThrow(/parameters\/rest: must hold at least two spectra/);
      expect(start({ currentDensity: '10 mA/cm2' })).toThrow(expect.objectContaining({ code: 'LIMIT_EXCEEDED' }));
      expect(start({ stripping: { cutoff: '5 V', maxDuration: '1 h' } })).toThrow(/stripping\/cutoff/);
      expect(start({ mca: 'pstat1' })).toThrow(/pstat1 is not an MCA/);
    })();
  });
});
