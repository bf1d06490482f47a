/**
 * Seeded pseudo-random numbers for the simulators: the same seed gives the
 * same noise, so a simulated run (and a test of it) is reproducible.
 *
 * Generator: xoshiro128** (Blackman & Vigna), 128-bit state, period 2^128 - 1,
 * seeded through splitmix32 so nearby seeds give unrelated streams. Not for
 * cryptography.
 */
export class Random {
  // xoshiro128** state: four 32-bit words (held as int32 by the bitwise operators).
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** The second normal deviate of the last polar-method pair, if unused. */
  private spareGaussian: number | undefined;

  /** `seed`: any safe integer (negative and above 2^32 included). */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
    const low = seed >>> 0;
    const high = Math.floor(seed / 2 ** 32) >>> 0;
    let mix = splitmix32(high) ^ low;
    const next = (): number => {
      mix = (mix + 0x9e3779b9) | 0;
      return splitmix32(mix);
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    // xoshiro must not start from the all-zero state (it would stay there).
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** Normal deviate (Marsaglia's polar method; pairs are used in turn). */
  gaussian(mean = 0, sd = 1): number {
    if (this.spareGaussian !== undefined) {
      const z = this.spareGaussian;
      this.spareGaussian = undefined;
      return mean + sd * z;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareGaussian = v * factor;
    return mean + sd * u * factor;
  }

  /**
   * Poisson deviate with the given mean (counting noise of detectors and
   * spectra). Knuth's multiplication below a mean of 10, Hormann's PTRS
   * transformed rejection above (exact, constant expected time).
   */
  poisson(mean: number): number {
    if (!(mean >= 0) || !Number.isFinite(mean)) throw new RangeError(`Poisson mean must be finite and >= 0, got ${mean}`);
    return mean < 10 ? this.poissonByMultiplication(mean) : this.poissonByRejection(mean);
  }

  private poissonByMultiplication(mean: number): number {
    const limit = Math.exp(-mean);
    let count = 0;
    let product = this.uniform();
    while (product > limit) {
      count++;
      product *= this.uniform();
    }
    return count;
  }

  /** W. Hormann (1993), "The transformed rejection method for generating Poisson random variables". */
  private poissonByRejection(mean: number): number {
    const sqrtMean = Math.sqrt(mean);
    const logMean = Math.log(mean);
    const b = 0.931 + 2.53 * sqrtMean;
    const a = -0.059 + 0.02483 * b;
    const inverseAlpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.uniform() - 0.5;
      const v = this.uniform();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (Math.log(v) + Math.log(inverseAlpha) - Math.log(a / (us * us) + b) <= -mean + k * logMean - logFactorial(k)) {
        return k;
      }
    }
  }

  private nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function splitmix32(x: number): number {
  let z = x | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** ln(k!): exact sum for small k, Stirling's series (error < 1e-10) beyond. */
function logFactorial(k: number): number {
  if (k < 16) {
    let sum = 0;
    for (let i = 2; i <= k; i++) sum += Math.log(i);
    return sum;
  }
  const n = k + 1;
  const inverse = 1 / n;
  const inverse2 = inverse * inverse;
  return (n - 0.5) * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI) + inverse * (1 / 12 - inverse2 * (1 / 360 - inverse2 / 1260));
}
