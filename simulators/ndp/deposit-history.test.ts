import { describe, expect, it } from 'vitest';
import { BeamLog, DepositHistory, type StretchIntegral } from './deposit-history.js';

const S = 1_000_000_000n;
const at = (seconds: number) => BigInt(seconds) * S;
const sample = (seconds: number, depositLiPerCm2: number, electrolyteLiPerCm3 = 0) => ({ atNs: at(seconds), depositLiPerCm2, electrolyteLiPerCm3 });
/** The beam-weighted time integral of the deposit over the stretch. */
const integralOf = (stretch: StretchIntegral) => stretch.shares.reduce((sum, s) => sum + s.beamSeconds * s.sample.depositLiPerCm2, 0);

describe('the deposit history of the NDP source', () => {
  it('integrates a deposit sampled while it grows linearly exactly, wherever the stretch starts and ends between samples', () => {
    const history = new DepositHistory(100);
    // 2 Li/cm2 per second, sampled every 10 s.
    for (let t = 0; t <= 100; t += 10) history.record(sample(t, 2 * t));
    const stretch = history.integrate(at(13), at(57), new BeamLog(10));
    expect(stretch.beamSeconds).toBeCloseTo(44, 12);
    // Integral of 2t from 13 to 57 = 57^2 - 13^2.
    expect(integralOf(stretch)).toBeCloseTo(57 * 57 - 13 * 13, 9);
  });

  it('holds the first and the last sample beyond them, and keeps a step at one instant a step', () => {
    const history = new DepositHistory(100);
    history.record(sample(10, 5));
    history.record(sample(20, 5));
    history.record(sample(20, 9));
    history.record(sample(30, 9));
    const stretch = history.integrate(at(0), at(40), new BeamLog(10));
    // 5 for 0..20, 9 for 20..40.
    expect(integralOf(stretch)).toBeCloseTo(5 * 20 + 9 * 20, 9);
  });

  it('weights each piece by the beam fraction in effect, counts and beam-seconds alike', () => {
    const history = new DepositHistory(100);
    history.record(sample(0, 4));
    const beam = new BeamLog(10);
    beam.set(at(30), 0.2);
    beam.set(at(50), 0);
    beam.set(at(70), 1);
    const stretch = history.integrate(at(0), at(100), beam);
    expect(stretch.beamSeconds).toBeCloseTo(30 + 0.2 * 20 + 0 + 30, 9);
    expect(integralOf(stretch)).toBeCloseTo(4 * stretch.beamSeconds, 9);
    expect(beam.fractionAt(at(40))).toBe(0.2);
    expect(beam.current()).toBe(1);
  });

  it('keeps a run of equal samples as its two ends, forgets what no later stretch needs, and stays within its bound', () => {
    const history = new DepositHistory(8);
    for (let t = 0; t < 1000; t++) history.record(sample(t, 7));
    expect(history.size).toBe(2);
    history.record(sample(1000, 8));
    history.forgetBefore(at(999));
    // The run's end at 999 is kept (a stretch from 999 starts there), the run's start dropped.
    expect(history.size).toBe(2);
    expect(integralOf(history.integrate(at(999), at(1000), new BeamLog(10)))).toBeCloseTo(7.5, 9);
    for (let t = 0; t < 100; t++) history.record(sample(2000 + t, t));
    expect(history.size).toBeLessThanOrEqual(10);
  });
});
