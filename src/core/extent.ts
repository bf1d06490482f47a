/**
 * The lowest and highest of some numbers in one pass, NaN ignored; null when
 * none is a number. `Math.min(...values)` would throw on long arrays (the
 * arguments go on the stack) and gives NaN as soon as one value is NaN.
 */
export function extent(values: Iterable<number>): { min: number; max: number } | null {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? { min, max } : null;
}
