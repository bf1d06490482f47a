/** What the potentiostat imposes on a cell over an interval. */
export type Drive =
  | { readonly mode: 'galvanostatic'; readonly currentA: number }
  | { readonly mode: 'potentiostatic'; readonly potentialV: number };

/**
 * A change of drive that moves the voltage by less than this is a small
 * perturbation, not a jump (see TransientStepper): a staircase voltammogram
 * moves by a few mV per point and a time-domain impedance sine by a few mV in
 * all; restarting fine steps at each point would cost a hundred steps per
 * point for a transient that is a small correction.
 */
const JUMP_V = 5e-3;

/**
 * Whether going from `previous` to `next` starts a new transient. A current
 * change counts by the voltage it makes across `resistanceOhm`, the cell's
 * resistance to a current step (what the first instants after it see).
 */
export function isJump(previous: Drive, next: Drive, resistanceOhm: number): boolean {
  if (previous.mode === 'galvanostatic' && next.mode === 'galvanostatic') {
    return Math.abs(previous.currentA - next.currentA) * resistanceOhm > JUMP_V;
  }
  if (previous.mode === 'potentiostatic' && next.mode === 'potentiostatic') {
    return Math.abs(previous.potentialV - next.potentialV) > JUMP_V;
  }
  return true;
}
