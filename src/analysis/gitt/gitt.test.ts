import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FARADAY_C_PER_MOL } from '../../core/physical-constants.js';
import { AnalysisError } from '../errors.js';
import { GittAnalyser, analyzeGitt, type GittPulseResult, type GittSample } from './index.js';
import { syntheticGittRun, type SyntheticGittOptions } from './synthetic-run.js';
import { codeOf } from '../error-code.test-support.js';

// V2O5-like host: the mass set gives V/S = m V_M/(M S).
const MASS_G = 0.01;
const MOLAR_MASS = 181.88;
const MOLAR_VOLUME = 54.0;
const AREA_CM2 = 18;
const VOLUME_PER_AREA_CM = (MASS_G * MOLAR_VOLUME) / (MOLAR_MASS * AREA_CM2);
const MASS_SAMPLE: GittSample = {
  massG: MASS_G,
  molarVolumeCm3PerMol: MOLAR_VOLUME,
  molarMassGPerMol: MOLAR_MASS,
  areaCm2: AREA_CM2,
  initialX: 0.1,
};
const D_TRUE = [1e-11, 2.5e-11, 6e-12, 4e-11];

const BASE: SyntheticGittOptions = {
  initialVoltageV: 3.4,
  currentA: -1e-4,
  resistanceOhm: 25,
  sqrtSlopeVPerSqrtS: -1e-3,
  pulseS: 600,
  restS: 3600,
  firstRestS: 1800,
  volumePerAreaCm: VOLUME_PER_AREA_CM,
  diffusionCm2PerS: D_TRUE,
  maxIntervalS: 10,
};


function expectRelative(actual: number | null, expected: number, tolerance: number): void {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! / expected - 1)).toBeLessThan(tolerance);
}

