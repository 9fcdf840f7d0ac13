/**
 * Welford's online mean and variance: O(1) time and memory per value, no
 * stored samples, numerically stable (no sum of squares).
 *
 * @module
 */

/** Count, mean and unbiased variance of a sample, without the sample. */
export interface SampleSummary {
  /** Number of values. */
  count: number;
  /** Arithmetic mean; 0 when empty. */
  mean: number;
  /** Unbiased sample variance (divisor count − 1); 0 below two values. */
  variance: number;
}

/** A running mean and variance. */
export class Welford implements SampleSummary {
  #count = 0;
  #mean = 0;
  #m2 = 0;

  /**
   * Adds one value. Throws a RangeError when it is not finite: one NaN would
   * poison every later statistic.
   */
  push(value: number): void {
    if (!Number.isFinite(value)) {
      throw new RangeError(
        `Cannot add to a running mean: the value must be finite, got ${value}`,
      );
    }
    this.#count++;
    const delta = value - this.#mean;
    this.#mean += delta / this.#count;
    this.#m2 += delta * (value - this.#mean);
  }

  /**
   * Removes one value pushed earlier, so a sliding window stays O(1) per
   * event. Removing from a single-value summary empties it.
   */
  remove(value: number): void {
    if (this.#count <= 1) {
      this.clear();
      return;
    }
    const delta = value - this.#mean;
    this.#count--;
    this.#mean -= delta / this.#count;
    this.#m2 = Math.max(0, this.#m2 - delta * (value - this.#mean));
  }

  /** Folds another summary into this one (Chan et al.'s pairwise update). */
  merge(other: Welford): void {
    if (other.#count === 0) return;
    const count = this.#count + other.#count;
    const delta = other.#mean - this.#mean;
    this.#m2 += other.#m2 + delta * delta * this.#count * other.#count / count;
    this.#mean += delta * other.#count / count;
    this.#count = count;
  }

  /** Forgets every value. */
  clear(): void {
    this.#count = 0;
    this.#mean = 0;
    this.#m2 = 0;
  }

  /** Number of values. */
  get count(): number {
    return this.#count;
  }

  /** Arithmetic mean; 0 when empty. */
  get mean(): number {
    return this.#mean;
  }

  /** Unbiased sample variance; 0 below two values. */
  get variance(): number {
    return this.#count < 2 ? 0 : this.#m2 / (this.#count - 1);
  }

  /** Population variance (divisor count); 0 below two values. */
  get populationVariance(): number {
    return this.#count < 2 ? 0 : this.#m2 / this.#count;
  }

  /** A copy of the current state. */
  clone(): Welford {
    const copy = new Welford();
    copy.#count = this.#count;
    copy.#mean = this.#mean;
    copy.#m2 = this.#m2;
    return copy;
  }
}
