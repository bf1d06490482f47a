import { describe, expect, it } from 'vitest';
import { analyzeGitt } from './analyze.js';
import { checkPulse } from './plausibility.js';
import type { IrStepReading } from './ir-step.js';
import { sphereGittPulse, sphereSurfaceResponse, type SphereGittOptions } from './sphere-gitt.test-support.js';
import type { GittPulseResult } from './types.js';

// LixV2O5-like composite (the simulated lab's cell): 10 um particles, 5 mg of host, a sloping OCV,
// pulses at about C/10, 20 uV of voltage noise as the simulated potentiostat has.
const RADIUS_CM = 10e-4;
const BASE: SphereGittOptions = {
  radiusCm: RADIUS_CM,
  diffusionCm2PerS: 2e-11,
  hostMol: 5e-3 / 181.88,
  slopeVPerX: -0.2,
  e0V: 3.4,
  currentA: -1.5e-4,
  resistanceOhm: 100,
  pulseS: 600,
  pulseIntervalS: 1,
  restIntervalS: 1,
  firstRestS: 600,
  restS: 7200,
  stepGapS: 0.01,
  noiseV: 20e-6,
  seed: 1,
};

function analyse(o: SphereGittOptions) {
  const { series, truth } = sphereGittPulse(o);
  const { pulses } = analyzeGitt(series, { particleRadiusCm: o.radiusCm });
  expect(pulses).toHaveLength(1);
  return { pulse: pulses[0]!, truth };
}

/** The Weppner-Huggins D of the same transient read ideally: the analyser's dEs with the exact dEt (the true R removed). */
function idealDiffusion(pulse: GittPulseResult, dEtV: number, o: SphereGittOptions): number {
  return ((4 * o.radiusCm ** 2) / (9 * Math.PI * o.pulseS)) * (pulse.dEsV! / dEtV) ** 2;
}

describe("Crank's sphere series (the independent model of the accuracy tests)", () => {
  it('starts as the semi-infinite solid with curvature, exp(T) erfc(-sqrt T) - 1 = 2 sqrt(T/pi) + T + ..., and ends as 3 T + 1/5', () => {
    for (const T of [1e-6, 1e-4, 1e-3]) {
      const shortTime = 2 * Math.sqrt(T / Math.PI) + T + (4 / (3 * Math.sqrt(Math.PI))) * T ** 1.5;
      expect(Math.abs(sphereSurfaceResponse(T) / shortTime - 1)).toBeLessThan(T);
    }
    expect(sphereSurfaceResponse(2)).toBeCloseTo(6.2, 12);
    expect(sphereSurfaceResponse(0)).toBe(0);
  });
});

