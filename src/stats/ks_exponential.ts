/**
 * One-sample Kolmogorov–Smirnov goodness-of-fit test against a fully
 * specified Exponential(λ), CDF F(x) = 1 − e^(−λx).
 *
 * The p-value uses the asymptotic Kolmogorov distribution with Stephens'
 * small-sample correction: p = Q((√n + 0.12 + 0.11/√n)·D), accurate to about
 * two significant figures from n ≈ 5, which is enough to decide at p = 0.01.
 * λ must be known in advance: when it is estimated from the same sample the
 * test is conservative (Lilliefors), so it rejects less often than it should.
 *
 * @module
 */

import { kolmogorovSurvival } from "./kolmogorov.ts";

/** The outcome of a goodness-of-fit test. */
export interface GoodnessOfFit {
  /** The KS statistic D = sup |Fₙ(x) − F(x)|. */
  statistic: number;
  /** The probability of a D at least this large under the null hypothesis. */
  pValue: number;
  /** The sample size. */
  count: number;
}

/**
 * Tests whether `sample` comes from Exponential(λ), λ in the sample's inverse
 * unit. Sorts a copy: O(n log n). Throws a RangeError on an empty sample, a
 * value that is not finite, or λ that is not positive and finite.
 */
export function ksExponential(
  sample: readonly number[],
  lambda: number,
): GoodnessOfFit {
  if (!Number.isFinite(lambda) || lambda <= 0) {
    throw new RangeError(
      `Cannot run the KS test: λ must be a positive finite number, got ${lambda}`,
    );
  }
  if (sample.length === 0) {
    throw new RangeError("Cannot run the KS test: the sample is empty");
  }
  if (!sample.every(Number.isFinite)) {
    throw new RangeError(
      "Cannot run the KS test: every value must be a finite number",
    );
  }
  const sorted = [...sample].sort((a, b) => a - b);
  const count = sorted.length;
  let statistic = 0;
  for (let i = 0; i < count; i++) {
    const x = sorted[i]!;
    const cdf = x <= 0 ? 0 : -Math.expm1(-lambda * x);
    statistic = Math.max(statistic, (i + 1) / count - cdf, cdf - i / count);
  }
  const rootN = Math.sqrt(count);
  const pValue = kolmogorovSurvival((rootN + 0.12 + 0.11 / rootN) * statistic);
  return { statistic, pValue, count };
}
