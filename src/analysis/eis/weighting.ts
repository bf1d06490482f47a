/**
 * How the residuals of an equivalent-circuit fit are weighted, and the default
 * every fit takes: `fitCircuit` itself, `analyze eis` and the live fit of each
 * sweep (the protocols re-export it). Here, in the analysis layer, so that the
 * analysis never imports the protocols.
 */
export type Weighting = 'unit' | 'modulus' | 'proportional';
export const WEIGHTINGS: readonly Weighting[] = ['unit', 'modulus', 'proportional'];

/**
 * Modulus, because a solid electrolyte's spectrum spans decades of |Z|: unit
 * weighting fits the large low-frequency arc and gives up the small
 * high-frequency bulk arc that conductivity is read from.
 */
export const DEFAULT_EIS_WEIGHTING: Weighting = 'modulus';
