/**
 * Student's t distribution with real degrees of freedom (Welch's test gives
 * fractional ones).
 *
 * @module
 */

import { regularizedIncompleteBeta } from "./incomplete_beta.ts";

/**
 * P(|T| ≥ |t|) and P(|T| < |t|) for T ~ t(df). They are I_x(df/2, 1/2) with
 * x = df/(df + t²) and its complement I_(1−x)(1/2, df/2); each is computed
 * from whichever argument does not round to 1, so both keep full precision
 * near t = 0 and in the far tail.
 */
function tailAndCentre(
  t: number,
  df: number,
): { tail: number; centre: number } {
  if (!Number.isFinite(df) || df <= 0) {
    throw new RangeError(
      `Cannot evaluate Student's t distribution: degrees of freedom must be positive and finite, got ${df}`,
    );
  }
  if (Number.isNaN(t)) {
    throw new RangeError("Cannot evaluate Student's t distribution: t is NaN");
  }
  if (!Number.isFinite(t)) return { tail: 0, centre: 1 };
  const tSquared = t * t;
  if (tSquared < df) {
    const centre = regularizedIncompleteBeta(
      tSquared / (df + tSquared),
      0.5,
      df / 2,
    );
    return { tail: 1 - centre, centre };
  }
  const tail = regularizedIncompleteBeta(df / (df + tSquared), df / 2, 0.5);
  return { tail, centre: 1 - tail };
}

/** P(|T| ≥ |t|) for T ~ t(df), the two-sided p-value of a t statistic. */
export function studentTTwoSidedPValue(t: number, df: number): number {
  return tailAndCentre(t, df).tail;
}

/** P(T ≤ t) for T ~ t(df). */
export function studentTCdf(t: number, df: number): number {
  const { tail, centre } = tailAndCentre(t, df);
  if (t < 0) return tail / 2;
  return tail > centre ? 0.5 + centre / 2 : 1 - tail / 2;
}
