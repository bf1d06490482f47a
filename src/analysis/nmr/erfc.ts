/**
 * The complementary error function and its first integral, to double
 * precision over the whole real line (the EXSY model needs both far into the
 * tails). Below |x| = 2 the series erf(x) = 2/sqrt(pi) exp(-x^2) sum 2^n x^(2n+1)/(2n+1)!!
 * (all terms positive, so no cancellation); above, the continued fraction
 * erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), evaluated by
 * the modified Lentz method.
 */

const SQRT_PI = Math.sqrt(Math.PI);
const SERIES_LIMIT = 2;
const MAX_TERMS = 500;
const TINY = 1e-300;

export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < SERIES_LIMIT) return 1 - erfSeries(x);
  return (Math.exp(-x * x) / SQRT_PI) * continuedFraction(x);
}

/** ierfc(x) = integral from x to infinity of erfc = exp(-x^2)/sqrt(pi) - x erfc(x). */
export function ierfc(x: number): number {
  if (x < SERIES_LIMIT) return Math.exp(-x * x) / SQRT_PI - x * erfc(x);
  // exp(-x^2)/sqrt(pi) (1 - x K(x)) with K the continued fraction: the same
  // difference, but without forming two nearly equal tiny numbers first.
  return (Math.exp(-x * x) / SQRT_PI) * (1 - x * continuedFraction(x));
}

function erfSeries(x: number): number {
  let term = x;
  let sum = x;
  const x2 = 2 * x * x;
  for (let n = 1; n < MAX_TERMS; n++) {
    term *= x2 / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return ((2 / SQRT_PI) * Math.exp(-x * x) * sum);
}

/** 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))) for x >= 2 (converges in under 100 terms there). */
function continuedFraction(x: number): number {
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < MAX_TERMS; n++) {
    const a = n / 2;
    d = x + a * d;
    d = Math.abs(d) < TINY ? TINY : d;
    c = x + a / c;
    c = Math.abs(c) < TINY ? TINY : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / f;
}
