/**
 * Exponential delays by inverse transform: d = −ln(1 − u) / λ for u uniform in
 * [0, 1). Since 1 − u lies in (0, 1], the logarithm is always finite.
 *
 * @module
 */

import type { UniformSource } from "./xoshiro128.ts";

/** Options for {@link drawExponential}. */
export interface ExponentialDrawOptions {
  /**
   * Upper bound on one delay, in seconds, so that no single draw is
   * unbounded. A draw above it returns the bound itself (the distribution is
   * censored, not truncated): the mean falls from 1/λ to
   * {@link cappedExponentialMean}, (1 − e^(−λ·cap))/λ, a bias below 1 % once
   * cap ≥ 4.6/λ. Defaults to no bound.
   */
  maxSeconds?: number;
}

/**
 * Draws one delay in seconds from Exponential(λ), λ in 1/s, consuming one
 * uniform from `rng`. Throws a RangeError when λ is not a positive finite
 * number or the bound is not positive.
 */
export function drawExponential(
  rng: UniformSource,
  lambda: number,
  options: ExponentialDrawOptions = {},
): number {
  if (!Number.isFinite(lambda) || lambda <= 0) {
    throw new RangeError(
      `Cannot draw an exponential delay: λ must be a positive finite number, got ${lambda}`,
    );
  }
  const maxSeconds = options.maxSeconds ?? Infinity;
  if (!(maxSeconds > 0)) {
    throw new RangeError(
      `Cannot draw an exponential delay: the bound must be positive, got ${maxSeconds}`,
    );
  }
  const delay = -Math.log1p(-rng.nextFloat()) / lambda;
  return Math.min(delay, maxSeconds);
}

/**
 * The mean of Exponential(λ) censored at `maxSeconds`, what
 * {@link drawExponential} with that bound averages to: (1 − e^(−λ·cap))/λ.
 */
export function cappedExponentialMean(
  lambda: number,
  maxSeconds: number,
): number {
  return -Math.expm1(-lambda * maxSeconds) / lambda;
}
