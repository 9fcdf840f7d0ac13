/**
 * Welch's unequal-variance t-test on two sample summaries: no stored samples,
 * so it runs on Welford accumulators.
 *
 * @module
 */

import { studentTTwoSidedPValue } from "./student_t.ts";
import type { SampleSummary } from "./welford.ts";

/** The outcome of {@link welchTTest}. */
export interface WelchTTest {
  /** t = (mean₂ − mean₁) / √(s₁²/n₁ + s₂²/n₂): positive when the second is larger. */
  statistic: number;
  /** Welch–Satterthwaite degrees of freedom. */
  degreesOfFreedom: number;
  /** Two-sided p-value for equal means. */
  pValue: number;
}

/**
 * Tests whether two samples have the same mean without assuming equal
 * variances. When both variances are zero the means either agree (t = 0,
 * p = 1) or differ with certainty (t = ±∞, p = 0), with n₁ + n₂ − 2 degrees
 * of freedom. Throws a RangeError when either sample has fewer than two
 * values.
 */
export function welchTTest(
  first: SampleSummary,
  second: SampleSummary,
): WelchTTest {
  if (first.count < 2 || second.count < 2) {
    throw new RangeError(
      `Cannot run Welch's t-test: each sample needs two values, got ${first.count} and ${second.count}`,
    );
  }
  const firstShare = first.variance / first.count;
  const secondShare = second.variance / second.count;
  const standardErrorSquared = firstShare + secondShare;
  const difference = second.mean - first.mean;
  if (standardErrorSquared === 0) {
    const degreesOfFreedom = first.count + second.count - 2;
    if (difference === 0) return { statistic: 0, degreesOfFreedom, pValue: 1 };
    return {
      statistic: difference > 0 ? Infinity : -Infinity,
      degreesOfFreedom,
      pValue: 0,
    };
  }
  const statistic = difference / Math.sqrt(standardErrorSquared);
  const degreesOfFreedom = standardErrorSquared * standardErrorSquared /
    (firstShare * firstShare / (first.count - 1) +
      secondShare * secondShare / (second.count - 1));
  return {
    statistic,
    degreesOfFreedom,
    pValue: studentTTwoSidedPValue(statistic, degreesOfFreedom),
  };
}
