import { describe, expect, it } from 'vitest';
import { Circuit } from './circuit.js';

/** Minimal complex arithmetic, independent of the implementation under test. */
type Cx = { re: number; im: number };
const cx = (re: number, im = 0): Cx => ({ re, im });
const mul = (a: Cx, b: Cx): Cx => cx(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re);
const div = (a: Cx, b: Cx): Cx => {
  const d = b.re * b.re + b.im * b.im;
  return cx((a.re * b.re + a.im * b.im) / d, (a.im * b.re - a.re * b.im) / d);
};
const add = (a: Cx, b: Cx): Cx => cx(a.re + b.re, a.im + b.im);
const sqrtC = (a: Cx): Cx => {
  const r = Math.hypot(a.re, a.im);
  const phi = Math.atan2(a.im, a.re) / 2;
  return cx(Math.sqrt(r) * Math.cos(phi), Math.sqrt(r) * Math.sin(phi));
};
const expC = (a: Cx): Cx => cx(Math.exp(a.re) * Math.cos(a.im), Math.exp(a.re) * Math.sin(a.im));
const powJ = (w: number, alpha: number): Cx => cx(w ** alpha * Math.cos((alpha * Math.PI) / 2), w ** alpha * Math.sin((alpha * Math.PI) / 2));
/** tanh z = (1 - e^-2z)/(1 + e^-2z), stable for Re z > 0 */
const tanhC = (z: Cx): Cx => {
  const e = expC(mul(cx(-2), z));
  return div(add(cx(1), mul(cx(-1), e)), add(cx(1), e));
};
const J = cx(0, 1);

const FREQS = Float64Array.from({ length: 29 }, (_, i) => 10 ** (-3 + i * 0.3)); // 1 mHz .. 100 kHz

function expectClose(circuit: string, values: number[], closed: (w: number) => Cx, digits = 10): void {
  const { zRe, zIm } = Circuit.parse(circuit).impedance(values, FREQS);
  FREQS.forEach((f, i) => {
    const z = closed(2 * Math.PI * f);
    const scale = Math.hypot(z.re, z.im);
    expect(Math.abs(zRe[i]! - z.re) / scale).toBeLessThan(10 ** -digits);
    expect(Math.abs(zIm[i]! - z.im) / scale).toBeLessThan(10 ** -digits);
  });
}

describe('element impedances against closed forms', () => {
  it('R, C, L', () => {
    expectClose('R1', [12.5], () => cx(12.5));
    expectClose('C1', [3e-6], (w) => div(cx(1), mul(J, cx(w * 3e-6))));
    expectClose('L1', [2e-7], (w) => cx(0, w * 2e-7));
  });

  it('CPE 1/(Q (j w)^a), and CPE with alpha 1 is a capacitor', () => {
    expectClose('CPE1', [2e-5, 0.83], (w) => div(cx(1), mul(cx(2e-5), powJ(w, 0.83))));
    expectClose('CPE1', [4e-6, 1], (w) => div(cx(1), mul(J, cx(w * 4e-6))));
  });

  it('W: A_w (1 - j)/sqrt(w), equal to A_w (1 - j) at w = 1', () => {
    expectClose('W1', [7], (w) => cx(7 / Math.sqrt(w), -7 / Math.sqrt(w)));
    const { zRe, zIm } = Circuit.parse('W1').impedance([7], Float64Array.of(1 / (2 * Math.PI)));
    expect(zRe[0]).toBeCloseTo(7, 12);
    expect(zIm[0]).toBeCloseTo(-7, 12);
  });

  it('Wo: Z0 coth(s)/s and Ws: Z0 tanh(s)/s with s = sqrt(j w tau)', () => {
    const s = (w: number, tau: number) => sqrtC(cx(0, w * tau));
    expectClose('Wo1', [30, 4], (w) => div(cx(30), mul(s(w, 4), tanhC(s(w, 4)))), 9);
    expectClose('Ws1', [30, 4], (w) => div(mul(cx(30), tanhC(s(w, 4))), s(w, 4)), 9);
  });

  it('Wo and Ws limits: Ws -> Z0 and Wo -> Z0/3 + Z0/(j w tau) at low frequency; both -> semi-infinite at high', () => {
    const low = Float64Array.of(1e-9);
    const ws = Circuit.parse('Ws1').impedance([30, 4], low);
    expect(ws.zRe[0]).toBeCloseTo(30, 6);
    const wo = Circuit.parse('Wo1').impedance([30, 4], low);
    expect(wo.zRe[0]).toBeCloseTo(10, 5);
    expect(wo.zIm[0]! / (-30 / (2 * Math.PI * 1e-9 * 4))).toBeCloseTo(1, 9);
    const high = Float64Array.of(1e6);
    const w = 2 * Math.PI * 1e6;
    for (const name of ['Wo1', 'Ws1']) {
      const z = Circuit.parse(name).impedance([30, 4], high);
      // Z0/sqrt(j w tau) = Z0 (1 - j)/sqrt(2 w tau)
      expect(z.zRe[0]! / (30 / Math.sqrt(2 * w * 4))).toBeCloseTo(1, 12);
      expect(z.zIm[0]! / (-30 / Math.sqrt(2 * w * 4))).toBeCloseTo(1, 12);
    }
  });

  it('G: R_G / sqrt(1 + j w t_G)', () => {
    expectClose('G1', [15, 0.02], (w) => div(cx(15), sqrtC(cx(1, w * 0.02))));
  });

  it('R || C has its apex -R/2 at w = 1/(RC), and series adds', () => {
    const r = 100;
    const c = 1e-6;
    const { zRe, zIm } = Circuit.parse('R0-p(R1,C1)').impedance([5, r, c], Float64Array.of(1 / (2 * Math.PI * r * c)));
    expect(zRe[0]).toBeCloseTo(5 + r / 2, 10);
    expect(zIm[0]).toBeCloseTo(-r / 2, 10);
    expectClose('R0-p(R1,CPE1)-W1', [5, 100, 1e-5, 0.9, 2], (w) =>
      add(add(cx(5), div(cx(1), add(cx(1 / 100), mul(cx(1e-5), powJ(w, 0.9))))), cx(2 / Math.sqrt(w), -2 / Math.sqrt(w))),
    );
  });
});