describe('analyzeGitt on the closed-form short-time solution', () => {
  it('recovers D within 2% in both forms, the IR step, the resistance and x', () => {
    const { pulses, warnings } = analyzeGitt(syntheticGittRun(BASE), MASS_SAMPLE);
    expect(warnings).toEqual([]);
    expect(pulses).toHaveLength(D_TRUE.length);
    // x grows by |Q|/(F n) per discharge pulse, n = m/M moles of host.
    const dxPerPulse = (1e-4 * 600) / (FARADAY_C_PER_MOL * (MASS_G / MOLAR_MASS));
    pulses.forEach((p, k) => {
      expect(p.index).toBe(k + 1);
      expectRelative(p.diffusionCm2PerS, D_TRUE[k]!, 0.02);
      expectRelative(p.diffusionSqrtTCm2PerS, D_TRUE[k]!, 0.02);
      expect(p.durationS).toBeCloseTo(600, 6);
      expect(p.currentA).toBeCloseTo(-1e-4, 12);
      expect(p.irDropV).toBeCloseTo(-2.5e-3, 9);
      expect(p.resistanceOhm).toBeCloseTo(25, 4);
      expect(p.dEtV).toBeCloseTo(-1e-3 * Math.sqrt(600), 9);
      expect(p.sqrtTR2).toBeGreaterThan(0.9999);
      expect(p.dEsV).toBeCloseTo(p.esV! - p.e0V!, 12);
      expect(p.x).toBeCloseTo(0.1 + (k + 1) * dxPerPulse, 9);
      expect(p.warnings).toEqual([]);
    });
    // Each pulse starts from the voltage the previous one relaxed to.
    expect(pulses[0]!.e0V).toBeCloseTo(3.4, 9);
    expect(pulses[1]!.e0V).toBeCloseTo(pulses[0]!.esV!, 9);
  });

  it('recovers D within 2% with voltage and current noise', () => {
    const series = syntheticGittRun({ ...BASE, noiseV: 50e-6, currentNoise: 1e-3, seed: 7 });
    const { pulses } = analyzeGitt(series, MASS_SAMPLE);
    expect(pulses).toHaveLength(D_TRUE.length);
    pulses.forEach((p, k) => {
      expectRelative(p.diffusionCm2PerS, D_TRUE[k]!, 0.02);
      expectRelative(p.diffusionSqrtTCm2PerS, D_TRUE[k]!, 0.02);
      expectRelative(p.resistanceOhm, 25, 0.05);
    });
  });

  it('uses 4 r^2/(9 pi tau) for spheres; the sqrt(t) form then needs more and is null with a warning', () => {
    const radiusCm = 5e-4;
    const series = syntheticGittRun({ ...BASE, volumePerAreaCm: radiusCm / 3 });
    const { pulses, warnings } = analyzeGitt(series, { particleRadiusCm: radiusCm });
    pulses.forEach((p, k) => {
      expectRelative(p.diffusionCm2PerS, D_TRUE[k]!, 0.02);
      expect(p.diffusionSqrtTCm2PerS).toBeNull();
      expect(p.x).toBeNull();
    });
    expect(warnings.some((w) => w.includes('sqrt(t) form'))).toBe(true);
  });

  it('analyses a single pulse', () => {
    const { pulses } = analyzeGitt(syntheticGittRun({ ...BASE, diffusionCm2PerS: [3e-11] }), MASS_SAMPLE);
    expect(pulses).toHaveLength(1);
    expectRelative(pulses[0]!.diffusionCm2PerS, 3e-11, 0.02);
  });

  it('tolerates a missing final rest: the last pulse has no Es and says why', () => {
    const { pulses } = analyzeGitt(syntheticGittRun({ ...BASE, omitFinalRest: true }), MASS_SAMPLE);
    expect(pulses).toHaveLength(D_TRUE.length);
    const last = pulses.at(-1)!;
    expect(last.esV).toBeNull();
    expect(last.dEsV).toBeNull();
    expect(last.diffusionCm2PerS).toBeNull();
    expect(last.diffusionSqrtTCm2PerS).toBeNull();
    expect(last.irDropV).toBeCloseTo(-2.5e-3, 9);
    expect(last.warnings.some((w) => w.includes('no rest after'))).toBe(true);
    expectRelative(pulses[0]!.diffusionCm2PerS, D_TRUE[0]!, 0.02);
  });

  it('flags a final rest cut short', () => {
    const series = syntheticGittRun(BASE);
    const keep = series.timeS.findIndex((t) => t > series.timeS.at(-1)! - 0.8 * BASE.restS);
    const cut = { timeS: series.timeS.slice(0, keep), voltageV: series.voltageV.slice(0, keep), currentA: series.currentA.slice(0, keep) };
    const last = analyzeGitt(cut, MASS_SAMPLE).pulses.at(-1)!;
    expect(last.warnings.some((w) => w.includes('may not be relaxed'))).toBe(true);
  });

  it('has no E0 nor IR step when the data start with a pulse', () => {
    const series = syntheticGittRun(BASE);
    const first = series.currentA.findIndex((i) => i !== 0);
    const cut = { timeS: series.timeS.slice(first), voltageV: series.voltageV.slice(first), currentA: series.currentA.slice(first) };
    const { pulses } = analyzeGitt(cut, MASS_SAMPLE);
    expect(pulses[0]!.e0V).toBeNull();
    expect(pulses[0]!.irDropV).toBeNull();
    expect(pulses[0]!.diffusionCm2PerS).toBeNull();
    expectRelative(pulses[1]!.diffusionCm2PerS, D_TRUE[1]!, 0.02);
  });

  it('warns when tau is not short against L^2/D', () => {
    const { pulses } = analyzeGitt(syntheticGittRun({ ...BASE, diffusionCm2PerS: [1e-8] }), MASS_SAMPLE);
    expect(pulses[0]!.warnings.some((w) => w.includes('tau is not << L^2/D'))).toBe(true);
  });

  it('closes a pulse followed directly by one of the opposite sign, without Es', () => {
    const t = Float64Array.from([0, 10, 20, 30, 40, 50, 60, 70, 80]);
    const i = Float64Array.from([0, 0, 1e-4, 1e-4, 1e-4, -1e-4, -1e-4, 0, 0]);
    const v = Float64Array.from([3, 3, 3.01, 3.02, 3.03, 2.99, 2.98, 3, 3]);
    const { pulses } = analyzeGitt({ timeS: t, voltageV: v, currentA: i }, MASS_SAMPLE);
    expect(pulses).toHaveLength(2);
    expect(pulses[0]!.esV).toBeNull();
    expect(pulses[1]!.e0V).toBeNull();
    expect(pulses[1]!.esV).toBe(3);
  });
});

