/**
 * Welford's online mean and variance, with removal so that a sliding window
 * stays O(1) per event: no batch recomputation anywhere.
 *
 * @module
 */

/** Running count, mean and sum of squared deviations of a multiset of numbers. */
export class Welford {
  #count = 0;
  #mean = 0;
  #m2 = 0;

  /** How many values are in the multiset. */
  get count(): number {
    return this.#count;
  }

  /** Mean of the values, 0 when empty. */
  get mean(): number {
    return this.#mean;
  }

  /** Population variance (divides by n), 0 with fewer than two values. */
  get variance(): number {
    return this.#count < 2 ? 0 : this.#m2 / this.#count;
  }

  /** Sample variance (divides by n − 1), 0 with fewer than two values. */
  get sampleVariance(): number {
    return this.#count < 2 ? 0 : this.#m2 / (this.#count - 1);
  }

  /** Population standard deviation. */
  get standardDeviation(): number {
    return Math.sqrt(this.variance);
  }

  /** Adds one value. */
  add(value: number): void {
    this.#count += 1;
    const delta = value - this.#mean;
    this.#mean += delta / this.#count;
    this.#m2 += delta * (value - this.#mean);
  }

  /**
   * Removes one value previously added (the caller keeps the window, e.g. a
   * ring buffer). Removing from a single-value multiset empties it exactly.
   */
  remove(value: number): void {
    if (this.#count <= 1) {
      this.reset();
      return;
    }
    const delta = value - this.#mean;
    this.#count -= 1;
    this.#mean -= delta / this.#count;
    this.#m2 -= delta * (value - this.#mean);
    // Rounding can leave a tiny negative sum where the true one is zero.
    if (this.#m2 < 0) this.#m2 = 0;
  }

  /** Empties the multiset. */
  reset(): void {
    this.#count = 0;
    this.#mean = 0;
    this.#m2 = 0;
  }
}
