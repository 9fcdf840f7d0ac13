/**
 * The regularized incomplete beta function I_x(a, b), the CDF of Beta(a, b),
 * from which Student's t distribution follows.
 *
 * @module
 */

import { logGamma } from "./log_gamma.ts";

const MAX_ITERATIONS = 300;
const EPSILON = 1e-15;
const TINY = 1e-300;

/**
 * The continued fraction 1/(1 + d₁/(1 + d₂/(1 + …))) of I_x(a, b), evaluated
 * by the modified Lentz method; converges quickly for x < (a + 1)/(a + b + 2).
 */
function continuedFraction(x: number, a: number, b: number): number {
  let c = 1;
  let d = 1 - (a + b) * x / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let result = d;
  for (let m = 1; m <= MAX_ITERATIONS; m++) {
    const evenTerm = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1 + evenTerm * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + evenTerm / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    result *= d * c;
    const oddTerm = -(a + m) * (a + b + m) * x /
      ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 + oddTerm * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + oddTerm / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const step = d * c;
    result *= step;
    if (Math.abs(step - 1) < EPSILON) return result;
  }
  return result;
}

/**
 * I_x(a, b) for a, b > 0 and x in [0, 1]. Uses the continued fraction on
 * whichever of I_x(a, b) and 1 − I_(1−x)(b, a) converges faster. Throws a
 * RangeError on arguments outside the domain.
 */
export function regularizedIncompleteBeta(
  x: number,
  a: number,
  b: number,
): number {
  if (!(a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b))) {
    throw new RangeError(
      `Cannot compute the incomplete beta: a and b must be positive and finite, got ${a} and ${b}`,
    );
  }
  if (!(x >= 0 && x <= 1)) {
    throw new RangeError(
      `Cannot compute the incomplete beta: x must be in [0, 1], got ${x}`,
    );
  }
  if (x === 0 || x === 1) return x;
  const logFront = a * Math.log(x) + b * Math.log1p(-x) -
    (logGamma(a) + logGamma(b) - logGamma(a + b));
  if (x < (a + 1) / (a + b + 2)) {
    return Math.exp(logFront) * continuedFraction(x, a, b) / a;
  }
  return 1 - Math.exp(logFront) * continuedFraction(1 - x, b, a) / b;
}
