import { afterEach, describe, expect, it } from 'vitest';
import { createCell } from '../../simulators/potentiostat/cell/create-cell.js';
import { NDP_SOURCE_DEFAULTS } from '../../simulators/ndp/ndp-presets.js';
import { DENSE_LITHIUM_ATOMS_PER_CM3 } from '../../src/analysis/ndp/constants.js';
import { NdpReducer } from '../../src/analysis/ndp/reduce.js';
import type { NdpStack } from '../../src/analysis/ndp/stack.js';
import { ScaledClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import type { RunningSimulator } from '../../src/kinds/kind.js';
import type { McaInstrumentConfig, McaSimulatorConfig } from '../../src/kinds/mca/config.js';
import { connectMca } from '../../src/kinds/mca/connect.js';
import type { McaAcquisition, McaInstrument } from '../../src/kinds/mca/instrument.js';
import { ndpSourceOf, startMcaSimulatorOf } from '../../src/kinds/mca/simulator.js';
import { SimulatorSettingsError, startStandaloneSimulator } from '../../src/kinds/simulator-models.js';

/**
 * The physical NDP simulator through the real DP5 link: the kind's simulator
 * factory with an NDP preset on a pseudo-terminal or UDP, the MCA instrument
 * (driver src/kinds/mca) acquiring to its preset on a scaled lab clock, and
 * the spectra reduced by src/analysis/ndp/reduce.ts.
 *
 * Counting: K = 1e-17 counts/s per Li/cm2 (the presets'), so 5 um of dense Li
 * (2.32e19 Li/cm2) gives 232 counts/s per branch, 8.3e5 in an hour: counting
 * errors of 0.1-0.3 % against the 3 % and 5 % asked, so a miss is a fault of
 * the physics, the link or the reduction.
 */
const SCALE = 36_000; // an hour of lab time in 0.1 s
const HOUR_S = 3600;
const MA = 1e-3;
/** Above 2737 keV only background arrives (tritons leave 1 um of Cu with 2614 keV at most): its mean is subtracted. */
const BACKGROUND = { kind: 'region', fromChannel: 3650, toChannel: 4095 } as const;
const LI_BEHIND_CU = (densityGPerCm3 = 0.534): NdpStack => ({
  detectorAngleDeg: 0,
  layers: [{ material: 'Cu', thicknessNm: 1000 }, { material: 'Li', thicknessNm: null, densityGPerCm3 }],
});

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function ndpSimulator(config: Partial<McaSimulatorConfig>, clock: ScaledClock): Promise<RunningSimulator> {
  const running = await startMcaSimulatorOf({ id: 'ndp-sim', kind: 'mca', model: 'dp5', link: 'pty', seed: 11, ...config }, { clock, logger: silentLogger });
  closers.push(() => running.close());
  return running;
}

/** The MCA instrument of a lab file on the simulator (`sim://`): driver, link and the agreed energy calibration. */
async function mcaOn(running: RunningSimulator, clock: ScaledClock, options: McaInstrumentConfig['options'] = {}): Promise<McaInstrument> {
  const config: McaInstrumentConfig = { id: 'mca1', kind: 'mca', driver: 'amptek-dp5', transport: `sim://${running.id}`, options };
  const instrument = (await connectMca(config, { clock, logger: silentLogger, url: running.url, simulator: running })) as McaInstrument;
  closers.push(() => instrument.close());
  expect(await instrument.connect()).toBe(true);
  return instrument;
}

const acquire = (mca: McaInstrument, realTimeS: number) => mca.acquire({ realTimeS }, new AbortController().signal);
const reducerFor = (stack: NdpStack, monitorFactor = 1) =>
  new NdpReducer({ stack, calibrationCountsPerSPerLiPerCm2: NDP_SOURCE_DEFAULTS.calibrationCountsPerSPerLiPerCm2, resolutionFwhmKeV: NDP_SOURCE_DEFAULTS.resolutionFwhmKeV, background: BACKGROUND, monitorFactor });
const monitorFactorOf = ({ status, spectrum }: McaAcquisition) => status.monitorCounts / (NDP_SOURCE_DEFAULTS.monitorPerS * spectrum.realTimeS!);

describe('the NDP simulator through the DP5 link', () => {
  it('ndp-li-layer over UDP: the reduced spectrum gives the layer, 5 um of dense Li behind 1 um of Cu', async () => {
    const clock = new ScaledClock(SCALE);
    const running = await ndpSimulator({ preset: 'ndp-li-layer', link: 'udp' }, clock);
    const mca = await mcaOn(running, clock);
    // The instrument records the simulator's calibration: the one its spectra follow.
    expect(mca.energyCalibrationKeV).toEqual([0, 0.75, 0]);
    const { spectrum, status } = await acquire(mca, HOUR_S);
    expect(status.presetReached).toBe(true);
    expect(spectrum.energyCalibrationKeV).toEqual([0, 0.75, 0]);
    const reduction = reducerFor(LI_BEHIND_CU()).reduce(spectrum);
    const truthLiPerCm2 = DENSE_LITHIUM_ATOMS_PER_CM3 * 5e-4;
    expect(Math.abs(reduction.arealDensityLiPerCm2.value / truthLiPerCm2 - 1)).toBeLessThan(0.03);
    // A uniform layer at the face: its thickness is twice its count-weighted mean depth.
    expect(Math.abs((2 * reduction.meanDepthNm!) / 5000 - 1)).toBeLessThan(0.05);
    expect(reduction.warnings).toEqual([]);
  });

  it('ndp-li-on-cu on a pseudo-terminal: plated and inactive Li of a Li-on-Cu cell, as the cell says, from spectra before and after', async () => {
    const clock = new ScaledClock(SCALE);
    const running = await ndpSimulator({ preset: 'ndp-li-on-cu', link: 'pty' }, clock);
    const cell = createCell('Li-on-Cu');
    const unfollow = running.profileLiOf!(() => cell.deposit());
    closers.push(async () => unfollow());
    const mca = await mcaOn(running, clock);
    // The user's stack: Li at the deposit's density (the areal density does not depend on it: the window is set by the Cu).
    const reducer = reducerFor(LI_BEHIND_CU(0.534 * cell.parameters.depositRelativeDensity));
    const arealDensity = async () => reducer.reduce((await acquire(mca, HOUR_S)).spectrum).arealDensityLiPerCm2.value;

    // Before: the electrolyte's Li only (1 M LiPF6 within the triton window's depth).
    const before = await arealDensity();
    expect(before).toBeGreaterThan(0);
    // Plating 1 mA on 1 cm2 for an hour, driven on the cell directly (between spectra).
    cell.advanceGalvanostatic(HOUR_S, -1 * MA);
    const plated = cell.deposit().activeLiPerCm2;
    const afterPlating = await arealDensity();
    // Stripping at 1 mA until the active Li is gone: the inactive fifth stays.
    cell.advanceGalvanostatic(2 * HOUR_S, 1 * MA);
    const { activeLiPerCm2, inactiveLiPerCm2 } = cell.deposit();
    expect(activeLiPerCm2).toBe(0);
    expect(inactiveLiPerCm2 / plated).toBeCloseTo(cell.parameters.inactiveFractionPerCycle, 9);
    const afterStripping = await arealDensity();

    // 3 %: counting errors are 0.3 % (plated) and 0.7 % (inactive); the deposit pushes some electrolyte Li
    // beyond the window's depth (0.5 % of the plated Li), the rest is what is being tested.
    expect(Math.abs((afterPlating - before) / plated - 1)).toBeLessThan(0.03);
    expect(Math.abs((afterStripping - before) / inactiveLiPerCm2 - 1)).toBeLessThan(0.03);
    // The Li efficiency of the cycle from NDP: stripped over plated, 1 - inactive fraction.
    expect((afterPlating - afterStripping) / (afterPlating - before)).toBeCloseTo(1 - cell.parameters.inactiveFractionPerCycle, 1);
  });

  it('operando simulate dp5 --preset ndp-li-layer: served over TCP on its own, read with the calibration the README gives', async () => {
    const clock = new ScaledClock(SCALE);
    const running = await startStandaloneSimulator('dp5', { link: 'tcp', seed: 4, variant: 'ndp-li-layer' }, { clock, logger: silentLogger });
    closers.push(() => running.close());
    expect(running.url).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    // A lab on another machine points a tcp:// transport at it: no simulator to agree with, so the lab file gives the calibration.
    const config: McaInstrumentConfig = { id: 'mca1', kind: 'mca', driver: 'amptek-dp5', transport: running.url, options: { energyCalibrationKeV: [0, 0.75, 0] } };
    const mca = (await connectMca(config, { clock, logger: silentLogger, url: running.url })) as McaInstrument;
    closers.push(() => mca.close());
    expect(await mca.connect()).toBe(true);
    const reduction = reducerFor(LI_BEHIND_CU()).reduce((await acquire(mca, HOUR_S)).spectrum);
    expect(Math.abs(reduction.equivalentDenseLiUm / 5 - 1)).toBeLessThan(0.03);
    // The preset that profiles a cell needs a lab file.
    await expect(startStandaloneSimulator('dp5', { link: 'tcp', seed: 4, variant: 'ndp-li-on-cu' }, { clock, logger: silentLogger })).rejects.toThrow(SimulatorSettingsError);
  });

  it('setBeamFraction(0.2): the monitor counts and the spectrum counts drop together, and the monitor-normalised areal density stays', async () => {
    const clock = new ScaledClock(SCALE);
    const running = await ndpSimulator({ preset: 'ndp-li-layer', link: 'udp' }, clock);
    const mca = await mcaOn(running, clock);
    const full = await acquire(mca, HOUR_S);
    ndpSourceOf(running).setBeamFraction(0.2);
    const low = await acquire(mca, HOUR_S);
    const stack = LI_BEHIND_CU();
    const fullReduction = reducerFor(stack, monitorFactorOf(full)).reduce(full.spectrum);
    const lowReduction = reducerFor(stack, monitorFactorOf(low)).reduce(low.spectrum);
    // Monitor: Poisson of 3.6e6 and 7.2e5 counts (0.1 %); net Li counts 8.3e5 and 1.7e5 per branch (0.3 %): 2 % is many standard errors.
    expect(low.status.monitorCounts / full.status.monitorCounts).toBeCloseTo(0.2, 2);
    expect(Math.abs(lowReduction.netCounts.value / fullReduction.netCounts.value / 0.2 - 1)).toBeLessThan(0.02);
    expect(monitorFactorOf(low)).toBeCloseTo(0.2, 2);
    // Normalised by the monitor, the reduced beam sees the same Li.
    expect(Math.abs(lowReduction.arealDensityLiPerCm2.value / fullReduction.arealDensityLiPerCm2.value - 1)).toBeLessThan(0.03);
  });
});
