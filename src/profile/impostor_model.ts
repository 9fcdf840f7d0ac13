/**
 * How far a run of inputs is from a user's profile: a per-feature Gaussian
 * log-likelihood ratio between "typed by this user" (the profile's mean,
 * spread {@linkcode ImpostorModel.withinSd}) and "typed by anyone" (the
 * population's mean and spread), averaged over features and negated so that
 * larger means less like the owner. Matching an unusual typist is strong
 * evidence; matching a typical one is weak: a plain distance cannot say that.
 *
 * The constants are fitted by {@linkcode fitImpostorModel} on held-in people
 * (`deno task calibrate` refits them and reports on held-out people).
 *
 * @module
 */
import { FEATURE_COUNT } from "./timing_window.ts";

/** The fitted constants of the distance, one entry per feature. */
export interface ImpostorModel {
  /** Spread of a window's feature around its typist's profile mean. */
  withinSd: readonly number[];
  /** Mean of profile means over people. */
  populationMean: readonly number[];
  /** Spread of profile means over people. */
  populationSd: readonly number[];
  /** Distance above which a window is called an impostor's. */
  bound: number;
  /** Share of the owner's own windows beyond {@linkcode bound} where fitted. */
  falseAlertRate: number;
}

/** Smallest spread used, so a feature that never varies cannot dominate. */
const MIN_SD = 1e-3;

/**
 * The distance of a window's features from a profile mean (see the module
 * documentation); features NaN on either side are skipped. NaN when no
 * feature is usable.
 */
export function impostorDistance(
  profileMean: ArrayLike<number>,
  features: ArrayLike<number>,
  model: ImpostorModel,
): number {
  let sum = 0;
  let used = 0;
  for (let f = 0; f < FEATURE_COUNT; f++) {
    const x = features[f]!;
    const mu = profileMean[f]!;
    if (Number.isNaN(x) || Number.isNaN(mu)) continue;
    const w = Math.max(model.withinSd[f]!, MIN_SD);
    const t = Math.sqrt(model.populationSd[f]! ** 2 + w * w);
    const zw = (x - mu) / w;
    const zt = (x - model.populationMean[f]!) / t;
    sum += 0.5 * zw * zw + Math.log(w) - 0.5 * zt * zt - Math.log(t);
    used++;
  }
  return used === 0 ? NaN : sum / used;
}

/** One person's data for fitting: profile mean and one held-out window. */
export interface FitSample {
  profileMean: ArrayLike<number>;
  probe: ArrayLike<number>;
}

/**
 * Fits the constants on people whose profile and held-out window are known:
 * within spread from window − mean, population from the means, and the bound
 * at the `falseAlertRate` quantile of the owners' own distances.
 */
export function fitImpostorModel(
  samples: readonly FitSample[],
  falseAlertRate: number,
): ImpostorModel {
  if (samples.length < 2) {
    throw new RangeError(
      `Cannot fit the impostor model: need at least 2 people, got ${samples.length}`,
    );
  }
  const withinSd: number[] = [];
  const populationMean: number[] = [];
  const populationSd: number[] = [];
  for (let f = 0; f < FEATURE_COUNT; f++) {
    let sq = 0;
    let n = 0;
    let sum = 0;
    let sumSq = 0;
    let m = 0;
    for (const s of samples) {
      const d = s.probe[f]! - s.profileMean[f]!;
      if (!Number.isNaN(d)) {
        sq += d * d;
        n++;
      }
      const mu = s.profileMean[f]!;
      if (!Number.isNaN(mu)) {
        sum += mu;
        sumSq += mu * mu;
        m++;
      }
    }
    withinSd.push(Math.max(MIN_SD, n > 0 ? Math.sqrt(sq / n) : MIN_SD));
    const mean = m > 0 ? sum / m : 0;
    populationMean.push(mean);
    populationSd.push(m > 1 ? Math.sqrt(Math.max(0, sumSq / m - mean * mean)) : 0);
  }
  const partial: ImpostorModel = {
    withinSd,
    populationMean,
    populationSd,
    bound: 0,
    falseAlertRate,
  };
  const own = samples.map((s) => impostorDistance(s.profileMean, s.probe, partial))
    .filter((d) => !Number.isNaN(d)).sort((a, b) => a - b);
  const index = Math.min(own.length - 1, Math.ceil((1 - falseAlertRate) * own.length) - 1);
  return { ...partial, bound: own[Math.max(0, index)]! };
}
