/**
 * λ across the kernel boundary: `lambda_scaled` in `struct gh_jitter_command`
 * is λ × 1000 as a u32, never a float (SPEC §4). Resolution 0.001/s.
 *
 * @module
 */

/** The fixed-point scale: `lambda_scaled` = round(λ × LAMBDA_SCALE). */
export const LAMBDA_SCALE = 1000;

/** The largest `lambda_scaled` a u32 holds. */
export const MAX_LAMBDA_SCALED = 0xffff_ffff;

/**
 * λ (1/s) as `lambda_scaled`, rounded to the nearest integer. Throws a
 * RangeError when λ is not finite, is negative, or does not fit in a u32
 * once scaled.
 */
export function lambdaToScaled(lambda: number): number {
  if (!Number.isFinite(lambda) || lambda < 0) {
    throw new RangeError(
      `Cannot encode λ as lambda_scaled: λ must be a finite number ≥ 0, got ${lambda}`,
    );
  }
  const scaled = Math.round(lambda * LAMBDA_SCALE);
  if (scaled > MAX_LAMBDA_SCALED) {
    throw new RangeError(
      `Cannot encode λ as lambda_scaled: ${lambda} × ${LAMBDA_SCALE} does not fit in a u32`,
    );
  }
  return scaled;
}

/**
 * `lambda_scaled` back to λ (1/s). Throws a RangeError when the value is not
 * an integer in the u32 range.
 */
export function scaledToLambda(lambdaScaled: number): number {
  if (
    !Number.isInteger(lambdaScaled) || lambdaScaled < 0 ||
    lambdaScaled > MAX_LAMBDA_SCALED
  ) {
    throw new RangeError(
      `Cannot decode lambda_scaled: it must be an integer in [0, ${MAX_LAMBDA_SCALED}], got ${lambdaScaled}`,
    );
  }
  return lambdaScaled / LAMBDA_SCALE;
}