describe('analyzeGitt with instrument-like sampling', () => {
  it('extrapolates the IR step to the switch when the first pulse sample comes one interval after it', () => {
    // Rest sampled every 10 s up to the switch at 600 s; pulse sampled every 2 s from 602 s, as a
    // MethodSCRIPT loop does; V = E0 + I R + k sqrt(t - 600) during the pulse, then relaxed to Es.
    const e0 = 3.5;
    const currentA = -1e-4;
    const r = 400;
    const k = -1e-3;
    const pulseS = 120;
    const t: number[] = [];
    const v: number[] = [];
    const i: number[] = [];
    const add = (ti: number, vi: number, ii: number) => (t.push(ti), v.push(vi), i.push(ii));
    for (let ti = 0; ti <= 600; ti += 10) add(ti, e0, 0);
    for (let ti = 602; ti <= 600 + pulseS; ti += 2) add(ti, e0 + currentA * r + k * Math.sqrt(ti - 600), currentA);
    const dEt = k * Math.sqrt(pulseS);
    const es = e0 + dEt / 4;
    for (let ti = 730; ti <= 4000; ti += 10) add(ti, es, 0);
    const [pulse] = analyzeGitt({ timeS: Float64Array.from(t), voltageV: Float64Array.from(v), currentA: Float64Array.from(i) }, MASS_SAMPLE).pulses;
    expect(pulse!.startS).toBeCloseTo(600, 9);
    expect(pulse!.durationS).toBeCloseTo(pulseS, 9);
    expect(pulse!.irDropV).toBeCloseTo(currentA * r, 9);
    expect(pulse!.dEtV).toBeCloseTo(dEt, 9);
    expect(pulse!.resistanceOhm).toBeCloseTo(r, 6);
  });
});

describe('GittAnalyser (live)', () => {
  const series = syntheticGittRun(BASE);

  it('gives the offline results, each as soon as the next pulse starts', () => {
    const offline = analyzeGitt(series, MASS_SAMPLE).pulses;
    const analyser = new GittAnalyser(MASS_SAMPLE, { pulseCurrentA: -1e-4 });
    const live: GittPulseResult[] = [];
    let pulsesStarted = 0;
    for (let k = 0; k < series.timeS.length; k++) {
      const out = analyser.push(series.timeS[k]!, series.voltageV[k]!, series.currentA[k]!);
      const pulseStarts = series.currentA[k] !== 0 && series.currentA[k - 1] === 0;
      // Pulse n's result comes out exactly at the first sample of pulse n + 1.
      expect(out).toHaveLength(pulseStarts && pulsesStarted > 0 ? 1 : 0);
      if (pulseStarts) pulsesStarted++;
      for (const result of out) live.push(result);
    }
    expect(live).toHaveLength(D_TRUE.length - 1);
    for (const result of analyser.finish()) live.push(result);
    expect(live).toEqual(offline);
  });

  it('gives a result right after endRest()', () => {
    const analyser = new GittAnalyser(MASS_SAMPLE, { pulseCurrentA: 1e-4 });
    const firstRestEnd = series.timeS.findIndex((t) => t > BASE.firstRestS + BASE.pulseS + BASE.restS);
    for (let k = 0; k < firstRestEnd; k++) {
      expect(analyser.push(series.timeS[k]!, series.voltageV[k]!, series.currentA[k]!)).toEqual([]);
    }
    const [result, ...more] = analyser.endRest();
    expect(more).toEqual([]);
    expect(result!.index).toBe(1);
    expectRelative(result!.diffusionCm2PerS, D_TRUE[0]!, 0.02);
    expect(analyser.endRest()).toEqual([]);
  });

  it('refuses NaN, time going backwards and use after finish with typed errors', () => {
    const analyser = new GittAnalyser(MASS_SAMPLE, { pulseCurrentA: 1e-4 });
    analyser.push(0, 3, 0);
    expect(codeOf(() => analyser.push(1, Number.NaN, 0))).toBe('INVALID_INPUT');
    expect(codeOf(() => analyser.push(0, 3, 0))).toBe('INVALID_INPUT');
    analyser.finish();
    expect(codeOf(() => analyser.push(5, 3, 0))).toBe('INVALID_INPUT');
    expect(codeOf(() => new GittAnalyser(MASS_SAMPLE, { pulseCurrentA: 0 }))).toBe('INVALID_INPUT');
    expect(codeOf(() => new GittAnalyser({ massG: -1 }, { pulseCurrentA: 1 }))).toBe('INVALID_INPUT');
    expect(codeOf(() => new GittAnalyser({ ...MASS_SAMPLE, particleRadiusCm: 1e-4 }, { pulseCurrentA: 1 }))).toBe('INVALID_INPUT');
  });
});

