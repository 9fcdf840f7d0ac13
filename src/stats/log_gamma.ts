/**
 * The natural logarithm of the gamma function for positive arguments.
 *
 * @module
 */

const STIRLING_FROM = 10;
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * ln Γ(x) for x > 0. Shifts x up to at least 10 with Γ(x + 1) = x·Γ(x), then
 * sums Stirling's series to the z⁻⁷ term, whose truncation error there is
 * below 10⁻¹². Throws a RangeError when x is not positive and finite.
 */
export function logGamma(x: number): number {
  if (!Number.isFinite(x) || x <= 0) {
    throw new RangeError(
      `Cannot compute ln Γ(x): x must be a positive finite number, got ${x}`,
    );
  }
  let z = x;
  let logProduct = 0;
  while (z < STIRLING_FROM) {
    logProduct += Math.log(z);
    z += 1;
  }
  const inverse = 1 / z;
  const inverseSquared = inverse * inverse;
  const series = inverse *
    (1 / 12 -
      inverseSquared *
        (1 / 360 - inverseSquared * (1 / 1260 - inverseSquared / 1680)));
  return (z - 0.5) * Math.log(z) - z + HALF_LOG_TWO_PI + series - logProduct;
}