describe('the IR step on sphere-diffusion transients of known R', () => {
  // tau D/r^2 from 0.0006 to 0.06: the regime where Weppner-Huggins holds; IR steps of 3 and 30 mV,
  // charge and discharge, 1 s and 10 s sampling, three noise seeds each.
  const cases: Array<{ name: string; o: SphereGittOptions }> = [];
  for (const diffusionCm2PerS of [5e-12, 2e-11, 1e-10]) {
    for (const resistanceOhm of [20, 200]) {
      for (const currentA of [1.5e-4, -1.5e-4]) {
        for (const [pulseS, intervalS] of [
          [600, 1],
          [600, 10],
          [120, 1],
        ] as const) {
          const o = { ...BASE, diffusionCm2PerS, resistanceOhm, currentA, pulseS, pulseIntervalS: intervalS, restIntervalS: intervalS, stepGapS: 0.01 * intervalS };
          cases.push({ name: `${diffusionCm2PerS} cm2/s ${resistanceOhm} ohm ${currentA * 1e3} mA ${pulseS}/${intervalS} s`, o });
        }
      }
    }
  }

  it.for(cases)('R within 3 %, D within 5 % of ideal: $name', async ({ o }, { annotate }) => {
    let worstR = 0;
    let worstD = 0;
    for (const seed of [1, 2, 3]) {
      const { pulse, truth } = analyse({ ...o, seed });
      const errorR = pulse.resistanceOhm! / o.resistanceOhm - 1;
      const errorD = pulse.diffusionCm2PerS! / idealDiffusion(pulse, truth.dEtV, o) - 1;
      expect(Math.abs(errorR)).toBeLessThan(0.03);
      expect(Math.abs(errorD)).toBeLessThan(0.05);
      expect(Math.abs(pulse.dEtV! / truth.dEtV - 1)).toBeLessThan(0.025);
      expect(pulse.warnings.filter((w) => w.includes('R ') || w.includes('dEt'))).toEqual([]);
      worstR = Math.max(worstR, Math.abs(errorR));
      worstD = Math.max(worstD, Math.abs(errorD));
    }
    await annotate(`worst of 3 seeds: R ${(worstR * 100).toFixed(2)} %, D ${(worstD * 100).toFixed(2)} %`);
  });

  it('reads a pulse at the edge of the regime (tau D/r^2 = 0.18) within 5 % on R and 3 % on D', async ({ annotate }) => {
    const o = { ...BASE, diffusionCm2PerS: 1e-10, pulseS: 1800, pulseIntervalS: 10, restIntervalS: 10, stepGapS: 0.1, resistanceOhm: 20 };
    const { pulse, truth } = analyse(o);
    const errorR = pulse.resistanceOhm! / o.resistanceOhm - 1;
    const errorD = pulse.diffusionCm2PerS! / idealDiffusion(pulse, truth.dEtV, o) - 1;
    expect(Math.abs(errorR)).toBeLessThan(0.05);
    expect(Math.abs(errorD)).toBeLessThan(0.03);
    await annotate(`R ${(errorR * 100).toFixed(2)} %, D ${(errorD * 100).toFixed(2)} %`);
  });
});

describe('rests sampled coarsely', () => {
  it('a rest sampled every minute after a 2 min pulse: the switch-on alone, within 3 %, without a false disagreement', () => {
    for (const seed of [1, 2, 3]) {
      const o = { ...BASE, pulseS: 120, pulseIntervalS: 2, restIntervalS: 60, seed };
      const { pulse, truth } = analyse(o);
      expect(Math.abs(pulse.resistanceOhm! / o.resistanceOhm - 1)).toBeLessThan(0.03);
      expect(Math.abs(pulse.diffusionCm2PerS! / idealDiffusion(pulse, truth.dEtV, o) - 1)).toBeLessThan(0.05);
      expect(pulse.warnings).toEqual([]);
    }
  });
});

describe('implausible pulses are warnings on the pulse', () => {
  it('a negative resistance beyond the noise: warned, and no Weppner-Huggins D', () => {
    const { pulse } = analyse({ ...BASE, resistanceOhm: -50 });
    expect(pulse.resistanceOhm!).toBeCloseTo(-50, 0);
    expect(pulse.warnings.some((w) => w.includes('is negative: the IR step'))).toBe(true);
    expect(pulse.diffusionCm2PerS).toBeNull();
  });

  it('a resistance of zero reads as zero within the noise and keeps D', () => {
    for (const seed of [1, 2, 3, 4]) {
      const { pulse } = analyse({ ...BASE, resistanceOhm: 0, seed });
      expect(Math.abs(pulse.irDropV!)).toBeLessThan(30e-6);
      expect(pulse.diffusionCm2PerS).not.toBeNull();
      // A reading that came out negative says so as noise, not as a broken step.
      const negative = pulse.warnings.filter((w) => w.includes('negative'));
      expect(negative).toEqual(pulse.irDropV! * Math.sign(BASE.currentA) < 0 ? [expect.stringContaining('within the noise')] : []);
    }
  });

  it('dEt and dEs against the current (an OCV rising on insertion): warned, and no D', () => {
    for (const currentA of [1.5e-4, -1.5e-4]) {
      const { pulse } = analyse({ ...BASE, currentA, slopeVPerX: 0.2 });
      expect(Math.sign(pulse.dEtV!)).toBe(-Math.sign(currentA));
      expect(pulse.warnings.some((w) => w.startsWith('dEt = ') && w.includes('goes against the current'))).toBe(true);
      expect(pulse.warnings.some((w) => w.startsWith('dEs = ') && w.includes('goes against the current'))).toBe(true);
      expect(pulse.diffusionCm2PerS).toBeNull();
    }
  });

  it('a step at the switch-on that the switch-off does not undo (not ohmic): the two readings disagree, warned', () => {
    const { series, truth } = sphereGittPulse(BASE);
    // A further 15 mV at the switch-on that fades linearly over the pulse: the switch-on reads 200 ohm, the switch-off still 100.
    const extraV = (k: number) => BASE.currentA * BASE.resistanceOhm * (1 - (series.timeS[k]! - truth.onS) / BASE.pulseS);
    const voltageV = series.voltageV.map((v, k) => (series.currentA[k] !== 0 ? v + extraV(k) : v));
    const [pulse] = analyzeGitt({ ...series, voltageV }, { particleRadiusCm: RADIUS_CM }).pulses;
    expect(pulse!.resistanceOhm!).toBeCloseTo(200, 0);
    expect(pulse!.warnings).toContainEqual(expect.stringMatching(/^R read at the switch-on \(200 ohm\) and at the switch-off \((99\.\d|100) ohm\) disagree beyond their noise.*no Weppner-Huggins D$/));
    expect(pulse!.diffusionCm2PerS).toBeNull();
  });
});

