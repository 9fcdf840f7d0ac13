/**
 * Running central moments (mean, variance, third and fourth) over about the
 * last `horizon` values, in O(1) time and five numbers: every value weighs
 * the same until `horizon` of them have come, and from then on each new
 * value weighs 1/`horizon` and older ones fade geometrically. A statistic of
 * a whole session that still follows a change of who is typing, at a
 * bounded delay.
 *
 * Adding x with weight w to moments M2, M3, M4 about the mean μ (weights
 * summing to 1): with δ = x − μ and a = wδ, every old deviation moves by −a
 * and the new one is (1 − w)δ, so
 * M4' = (1 − w)(M4 − 4aM3 + 6a²M2 + a⁴) + w((1 − w)δ)⁴,
 * M3' = (1 − w)(M3 − 3aM2 − a³) + w((1 − w)δ)³,
 * M2' = (1 − w)(M2 + wδ²) (Welford's update while w = 1/n, West's after).
 *
 * @module
 */

/** Running weighted moments that forget beyond a horizon. */
export class HorizonMoments {
  readonly #horizon: number;
  #count = 0;
  #mean = 0;
  #m2 = 0;
  #m3 = 0;
  #m4 = 0;

  /** Forgets beyond `horizon` values (an integer ≥ 1). */
  constructor(horizon: number) {
    if (!Number.isInteger(horizon) || horizon < 1) {
      throw new RangeError(
        `Cannot create horizon moments: horizon must be an integer ≥ 1, got ${horizon}`,
      );
    }
    this.#horizon = horizon;
  }

  /** Adds one value (finite; the caller guarantees it). */
  push(value: number): void {
    this.#count += 1;
    const weight = this.#count < this.#horizon ? 1 / this.#count : 1 / this.#horizon;
    const keep = 1 - weight;
    const diff = value - this.#mean;
    const shift = weight * diff;
    const own = keep * diff;
    const m2 = this.#m2;
    const m3 = this.#m3;
    // Products, not **: this runs for most keys of every session.
    const shift2 = shift * shift;
    const own2 = own * own;
    this.#m4 = keep * (this.#m4 - 4 * shift * m3 + 6 * shift2 * m2 + shift2 * shift2) +
      weight * own2 * own2;
    this.#m3 = keep * (m3 - 3 * shift * m2 - shift2 * shift) + weight * own2 * own;
    this.#m2 = keep * (m2 + diff * shift);
    this.#mean += shift;
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
    return this.#m2;
  }

  /**
   * Sarle's bimodality coefficient, (skewness² + 1) / kurtosis, in (0, 1]:
   * 1 for two equal spikes, 1/3 for a normal law, 5/9 for a uniform one;
   * NaN without spread.
   */
  get bimodality(): number {
    const m2 = this.#m2;
    if (!(m2 > 0)) return Number.NaN;
    return (this.#m3 * this.#m3 / (m2 * m2 * m2) + 1) / (this.#m4 / (m2 * m2));
  }
}
