/**
 * The Kolmogorov distribution: the limit law of √n·D for the one-sample
 * Kolmogorov–Smirnov statistic D under the null hypothesis.
 *
 * @module
 */

const SERIES_SWITCH = 1.18;
const MAX_TERMS = 100;
const EPSILON = 1e-16;

/**
 * P(K > z), the upper tail of the Kolmogorov distribution. Below z = 1.18 it
 * sums the Jacobi theta form of the CDF, √(2π)/z · Σ e^(−(2j−1)²π²/(8z²)),
 * which converges in a few terms there; above, the alternating series
 * 2 Σ (−1)^(j−1) e^(−2j²z²), which converges fast for large z.
 */
export function kolmogorovSurvival(z: number): number {
  if (Number.isNaN(z)) {
    throw new RangeError(
      "Cannot evaluate the Kolmogorov distribution: z is NaN",
    );
  }
  if (z <= 0) return 1;
  if (z < SERIES_SWITCH) {
    const factor = -(Math.PI * Math.PI) / (8 * z * z);
    let sum = 0;
    for (let j = 1; j <= MAX_TERMS; j++) {
      const term = Math.exp(factor * (2 * j - 1) * (2 * j - 1));
      sum += term;
      if (term <= EPSILON * sum) break;
    }
    return Math.min(1, Math.max(0, 1 - Math.sqrt(2 * Math.PI) / z * sum));
  }
  let sum = 0;
  for (let j = 1; j <= MAX_TERMS; j++) {
    const term = Math.exp(-2 * j * j * z * z);
    sum += j % 2 === 1 ? term : -term;
    if (term <= EPSILON * Math.abs(sum)) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}
