/**
 * Verification error rates from distances: an owner's window is accepted
 * when its distance is at most the threshold. Ties are handled as one step
 * (all windows at a distance are accepted together), so no ordering luck
 * lowers a figure.
 *
 * @module
 */

/** An error rate and the threshold where it holds. */
export interface RateAt {
  /** The rate, from 0 to 1. */
  rate: number;
  /** Accept distances at most this. */
  threshold: number;
}

interface Step {
  threshold: number;
  falseAccept: number;
  falseReject: number;
}

function* steps(genuine: readonly number[], impostor: readonly number[]): Generator<Step> {
  if (genuine.length === 0 || impostor.length === 0) {
    throw new RangeError("Cannot compute error rates: need genuine and impostor distances");
  }
  const all = [
    ...genuine.map((d) => ({ d, genuine: true })),
    ...impostor.map((d) => ({ d, genuine: false })),
  ].filter((x) => !Number.isNaN(x.d)).sort((a, b) => a.d - b.d);
  let accepted = 0;
  let falseAccepts = 0;
  yield { threshold: -Infinity, falseAccept: 0, falseReject: 1 };
  for (let i = 0; i < all.length; i++) {
    if (all[i]!.genuine) accepted++;
    else falseAccepts++;
    if (i + 1 < all.length && all[i + 1]!.d === all[i]!.d) continue;
    yield {
      threshold: all[i]!.d,
      falseAccept: falseAccepts / impostor.length,
      falseReject: (genuine.length - accepted) / genuine.length,
    };
  }
}

/**
 * The equal error rate: the smallest, over thresholds, of the larger of the
 * false-accept and false-reject rates.
 */
export function equalErrorRate(genuine: readonly number[], impostor: readonly number[]): RateAt {
  let best: RateAt = { rate: 1, threshold: -Infinity };
  for (const s of steps(genuine, impostor)) {
    const rate = Math.max(s.falseAccept, s.falseReject);
    if (rate < best.rate) best = { rate, threshold: s.threshold };
  }
  return best;
}

/** The false-reject rate at the largest threshold whose false-accept rate is at most `falseAccept`. */
export function falseRejectAt(
  genuine: readonly number[],
  impostor: readonly number[],
  falseAccept: number,
): RateAt {
  let best: RateAt = { rate: 1, threshold: -Infinity };
  for (const s of steps(genuine, impostor)) {
    if (s.falseAccept <= falseAccept) best = { rate: s.falseReject, threshold: s.threshold };
  }
  return best;
}
