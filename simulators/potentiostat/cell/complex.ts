/** The little complex arithmetic the impedance models need, on plain immutable objects. */
export interface Complex {
  readonly re: number;
  readonly im: number;
}

export function complex(re: number, im = 0): Complex {
  return { re, im };
}

export function add(a: Complex, b: Complex): Complex {
  return { re: a.re + b.re, im: a.im + b.im };
}

export function mul(a: Complex, b: Complex): Complex {
  return { re: a.re * b.re - a.im * b.im, im: a.re * b.im + a.im * b.re };
}

export function scale(a: Complex, factor: number): Complex {
  return { re: a.re * factor, im: a.im * factor };
}

export function div(a: Complex, b: Complex): Complex {
  // Smith's algorithm: no overflow for large |b|.
  if (Math.abs(b.re) >= Math.abs(b.im)) {
    const ratio = b.im / b.re;
    const denominator = b.re + b.im * ratio;
    return { re: (a.re + a.im * ratio) / denominator, im: (a.im - a.re * ratio) / denominator };
  }
  const ratio = b.re / b.im;
  const denominator = b.re * ratio + b.im;
  return { re: (a.re * ratio + a.im) / denominator, im: (a.im * ratio - a.re) / denominator };
}

export function inverse(a: Complex): Complex {
  return div({ re: 1, im: 0 }, a);
}

/** (j omega)^alpha = omega^alpha (cos(alpha pi/2) + j sin(alpha pi/2)). */
export function jOmegaPower(angularFrequencyRadPerS: number, alpha: number): Complex {
  const magnitude = angularFrequencyRadPerS ** alpha;
  const phase = (alpha * Math.PI) / 2;
  return { re: magnitude * Math.cos(phase), im: magnitude * Math.sin(phase) };
}

/** Principal square root. */
export function sqrt(a: Complex): Complex {
  const modulus = Math.hypot(a.re, a.im);
  const re = Math.sqrt((modulus + a.re) / 2);
  const im = Math.sqrt(Math.max(0, (modulus - a.re) / 2));
  return { re, im: a.im < 0 ? -im : im };
}

/** tanh without overflow: for Re z > 20, tanh z equals 1 to double precision. */
export function tanh(z: Complex): Complex {
  if (Math.abs(z.re) > 20) return { re: Math.sign(z.re), im: 0 };
  // tanh(a + jb) = (sinh 2a + j sin 2b) / (cosh 2a + cos 2b)
  const denominator = Math.cosh(2 * z.re) + Math.cos(2 * z.im);
  return { re: Math.sinh(2 * z.re) / denominator, im: Math.sin(2 * z.im) / denominator };
}