describe('analytic derivatives', () => {
  const cases: [string, number[]][] = [
    ['R0-L1-p(R1,CPE1)-W1', [5, 1e-6, 100, 1e-5, 0.85, 3]],
    ['R0-p(R1,C1)-p(R2-Wo1,C2)', [0.01, 0.005, 0.1, 0.004, 0.02, 200, 5]],
    ['p(R1-Ws1,CPE1)-G1', [40, 30, 2, 1e-4, 0.7, 15, 0.02]],
    ['p(R1,p(R2,C2)-C1)', [10, 20, 1e-6, 1e-4]],
    ['R0-Ws1-Wo1', [1, 30, 0.05, 10, 3]],
  ];
  it.each(cases)('%s matches central differences', (text, values) => {
    const circuit = Circuit.parse(text);
    const ev = circuit.evaluator(FREQS.map((f) => 2 * Math.PI * f));
    ev.evaluate(values, true);
    const dRe = ev.dRe.map((a) => a.slice());
    const dIm = ev.dIm.map((a) => a.slice());
    values.forEach((v, j) => {
      const h = 1e-6 * v;
      const up = values.slice();
      const down = values.slice();
      up[j] = v + h;
      down[j] = v - h;
      const zu = circuit.impedance(up, FREQS);
      const zd = circuit.impedance(down, FREQS);
      FREQS.forEach((_, i) => {
        const fdRe = (zu.zRe[i]! - zd.zRe[i]!) / (2 * h);
        const fdIm = (zu.zIm[i]! - zd.zIm[i]!) / (2 * h);
        // Rounding makes central differences unreliable below ~1e-9 |Z|/p: compare on the
        // scale of the relative sensitivity |Z|/p where the derivative itself is smaller.
        const scale = Math.hypot(fdRe, fdIm) + (1e-3 * Math.hypot(zu.zRe[i]!, zu.zIm[i]!)) / v;
        expect(Math.abs(dRe[j]![i]! - fdRe) / scale).toBeLessThan(1e-5);
        expect(Math.abs(dIm[j]![i]! - fdIm) / scale).toBeLessThan(1e-5);
      });
    });
  });

  it('tanh-Warburg tau derivative is continuous where it switches to its series, and tends to -j Z0 w/3', () => {
    // the series is used for a = sqrt(w tau / 2) < 0.01
    const circuit = Circuit.parse('Ws1');
    const w = 1;
    const tauAt = (a: number) => (2 * a * a) / w;
    const derivative = (tau: number) => {
      const ev = circuit.evaluator(Float64Array.of(w));
      ev.evaluate([30, tau], true);
      return { re: ev.dRe[1]![0]!, im: ev.dIm[1]![0]! };
    };
    const below = derivative(tauAt(0.01 * (1 - 1e-9)));
    const above = derivative(tauAt(0.01 * (1 + 1e-9)));
    expect(Math.abs(below.re - above.re) / Math.hypot(above.re, above.im)).toBeLessThan(1e-8);
    expect(Math.abs(below.im - above.im) / Math.hypot(above.re, above.im)).toBeLessThan(1e-8);
    const tiny = derivative(1e-12);
    expect(tiny.im / ((-30 * w) / 3)).toBeCloseTo(1, 9);
    expect(Math.abs(tiny.re)).toBeLessThan(1e-9);
  });

  it('names parameters as impedance.py does, with units', () => {
    const c = Circuit.parse('R0-p(R1,CPE1)-Wo1-W2-L3-G4-Ws5-C6');
    expect(c.parameterNames).toEqual(['R0', 'R1', 'CPE1_0', 'CPE1_1', 'Wo1_0', 'Wo1_1', 'W2', 'L3', 'G4_0', 'G4_1', 'Ws5_0', 'Ws5_1', 'C6']);
    expect(c.parameters.map((p) => p.unit)).toEqual(['ohm', 'ohm', 'F s^(a-1)', '', 'ohm', 's', 'ohm s^-1/2', 'H', 'ohm', 's', 'ohm', 's', 'F']);
  });
});
