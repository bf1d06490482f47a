import { describe, expect, it } from 'vitest';
import { clearSpectrumRequest, enableMcaRequest, textConfigurationRequest } from '../../drivers/mca/amptek-dp5/requests.js';
import { NdpReducer } from '../../src/analysis/ndp/reduce.js';
import { msToNs, type Clock } from '../../src/core/clock.js';
import type { LiDepositState } from '../potentiostat/cell/li-plating-cell.js';
import { Dp5Device } from './dp5-device.js';
import { NDP_LI_LAYER, NDP_SOURCE_DEFAULTS } from './ndp-presets.js';
import { NdpSpectrumSource } from './ndp-source.js';

/**
 * Lab time that moves only when the test says; a sleeper wakes when the
 * test moves the time past its end, each at its own instant and in order,
 * with a turn of the event loop to sleep again (the source's sampler).
 */
class SteppedClock implements Clock {
  readonly scale = 1;
  private ms = Date.UTC(2025, 0, 1);
  private sleepers: Array<{ atMs: number; wake: () => void }> = [];
  nowMs(): number {
    return this.ms;
  }
  nowNs(): bigint {
    return msToNs(this.ms);
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(signal!.reason);
      };
      const sleeper = {
        atMs: this.ms + ms,
        wake: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
  async advanceS(seconds: number): Promise<void> {
    const targetMs = this.ms + seconds * 1000;
    for (;;) {
      const next = this.sleepers.reduce<{ atMs: number; wake: () => void } | null>((first, s) => (s.atMs <= targetMs && (!first || s.atMs < first.atMs) ? s : first), null);
      if (!next) break;
      this.sleepers = this.sleepers.filter((s) => s !== next);
      this.ms = next.atMs;
      next.wake();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.ms = targetMs;
  }
}

const CHANNELS = 4096;
const reducer = new NdpReducer({
  stack: { detectorAngleDeg: 0, layers: [{ material: 'Cu', thicknessNm: 1000 }, { material: 'Li', thicknessNm: null }] },
  calibrationCountsPerSPerLiPerCm2: NDP_SOURCE_DEFAULTS.calibrationCountsPerSPerLiPerCm2,
  resolutionFwhmKeV: NDP_SOURCE_DEFAULTS.resolutionFwhmKeV,
});
/** No background: rounded to whole counts, a flat background would be off by the same fraction of a count in every channel. */
const NO_BACKGROUND = { ...NDP_SOURCE_DEFAULTS, backgroundPerSPerKeV: 0 };

/** The areal density (Li/cm2) of expected counts over `seconds`, rounded to whole counts (+-0.5 at random per channel). */
function arealDensity(source: NdpSpectrumSource, counts: Float64Array, seconds: number): number {
  const spectrum = { counts: Uint32Array.from(counts, (c) => Math.round(c)), liveTimeS: seconds, realTimeS: seconds, startNs: null, energyCalibrationKeV: source.energyCalibrationKeV(CHANNELS) };
  return reducer.reduce(spectrum).arealDensityLiPerCm2.value;
}

describe('the NDP spectrum source (a neutron beam on a Li sample)', () => {
  it('follows a deposit that changes within one stretch by sampling it on the lab clock', async () => {
    const clock = new SteppedClock();
    const source = new NdpSpectrumSource(NO_BACKGROUND, clock);
    // Plating at 1e16 Li/cm2/s for 600 s, then at rest for 600 s: the mean over the stretch is 4.5e18 Li/cm2
    // (0.75 of the final 6e18); the two ends alone would say 3e18.
    const fromNs = clock.nowNs();
    const rate = 1e16;
    const deposit = (): LiDepositState => {
      const li = rate * Math.min(600, Number(clock.nowNs() - fromNs) / 1e9);
      return { activeLiPerCm2: li, inactiveLiPerCm2: 0, layers: li > 0 ? [{ fromNm: 0, toNm: (li / 2.78e22) * 1e7, liPerCm3: 2.78e22 }] : [], electrolyteLiPerCm3: 0 };
    };
    const stop = source.follow(deposit);
    await clock.advanceS(1200);
    const accumulation = source.accumulate(fromNs, clock.nowNs(), CHANNELS);
    // Samples every 5 s with the kink on one: the trapezoid is exact; what is left is rounding 54000 counts per branch to whole counts.
    expect(arealDensity(source, accumulation.counts, 1200) / 4.5e18).toBeCloseTo(1, 3);
    expect(accumulation.monitorCounts).toBeCloseTo(NDP_SOURCE_DEFAULTS.monitorPerS * 1200, 6);
    stop();
    source.close();
  });

  it('lowers counts and monitor together from the instant the beam drops, within a stretch of the DP5', async () => {
    const clock = new SteppedClock();
    const source = new NdpSpectrumSource(NDP_SOURCE_DEFAULTS, clock);
    source.follow(() => NDP_LI_LAYER, { sampled: false });
    const device = new Dp5Device({ clock, source, seed: 5 });
    const count = async (beforeS: number, fraction: number, afterS: number) => {
      source.setBeamFraction(1);
      device.receive(textConfigurationRequest(`MCAC=${CHANNELS};PRET=OFF;`, 512));
      device.receive(clearSpectrumRequest());
      device.receive(enableMcaRequest());
      await clock.advanceS(beforeS);
      source.setBeamFraction(fraction);
      await clock.advanceS(afterS);
      return device.state();
    };
    const full = await count(1800, 1, 1800);
    const dropped = await count(1800, 0.2, 1800);
    // Beam-seconds: 3600 against 1800 + 0.2 x 1800 = 2160, a ratio of 0.6. Monitor counts are Poisson of 3.6e6
    // and 2.2e6 (0.1 %), spectrum counts of about 2e6 and 1.2e6 (0.1 %): 1 % is ten standard errors.
    expect(full.monitorCounts / (NDP_SOURCE_DEFAULTS.monitorPerS * 3600)).toBeCloseTo(1, 2);
    expect(dropped.monitorCounts / full.monitorCounts).toBeCloseTo(0.6, 2);
    expect(dropped.totalCounts / full.totalCounts).toBeCloseTo(0.6, 2);
    expect(source.beamFraction).toBe(0.2);
    expect(() => source.setBeamFraction(-0.1)).toThrow(RangeError);
  });

  it('takes the energy calibration of the instrument that reads it, split over other channel counts as one ADC range', () => {
    const source = new NdpSpectrumSource(NDP_SOURCE_DEFAULTS, new SteppedClock());
    expect(source.agreeEnergyCalibration(4096, null)).toEqual([0, 0.75, 0]);
    expect(source.agreeEnergyCalibration(8192, [0, 0.4, 0])).toEqual([0, 0.4, 0]);
    // Channel 0 of 4096 covers channels 0 and 1 of 8192: its centre lies at 0.5 of those, 0.2 keV.
    const [c0, c1, c2] = source.energyCalibrationKeV(4096);
    expect(c0).toBeCloseTo(0.2, 12);
    expect(c1).toBeCloseTo(0.8, 12);
    expect(c2).toBe(0);
    expect(() => source.agreeEnergyCalibration(4096, [3000, -0.5, 0])).toThrow(/does not increase/);
  });
});
