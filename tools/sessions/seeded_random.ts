/**
 * Reproducible randomness for generated test and calibration sessions: the
 * project's xoshiro128++ seeded from one 32-bit number, with the few draws
 * session generators need. The live responder seeds its generator from the
 * OS instead; this exists so the same seed always builds the same data.
 *
 * @module
 */
import { Xoshiro128 } from "../../src/response/xoshiro128.ts";

/** A source of uniform draws, reproducible from its seed. */
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

/**
 * Creates a generator from a 32-bit seed (other numbers are truncated to 32
 * bits), expanded to xoshiro's 128-bit state with SplitMix32 steps so that
 * nearby seeds give unrelated streams and no seed gives the all-zero state.
 */
export function seededRandom(seed: number): SeededRandom {
  let x = seed >>> 0;
  const state = new Uint32Array(4);
  for (let i = 0; i < 4; i++) {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    state[i] = (z ^ (z >>> 16)) >>> 0;
  }
  if (state.every((word) => word === 0)) state[0] = 1;
  const generator = new Xoshiro128(state);
  const next = () => generator.nextFloat();
  return {
    next,
    uniform: (low, high) => low + (high - low) * next(),
    integer: (low, high) => low + Math.floor((high - low + 1) * next()),
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) {
        throw new RangeError("Cannot pick from an empty array");
      }
      return items[Math.floor(items.length * next())]!;
    },
  };
}
