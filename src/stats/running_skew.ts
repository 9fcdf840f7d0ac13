/**
 * A running skewness of a stream of values, O(1) time and fixed memory per
 * value: the 10th, 50th and 90th percentiles each follow the stream by a
 * Robbins–Monro step (up by 0.9 of a step past the 90th when a value is
 * above it, down by 0.1 when below, and so on), each step a fixed share of
 * the current 10th–90th range, so that they settle on a wide stream as fast
 * as on a narrow one and recent values count more than old ones.
 *
 * The skewness is Kelly's: ((p90 − p50) − (p50 − p10)) / (p90 − p10),
 * within [−1, 1] while the three are in order: positive when the high
 * values stretch further from the median than the low ones.
 *
 * @module
 */

/** Options of {@linkcode RunningSkew}. */
export interface RunningSkewOptions {
  /** Each step, as a share of the current range. */
  step: number;
  /** The range never counts as narrower than this. */
  minRange: number;
  /** The percentiles start this far either side of the first value. */
  startHalfRange: number;
}

/** Running 10th, 50th and 90th percentiles and their skewness. */
export class RunningSkew {
  readonly #step: number;
  readonly #minRange: number;
  readonly #startHalfRange: number;
  #count = 0;
  #low = 0;
  #median = 0;
  #high = 0;

  constructor(options: RunningSkewOptions) {
    this.#step = options.step;
    this.#minRange = options.minRange;
    this.#startHalfRange = options.startHalfRange;
  }

  /** Values pushed so far. */
  get count(): number {
    return this.#count;
  }

  /** The running 10th percentile. */
  get low(): number {
    return this.#low;
  }

  /** The running median. */
  get median(): number {
    return this.#median;
  }

  /** The running 90th percentile. */
  get high(): number {
    return this.#high;
  }

  /** The 10th–90th range, at least the minimum range. */
  get range(): number {
    const range = this.#high - this.#low;
    return range > this.#minRange ? range : this.#minRange;
  }

  /** Kelly's skewness of the running percentiles. */
  get skew(): number {
    return (this.#high + this.#low - 2 * this.#median) / this.range;
  }

  /** Adds one finite value. */
  push(value: number): void {
    this.#count += 1;
    if (this.#count === 1) {
      this.#median = value;
      this.#low = value - this.#startHalfRange;
      this.#high = value + this.#startHalfRange;
      return;
    }
    const step = this.#step * this.range;
    this.#low += value < this.#low ? -0.9 * step : 0.1 * step;
    this.#median += value < this.#median ? -0.5 * step : 0.5 * step;
    this.#high += value < this.#high ? -0.1 * step : 0.9 * step;
  }
}