describe('checkPulse', () => {
  const reading = (over: Partial<IrStepReading>): IrStepReading => ({
    onV: 3.4,
    endV: 3.38,
    irDropV: -3e-3,
    irDropStderrV: 10e-6,
    switchOnV: -3e-3,
    switchOffV: -3e-3,
    disagree: false,
    warnings: [],
    ...over,
  });

  it('passes a discharge pulse whose signs are all right', () => {
    expect(checkPulse({ currentA: -1e-4, ir: reading({}), dEtV: -20e-3, dEsV: -5e-3 })).toEqual({
      warnings: [],
      weppnerHugginsTrusted: true,
      sqrtTTrusted: true,
    });
  });

  it('keeps D when the switch-on and switch-off readings disagree by less than 5 % of dEt, withholds it beyond', () => {
    const slight = checkPulse({ currentA: -1e-4, ir: reading({ switchOffV: -3.6e-3, disagree: true }), dEtV: -20e-3, dEsV: -5e-3 });
    expect(slight.weppnerHugginsTrusted).toBe(true);
    expect(slight.warnings).toEqual([expect.stringContaining('R read at the switch-on (30.0 ohm) and at the switch-off (36.0 ohm) disagree')]);
    const large = checkPulse({ currentA: -1e-4, ir: reading({ switchOffV: -5e-3, disagree: true }), dEtV: -20e-3, dEsV: -5e-3 });
    expect(large.weppnerHugginsTrusted).toBe(false);
    expect(large.sqrtTTrusted).toBe(true);
    expect(large.warnings[0]).toContain('no Weppner-Huggins D');
  });

  it('tells a negative step within the noise from one beyond it, for charge as for discharge', () => {
    for (const currentA of [1e-4, -1e-4]) {
      const small = checkPulse({ currentA, ir: reading({ irDropV: -Math.sign(currentA) * 20e-6 }), dEtV: Math.sign(currentA) * 20e-3, dEsV: null });
      expect(small.weppnerHugginsTrusted).toBe(true);
      expect(small.warnings).toEqual([expect.stringContaining('negative within the noise of the IR step (3 sigma = 0.0300 mV)')]);
      const large = checkPulse({ currentA, ir: reading({ irDropV: -Math.sign(currentA) * 1e-3 }), dEtV: Math.sign(currentA) * 20e-3, dEsV: null });
      expect(large.weppnerHugginsTrusted).toBe(false);
      expect(large.warnings).toEqual([expect.stringContaining('R = -10.0 ohm is negative: the IR step')]);
    }
  });
});
