import { CellModelError } from './errors.js';

/**
 * Root of a strictly increasing function by Newton's method, kept inside the
 * bracket it learns from the signs it sees (bisection when Newton would leave
 * it, doubling steps outward until both signs are known). The interface
 * equations of the cells are increasing in the overpotential by construction,
 * so the root is unique and this always converges.
 */
export function solveIncreasing(
  residual: (x: number) => { value: number; slope: number },
  guess: number,
  initialStep: number,
  tolerance: number,
): number {
  let x = guess;
  let low = -Infinity;
  let high = Infinity;
  let step = initialStep;
  for (let iteration = 0; iteration < 200; iteration++) {
    const { value, slope } = residual(x);
    if (value === 0) return x;
    if (Number.isNaN(value)) break;
    if (value < 0) low = x;
    else high = x;
    let next = x - value / slope;
    if (!(next > low && next < high)) {
      if (Number.isFinite(low) && Number.isFinite(high)) {
        next = (low + high) / 2;
      } else {
        next = value < 0 ? x + step : x - step;
        step *= 2;
      }
    }
    if (Math.abs(next - x) <= tolerance) return next;
    x = next;
  }
  throw new CellModelError('interface equations did not converge', 'CELL_SOLVER_FAILED', { guess, low, high });
}
