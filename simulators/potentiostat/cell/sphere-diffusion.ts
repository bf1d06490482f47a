/**
 * Fick's second law for the composition x(r, t) in a spherical particle of radius R:
 *
 *   dx/dt = D (1/r^2) d/dr (r^2 dx/dr),   dx/dr = 0 at r = 0,   D dx/dr = -q at r = R
 *
 * with q the outward flux of x through the surface (composition x cm/s; a
 * Faradaic current I_F gives q = I_F V_M/(F S), anodic I_F > 0 empties the host).
 *
 * Finite volumes on shells that thin geometrically toward the surface, where
 * the sqrt(D t) layer of a short pulse lives (the outermost shell is 5e-4 R,
 * 5 nm in a 10 um particle, so even the first second of a pulse at D = 1e-11
 * cm2/s is resolved), and implicit Euler in time: stable for any step, and the
 * stored amount changes by exactly -3 q dt / R per step (mass is conserved).
 * Accuracy in time comes from the caller's step sizes (see TransientStepper).
 */
export class SphereDiffusion {
  private readonly shellCount: number;
  /** Shell volumes / 4 pi (cm3). */
  private readonly volumes: Float64Array;
  /** Face area / distance between neighbouring shell centres, / 4 pi (cm); index i joins shells i - 1 and i. */
  private readonly geometricConductances: Float64Array;
  /** Distance from the centre of the outermost shell to the surface (cm). */
  private readonly surfaceGapCm: number;
  private readonly totalVolume: number;
  private x: Float64Array;
  private freeX: Float64Array;
  private surfaceXValue: number;
  private factorization: Factorization | undefined;

  constructor(
    readonly radiusCm: number,
    initialX: number,
    shellCount = 64,
    outerShellFraction = 5e-4,
  ) {
    if (!(outerShellFraction > 0 && outerShellFraction * shellCount < 1)) {
      throw new RangeError(`outer shell fraction ${outerShellFraction} must be in (0, 1/${shellCount})`);
    }
    this.shellCount = shellCount;
    const faces = geometricFaces(radiusCm, shellCount, outerShellFraction);
    this.volumes = new Float64Array(shellCount);
    this.geometricConductances = new Float64Array(shellCount);
    const centres = new Float64Array(shellCount);
    for (let i = 0; i < shellCount; i++) {
      const inner = faces[i]!;
      const outer = faces[i + 1]!;
      this.volumes[i] = (outer ** 3 - inner ** 3) / 3;
      centres[i] = (inner + outer) / 2;
      if (i > 0) this.geometricConductances[i] = (inner * inner) / (centres[i]! - centres[i - 1]!);
    }
    this.surfaceGapCm = radiusCm - centres[shellCount - 1]!;
    this.totalVolume = radiusCm ** 3 / 3;
    this.x = new Float64Array(shellCount).fill(initialX);
    this.freeX = new Float64Array(shellCount);
    this.surfaceXValue = initialX;
  }

  /** Volume-averaged composition. */
  meanX(): number {
    let sum = 0;
    for (let i = 0; i < this.shellCount; i++) sum += this.volumes[i]! * this.x[i]!;
    return sum / this.totalVolume;
  }

  /** Composition at r = R after the last step (extrapolated from the outer shell with the surface flux). */
  surfaceX(): number {
    return this.surfaceXValue;
  }

  /**
   * Starts an implicit step of `dtS` at diffusion coefficient D. The surface
   * composition at its end is linear in the (still unknown) flux q:
   * `surfaceX = freeSurfaceX + surfaceXPerFlux * q`; the caller solves for q
   * with its interface conditions and calls `completeStep(q)`.
   */
  beginStep(dtS: number, diffusionCm2PerS: number): { freeSurfaceX: number; surfaceXPerFlux: number } {
    const factorization = this.factorizationFor(dtS, diffusionCm2PerS);
    const n = this.shellCount;
    for (let i = 0; i < n; i++) this.freeX[i] = (this.volumes[i]! * this.x[i]!) / dtS;
    factorization.solveInPlace(this.freeX);
    return {
      freeSurfaceX: this.freeX[n - 1]!,
      surfaceXPerFlux: factorization.unitFluxResponse[n - 1]! - this.surfaceGapCm / diffusionCm2PerS,
    };
  }

