/**
 * xoshiro128++ (Blackman and Vigna): a small, fast PRNG with 128 bits of
 * state, seeded once at start-up. Not cryptographic: the delays it drives only
 * need to be unpredictable to a session that cannot observe the seed, and
 * statistically sound for exponential sampling.
 *
 * @module
 */

/** A source of uniform floats in [0, 1), what the exponential draw consumes. */
export interface UniformSource {
  /** The next uniform float in [0, 1). */
  nextFloat(): number;
}

const TWO_POW_26 = 2 ** 26;
const TWO_POW_MINUS_53 = 2 ** -53;

function rotateLeft(value: number, bits: number): number {
  return ((value << bits) | (value >>> (32 - bits))) >>> 0;
}

/** The xoshiro128++ generator; all arithmetic is on unsigned 32-bit words. */
export class Xoshiro128 implements UniformSource {
  #state: Uint32Array;

  /**
   * Starts the generator from a 128-bit seed, copied. Throws a RangeError when
   * the seed is not four words, and an Error when it is all zero (the one
   * state xoshiro never leaves).
   */
  constructor(seed: Uint32Array) {
    if (seed.length !== 4) {
      throw new RangeError(
        `Cannot seed xoshiro128++: the seed must be 4 words, got ${seed.length}`,
      );
    }
    if (seed.every((word) => word === 0)) {
      throw new Error(
        "Cannot seed xoshiro128++: the seed must not be all zero",
      );
    }
    this.#state = Uint32Array.from(seed);
  }

  /**
   * A generator seeded from the operating system's entropy, with one call to
   * `crypto.getRandomValues`. Call it once per process, not per session or
   * per event.
   */
  static fromOsEntropy(): Xoshiro128 {
    return new Xoshiro128(crypto.getRandomValues(new Uint32Array(4)));
  }

  /** The next output word, an integer in [0, 2³²). */
  nextUint32(): number {
    const s = this.#state;
    const s0 = s[0]!;
    const s1 = s[1]!;
    const s2 = s[2]!;
    const s3 = s[3]!;
    const result = (rotateLeft((s0 + s3) >>> 0, 7) + s0) >>> 0;
    const shifted = (s1 << 9) >>> 0;
    const t2 = s2 ^ s0;
    const t3 = s3 ^ s1;
    s[0] = s0 ^ t3;
    s[1] = s1 ^ t2;
    s[2] = t2 ^ shifted;
    s[3] = rotateLeft(t3 >>> 0, 11);
    return result;
  }

  /**
   * The next uniform float in [0, 1), built from 53 bits of two output words
   * so that every double of the form k·2⁻⁵³ is reachable and 1 never is.
   */
  nextFloat(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * TWO_POW_26 + low) * TWO_POW_MINUS_53;
  }
}
