/**
 * Circuit elements (SCIENCE.md section 2; omega = 2 pi f, j^2 = -1):
 *   R: R            C: 1/(j omega C)           L: j omega L
 *   CPE: 1/(Q (j omega)^alpha)                 W: A_w (1 - j)/sqrt(omega)
 *   Wo: Z0 coth(sqrt(j omega tau))/sqrt(j omega tau)
 *   Ws: Z0 tanh(sqrt(j omega tau))/sqrt(j omega tau)
 *   G:  R_G / sqrt(1 + j omega t_G)
 * Parameter names and order follow impedance.py: a one-parameter element's
 * parameter is its name (`R0`, `W1`), otherwise `name_k` (`CPE1_0` = Q,
 * `CPE1_1` = alpha).
 *
 * Each element evaluates Z and its analytic derivatives for every frequency
 * at once into typed arrays, in real arithmetic, with no allocation per point.
 */

export const ELEMENT_TYPES = ['R', 'C', 'L', 'CPE', 'W', 'Wo', 'Ws', 'G'] as const;
export type ElementType = (typeof ELEMENT_TYPES)[number];

/** What a parameter is, for units, bounds and initial guesses. */
export type ParameterKind = 'resistance' | 'capacitance' | 'inductance' | 'cpe-q' | 'cpe-alpha' | 'warburg' | 'time-constant';

export interface ParameterSpec {
  readonly kind: ParameterKind;
  readonly unit: string;
}

/** Where an element writes: Z and, per own parameter k, dZ/dp_k. */
export interface ElementOutput {
  readonly zRe: Float64Array;
  readonly zIm: Float64Array;
  readonly dRe: readonly Float64Array[];
  readonly dIm: readonly Float64Array[];
}

export interface ElementSpec {
  readonly parameters: readonly ParameterSpec[];
  /** Z (and dZ/dp when `derivatives`) at every omega, from `p[at]`, `p[at + 1]`, ... */
  evaluate(p: ArrayLike<number>, at: number, omega: Float64Array, out: ElementOutput, derivatives: boolean): void;
}

const OHM: ParameterSpec = { kind: 'resistance', unit: 'ohm' };
const SECOND: ParameterSpec = { kind: 'time-constant', unit: 's' };

/** Beyond this |Re s| of s = sqrt(j omega tau), coth s and tanh s equal 1 to double precision. */
const SATURATED = 20;
/** Below this, tanh-Warburg's derivative uses its series (the closed form cancels). */
const SMALL = 0.01;