  /** Finishes the step begun last with the outward surface flux q (x cm/s). */
  completeStep(fluxXCmPerS: number): void {
    const factorization = this.factorization!;
    const response = factorization.unitFluxResponse;
    const n = this.shellCount;
    for (let i = 0; i < n; i++) this.x[i] = this.freeX[i]! + fluxXCmPerS * response[i]!;
    this.surfaceXValue = this.x[n - 1]! - (fluxXCmPerS * this.surfaceGapCm) / factorization.diffusionCm2PerS;
  }

  /** The implicit-Euler matrix depends only on (dt, D): GITT repeats the same step, so keep the last one. */
  private factorizationFor(dtS: number, diffusionCm2PerS: number): Factorization {
    const cached = this.factorization;
    if (cached && cached.dtS === dtS && cached.diffusionCm2PerS === diffusionCm2PerS) return cached;
    const n = this.shellCount;
    const diagonal = new Float64Array(n);
    const upper = new Float64Array(n); // upper[i] couples shell i and i + 1
    for (let i = 0; i < n; i++) {
      const inward = i > 0 ? diffusionCm2PerS * this.geometricConductances[i]! : 0;
      const outward = i < n - 1 ? diffusionCm2PerS * this.geometricConductances[i + 1]! : 0;
      diagonal[i] = this.volumes[i]! / dtS + inward + outward;
      upper[i] = -outward;
    }
    const factorization = new Factorization(dtS, diffusionCm2PerS, diagonal, upper, this.radiusCm);
    this.factorization = factorization;
    return factorization;
  }
}

/** Thomas-algorithm factorization of the symmetric tridiagonal step matrix, with the response to a unit surface flux. */
class Factorization {
  /** Modified upper coefficients c'_i and inverse pivots of the forward sweep. */
  private readonly reducedUpper: Float64Array;
  private readonly inversePivots: Float64Array;
  private readonly upper: Float64Array;
  /** Change of each shell's x per unit outward flux q over the step. */
  readonly unitFluxResponse: Float64Array;

  constructor(
    readonly dtS: number,
    readonly diffusionCm2PerS: number,
    diagonal: Float64Array,
    upper: Float64Array,
    radiusCm: number,
  ) {
    const n = diagonal.length;
    this.upper = upper;
    this.reducedUpper = new Float64Array(n);
    this.inversePivots = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const pivot = diagonal[i]! - (i > 0 ? upper[i - 1]! * this.reducedUpper[i - 1]! : 0);
      this.inversePivots[i] = 1 / pivot;
      this.reducedUpper[i] = upper[i]! / pivot;
    }
    // The surface flux leaves the outer shell: its balance gets -R^2 q (per 4 pi).
    this.unitFluxResponse = new Float64Array(n);
    this.unitFluxResponse[n - 1] = -radiusCm * radiusCm;
    this.solveInPlace(this.unitFluxResponse);
  }

  solveInPlace(values: Float64Array): void {
    const n = values.length;
    values[0] = values[0]! * this.inversePivots[0]!;
    for (let i = 1; i < n; i++) values[i] = (values[i]! - this.upper[i - 1]! * values[i - 1]!) * this.inversePivots[i]!;
    for (let i = n - 2; i >= 0; i--) values[i] = values[i]! - this.reducedUpper[i]! * values[i + 1]!;
  }
}

/** Face radii 0 = r_0 < ... < r_n = R with shell thicknesses growing by a constant ratio inward from the surface. */
function geometricFaces(radiusCm: number, shellCount: number, outerShellFraction: number): Float64Array {
  // Solve sum_{k<n} f g^k = 1 for the growth ratio g > 1 by bisection (the sum rises with g).
  const target = 1 / outerShellFraction;
  let low = 1;
  let high = 2;
  const geometricSum = (g: number) => (g === 1 ? shellCount : (g ** shellCount - 1) / (g - 1));
  while (geometricSum(high) < target) high *= 2;
  for (let i = 0; i < 200 && high - low > 1e-15; i++) {
    const mid = (low + high) / 2;
    if (geometricSum(mid) < target) low = mid;
    else high = mid;
  }
  const growth = (low + high) / 2;
  const faces = new Float64Array(shellCount + 1);
  faces[shellCount] = radiusCm;
  let thickness = outerShellFraction * radiusCm;
  for (let i = shellCount - 1; i > 0; i--) {
    faces[i] = faces[i + 1]! - thickness;
    thickness *= growth;
  }
  faces[0] = 0;
  return faces;
}