describe('analyzeGitt refuses garbage with typed errors', () => {
  const f = (values: number[]) => Float64Array.from(values);
  it('names NaN, unsorted time, mismatched lengths, no current and noise-only current', () => {
    expect(codeOf(() => analyzeGitt({ timeS: f([0, 1, 2]), voltageV: f([3, Number.NaN, 3]), currentA: f([0, 1, 0]) }, {}))).toBe('INVALID_INPUT');
    expect(codeOf(() => analyzeGitt({ timeS: f([0, 2, 1]), voltageV: f([3, 3, 3]), currentA: f([0, 1, 0]) }, {}))).toBe('INVALID_INPUT');
    expect(codeOf(() => analyzeGitt({ timeS: f([0, 1]), voltageV: f([3, 3, 3]), currentA: f([0, 1, 0]) }, {}))).toBe('INVALID_INPUT');
    expect(codeOf(() => analyzeGitt({ timeS: f([0, 1, 2]), voltageV: f([3, 3, 3]), currentA: f([0, 0, 0]) }, {}))).toBe('DEGENERATE');
    const noise = f(Array.from({ length: 200 }, (_, k) => Math.sin(k * 12.9898) * 1e-6));
    const flat = f(Array.from({ length: 200 }, () => 3));
    const time = f(Array.from({ length: 200 }, (_, k) => k));
    expect(codeOf(() => analyzeGitt({ timeS: time, voltageV: flat, currentA: noise }, {}))).toBe('DEGENERATE');
  });

  it('analyses a pulse whose sample times differ only below double precision (found by the property test)', () => {
    const series = { timeS: f([0, 5e-324, 1e-323]), voltageV: f([0, 0, 0]), currentA: f([-1e-4, -1e-4, -1e-4]) };
    expect(analyzeGitt(series, MASS_SAMPLE).pulses).toHaveLength(1);
  });

  it('never throws anything but an AnalysisError, and never hangs, on random input', () => {
    const value = fc.oneof(fc.double(), fc.constantFrom(0, 0, 1e-4, -1e-4));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double(), fc.double(), value), { maxLength: 60 }), fc.boolean(), (rows, sort) => {
        const ordered = sort ? [...rows].sort((a, b) => a[0] - b[0]) : rows;
        try {
          const { pulses } = analyzeGitt(
            { timeS: f(ordered.map((r) => r[0])), voltageV: f(ordered.map((r) => r[1])), currentA: f(ordered.map((r) => r[2])) },
            MASS_SAMPLE,
          );
          expect(pulses.length).toBeGreaterThan(0);
        } catch (e) {
          expect(e).toBeInstanceOf(AnalysisError);
        }
      }),
    );
  });

  it('on any valid random run gives finite numbers or null, or says there is no pulse', () => {
    const row = fc.tuple(
      fc.double({ min: 2, max: 4, noNaN: true }),
      fc.constantFrom(0, 0, 0, 1e-4, -1e-4, 2e-5),
      fc.double({ min: 1e-3, max: 100, noNaN: true }),
    );
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 80 }), (rows) => {
        let time = 0;
        const series = {
          timeS: f(rows.map((r) => (time += r[2]))),
          voltageV: f(rows.map((r) => r[0])),
          currentA: f(rows.map((r) => r[1])),
        };
        try {
          for (const p of analyzeGitt(series, MASS_SAMPLE).pulses) {
            for (const value of Object.values(p)) {
              if (typeof value === 'number') expect(Number.isFinite(value)).toBe(true);
            }
          }
        } catch (e) {
          expect(e).toBeInstanceOf(AnalysisError);
          expect((e as AnalysisError).code).toBe('DEGENERATE');
        }
      }),
    );
  });
});
