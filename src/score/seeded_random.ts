/**
 * A small seeded PRNG (mulberry32) for reproducible test and calibration
 * sessions. Not for the live responder, which draws from an OS-seeded
 * generator: this one exists so the same seed always builds the same data.
 *
 * @module
 */

/** A source of uniform floats in [0, 1), reproducible from its seed. */
export interface SeededRandom {
  /** Next float in [0, 1). */
  next(): number;
  /** Next float in [low, high). */
  uniform(low: number, high: number): number;
  /** Next integer in [low, high] (both inclusive). */
  integer(low: number, high: number): number;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
}

/** Creates a generator from a 32-bit seed (other numbers are truncated to 32 bits). */
export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  function next(): number {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  }
  return {
    next,
    uniform: (low, high) => low + (high - low) * next(),
    integer: (low, high) => low + Math.floor((high - low + 1) * next()),
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) {
        throw new RangeError("Cannot pick from an empty array.");
      }
      return items[Math.floor(items.length * next())]!;
    },
  };
}