export const ELEMENTS: Readonly<Record<ElementType, ElementSpec>> = {
  R: {
    parameters: [OHM],
    evaluate(p, at, omega, out, derivatives) {
      out.zRe.fill(p[at]!);
      out.zIm.fill(0);
      if (derivatives) {
        out.dRe[0]!.fill(1);
        out.dIm[0]!.fill(0);
      }
    },
  },
  C: {
    parameters: [{ kind: 'capacitance', unit: 'F' }],
    evaluate(p, at, omega, out, derivatives) {
      const c = p[at]!;
      const { zRe, zIm } = out;
      zRe.fill(0);
      for (let i = 0; i < omega.length; i++) zIm[i] = -1 / (omega[i]! * c);
      if (derivatives) {
        out.dRe[0]!.fill(0);
        const dIm = out.dIm[0]!;
        for (let i = 0; i < omega.length; i++) dIm[i] = -zIm[i]! / c;
      }
    },
  },
  L: {
    parameters: [{ kind: 'inductance', unit: 'H' }],
    evaluate(p, at, omega, out, derivatives) {
      const l = p[at]!;
      out.zRe.fill(0);
      for (let i = 0; i < omega.length; i++) out.zIm[i] = omega[i]! * l;
      if (derivatives) {
        out.dRe[0]!.fill(0);
        out.dIm[0]!.set(omega);
      }
    },
  },
  CPE: {
    parameters: [
      { kind: 'cpe-q', unit: 'F s^(a-1)' },
      { kind: 'cpe-alpha', unit: '' },
    ],
    evaluate(p, at, omega, out, derivatives) {
      const q = p[at]!;
      const alpha = p[at + 1]!;
      // (j omega)^alpha = omega^alpha e^(j alpha pi/2): the phase is the same at every frequency.
      const cos = Math.cos((alpha * Math.PI) / 2);
      const sin = Math.sin((alpha * Math.PI) / 2);
      const { zRe, zIm } = out;
      for (let i = 0; i < omega.length; i++) {
        const mag = Math.pow(omega[i]!, -alpha) / q;
        zRe[i] = mag * cos;
        zIm[i] = -mag * sin;
      }
      if (derivatives) {
        const [dqRe, daRe] = out.dRe as [Float64Array, Float64Array];
        const [dqIm, daIm] = out.dIm as [Float64Array, Float64Array];
        for (let i = 0; i < omega.length; i++) {
          const a = zRe[i]!;
          const b = zIm[i]!;
          dqRe[i] = -a / q;
          dqIm[i] = -b / q;
          // dZ/dalpha = Z (-ln omega - j pi/2)
          const c = -Math.log(omega[i]!);
          const d = -Math.PI / 2;
          daRe[i] = a * c - b * d;
          daIm[i] = a * d + b * c;
        }
      }
    },
  },
  W: {
    parameters: [{ kind: 'warburg', unit: 'ohm s^-1/2' }],
    evaluate(p, at, omega, out, derivatives) {
      const aw = p[at]!;
      for (let i = 0; i < omega.length; i++) {
        const u = 1 / Math.sqrt(omega[i]!);
        out.zRe[i] = aw * u;
        out.zIm[i] = -aw * u;
        if (derivatives) {
          out.dRe[0]![i] = u;
          out.dIm[0]![i] = -u;
        }
      }
    },
  },
  Wo: {
    parameters: [OHM, SECOND],
    evaluate(p, at, omega, out, derivatives) {
      const z0 = p[at]!;
      const tau = p[at + 1]!;
      const { zRe, zIm } = out;
      for (let i = 0; i < omega.length; i++) {
        // s = sqrt(j omega tau) = a (1 + j)
        const a = Math.sqrt((omega[i]! * tau) / 2);
        let cRe = 1;
        let cIm = 0;
        if (a < SATURATED) {
          // coth(a + ja) = (sinh 2a - j sin 2a) / (2 (sinh^2 a + sin^2 a)), no cancellation near 0
          const sh = Math.sinh(a);
          const sn = Math.sin(a);
          const den = 2 * (sh * sh + sn * sn);
          cRe = Math.sinh(2 * a) / den;
          cIm = -Math.sin(2 * a) / den;
        }
        // coth(s)/s with 1/s = (1 - j)/(2a)
        const gRe = (cRe + cIm) / (2 * a);
        const gIm = (cIm - cRe) / (2 * a);
        zRe[i] = z0 * gRe;
        zIm[i] = z0 * gIm;
        if (derivatives) {
          out.dRe[0]![i] = gRe;
          out.dIm[0]![i] = gIm;
          // dZ/dtau = -(Z0 / (2 tau)) (csch^2 s + coth(s)/s), csch^2 = coth^2 - 1
          const hRe = cRe * cRe - cIm * cIm - 1 + gRe;
          const hIm = 2 * cRe * cIm + gIm;
          out.dRe[1]![i] = (-z0 / (2 * tau)) * hRe;
          out.dIm[1]![i] = (-z0 / (2 * tau)) * hIm;
        }
      }
    },
  },
  Ws: {
    parameters: [OHM, SECOND],
    evaluate(p, at, omega, out, derivatives) {
      const z0 = p[at]!;
      const tau = p[at + 1]!;
      const { zRe, zIm } = out;
      for (let i = 0; i < omega.length; i++) {
        const a = Math.sqrt((omega[i]! * tau) / 2);
        let tRe = 1;
        let tIm = 0;
        if (a < SATURATED) {
          // tanh(a + ja) = (sinh 2a + j sin 2a) / (2 (sinh^2 a + cos^2 a))
          const sh = Math.sinh(a);
          const cs = Math.cos(a);
          const den = 2 * (sh * sh + cs * cs);
          tRe = Math.sinh(2 * a) / den;
          tIm = Math.sin(2 * a) / den;
        }
        const gRe = (tRe + tIm) / (2 * a);
        const gIm = (tIm - tRe) / (2 * a);
        zRe[i] = z0 * gRe;
        zIm[i] = z0 * gIm;
        if (derivatives) {
          out.dRe[0]![i] = gRe;
          out.dIm[0]![i] = gIm;
          // dZ/dtau = (Z0 / (2 tau)) (sech^2 s - tanh(s)/s), sech^2 = 1 - tanh^2
          let hRe: number;
          let hIm: number;
          if (a < SMALL) {
            // -2 s^2/3 + 8 s^4/15 - 34 s^6/105 with s^2 = 2j a^2
            const a2 = a * a;
            hRe = (-32 / 15) * a2 * a2;
            hIm = (-4 / 3) * a2 + (272 / 105) * a2 * a2 * a2;
          } else {
            hRe = 1 - (tRe * tRe - tIm * tIm) - gRe;
            hIm = -2 * tRe * tIm - gIm;
          }
          out.dRe[1]![i] = (z0 / (2 * tau)) * hRe;
          out.dIm[1]![i] = (z0 / (2 * tau)) * hIm;
        }
      }
    },
  },
  G: {
    parameters: [OHM, SECOND],
    evaluate(p, at, omega, out, derivatives) {
      const rg = p[at]!;
      const tg = p[at + 1]!;
      const { zRe, zIm } = out;
      for (let i = 0; i < omega.length; i++) {
        // sqrt(1 + jb), b = omega t_G; Z = R_G conj(sqrt) / |1 + jb|
        const b = omega[i]! * tg;
        const mod = Math.sqrt(1 + b * b);
        const sRe = Math.sqrt((mod + 1) / 2);
        const sIm = b / (2 * sRe);
        const zr = (rg * sRe) / mod;
        const zi = (-rg * sIm) / mod;
        zRe[i] = zr;
        zIm[i] = zi;
        if (derivatives) {
          out.dRe[0]![i] = zr / rg;
          out.dIm[0]![i] = zi / rg;
          // dZ/dt_G = Z (-j omega / (2 (1 + jb))) = Z (-omega b - j omega) / (2 (1 + b^2))
          const k = omega[i]! / (2 * (1 + b * b));
          const fRe = -b * k;
          const fIm = -k;
          out.dRe[1]![i] = zr * fRe - zi * fIm;
          out.dIm[1]![i] = zr * fIm + zi * fRe;
        }
      }
    },
  },
};

/** impedance.py's parameter names of an element: `R0`, or `CPE1_0`, `CPE1_1`. */
export function parameterNames(elementName: string, type: ElementType): string[] {
  const count = ELEMENTS[type].parameters.length;
  return count === 1 ? [elementName] : Array.from({ length: count }, (_, k) => `${elementName}_${k}`);
}
