/**
 * Made-up person-like key gaps for unit tests that must not depend on the
 * shared data: log-normal gaps (median 188 ms, σ 0.55, as measured on the
 * Aalto sample) with a think pause every 10–40 keys.
 *
 * @module
 */
import { seededRandom } from "../../tools/sessions/seeded_random.ts";

/** `count` key gaps (ms) from `seed`. */
export function syntheticTyping(count: number, seed: number): { gap: number }[] {
  const random = seededRandom(seed);
  let untilPause = random.integer(10, 40);
  return Array.from({ length: count }, () => {
    const normal = Math.sqrt(-2 * Math.log(1 - random.next())) *
      Math.cos(2 * Math.PI * random.next());
    let gap = 188 * Math.exp(0.55 * normal);
    if (--untilPause === 0) {
      gap += random.uniform(800, 6000);
      untilPause = random.integer(10, 40);
    }
    return { gap };
  });
}
