/**
 * A running mean and variance over about the last `horizon` values, in O(1)
 * time and three numbers: every value weighs the same until `horizon` of
 * them have come (Welford's update), and from then on each new value weighs
 * 1/`horizon` and older ones fade geometrically (West's update with that
 * weight). A statistic of a whole session that still follows a change of
 * who is typing, at a bounded delay.
 *
 * @module
 */

/** A running mean and variance that forgets beyond a horizon. */
export class HorizonVariance {
  readonly #horizon: number;
  #count = 0;
  #mean = 0;
  #variance = 0;

  /** Forgets beyond `horizon` values (an integer ≥ 1). */
  constructor(horizon: number) {
    if (!Number.isInteger(horizon) || horizon < 1) {
      throw new RangeError(
        `Cannot create a horizon variance: horizon must be an integer ≥ 1, got ${horizon}`,
      );
    }
    this.#horizon = horizon;
  }

  /** Adds one value (finite; the caller guarantees it). */
  push(value: number): void {
    this.#count += 1;
    const weight = this.#count < this.#horizon ? 1 / this.#count : 1 / this.#horizon;
    const diff = value - this.#mean;
    const increment = weight * diff;
    this.#mean += increment;
    this.#variance = (1 - weight) * (this.#variance + diff * increment);
  }

  /** Values pushed so far. */
  get count(): number {
    return this.#count;
  }

  /** The weighted mean; 0 when empty. */
  get mean(): number {
    return this.#mean;
  }

  /** The weighted variance (weights summing to 1, no bias correction); 0 below two values. */
  get variance(): number {
    return this.#variance;
  }
}
