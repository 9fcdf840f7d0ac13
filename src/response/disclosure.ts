/**
 * Behavioural disclosure: once a session is jittered, does its own tempo
 * change? A person or an operator's tooling that notices the lag slows down,
 * retries or types ahead; the change in residual tempo (inter-input deltas
 * net of the delay we injected) is the second, stronger verdict.
 *
 * Interaction cycle: a fixed number of consecutive input events
 * (`cycleInputs`, default 5). Content is never seen, so command boundaries are
 * not; a fixed count also gives every look of the test a known sample size.
 *
 * Test: Welch's t-test on log residuals, post-jitter against the pre-jitter
 * baseline (timing is roughly log-normal, and logs make "3× slower" and
 * "3× faster" symmetric). It is looked at at the end of cycles minCycles…
 * maxCycles (3…7); each look uses significance/(number of looks), a
 * Bonferroni split that keeps the family-wise false-verdict rate at or below
 * `significance` (default 0.01). A verdict also needs the geometric-mean tempo
 * to change by at least `minTempoRatio` (default 1.5×) either way, so a long
 * baseline cannot make a trivial change significant.
 *
 * Memory is bounded: Welford summaries only. The baseline is the merge of the
 * two most recent blocks of `baselineBlockSize` pre-jitter residuals, so it
 * covers between one and two blocks of the latest tempo.
 *
 * Caveat: the residual nets out the delay of the previous input, which is
 * right for a sender that waits for the session's response. A sender that
 * does not wait (a script on a fixed clock) shows residuals shrinking by about
 * the mean delay; that reads as "faster", which is still evidence the input
 * is not paced by the output a person would watch.
 *
 * @module
 */

import { welchTTest } from "../stats/welch_t.ts";
import { Welford } from "../stats/welford.ts";

/** Options for {@link DisclosureDetector}. */
export interface DisclosureOptions {
  /** Input events per interaction cycle. Default 5. */
  cycleInputs?: number;
  /** First cycle after jitter start at which the test is looked at. Default 3. */
  minCycles?: number;
  /** Last cycle looked at; the window closes after it. Default 7. */
  maxCycles?: number;
  /** Family-wise significance level over all looks. Default 0.01. */
  significance?: number;
  /** Smallest change of geometric-mean tempo that counts, ≥ 1. Default 1.5. */
  minTempoRatio?: number;
  /** Fewest baseline residuals for a test. Default 10. */
  minBaselineCount?: number;
  /** Residuals per baseline block. Default 64. */
  baselineBlockSize?: number;
  /** Floor applied to residuals before the logarithm, seconds. Default 0.001. */
  minResidualSeconds?: number;
}

/** Default disclosure settings. */
export const DISCLOSURE_DEFAULTS = {
  cycleInputs: 5,
  minCycles: 3,
  maxCycles: 7,
  significance: 0.01,
  minTempoRatio: 1.5,
  minBaselineCount: 10,
  baselineBlockSize: 64,
  minResidualSeconds: 0.001,
} as const;

/** The tempo of one side of the comparison. */
export interface TempoSummary {
  /** Residuals summarised. */
  count: number;
  /** Mean of ln(residual seconds). */
  logMean: number;
  /** Unbiased variance of ln(residual seconds). */
  logVariance: number;
  /** e^logMean: the typical residual, seconds. */
  geometricMeanSeconds: number;
}

/** What a look at the test found. */
export interface DisclosureEvidence {
  /** Pre-jitter tempo. */
  baseline: TempoSummary;
  /** Tempo since jitter started. */
  post: TempoSummary;
  /** Welch's t, positive when the session slowed down. */
  statistic: number;
  /** Welch–Satterthwaite degrees of freedom. */
  degreesOfFreedom: number;
  /** Two-sided p-value. */
  pValue: number;
  /** The significance level of this look. */
  alphaPerLook: number;
  /** post / baseline geometric mean: above 1 slower, below 1 faster. */
  tempoRatio: number;
  /** Complete interaction cycles since jitter started. */
  cycles: number;
}

/** The detector's verdict for one jitter episode. */
export type DisclosureVerdict =
  | { kind: "disclosure-confirmed"; evidence: DisclosureEvidence }
  | {
    kind: "disclosure-not-observed";
    /** Why the window closed without a verdict. */
    reason: "no-significant-change" | "insufficient-baseline";
    /** Complete cycles since jitter started. */
    cycles: number;
    /** The last look, when a test could run. */
    evidence?: DisclosureEvidence;
  };

/** Where the detector is: learning the baseline, watching, or done for this episode. */
export type DisclosurePhase = "baseline" | "watching" | "decided";

function summarise(summary: Welford): TempoSummary {
  return {
    count: summary.count,
    logMean: summary.mean,
    logVariance: summary.variance,
    geometricMeanSeconds: Math.exp(summary.mean),
  };
}

function requireInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(
      `Cannot create the disclosure detector: ${name} must be an integer ≥ ${min}, got ${value}`,
    );
  }
}

/** Per-session disclosure detector, O(1) time and memory per input. */
export class DisclosureDetector {
  #settings: Required<DisclosureOptions>;
  #alphaPerLook: number;
  #recent = new Welford();
  #older = new Welford();
  #baseline = new Welford();
  #post = new Welford();
  #phase: DisclosurePhase = "baseline";

  /** Throws a RangeError on invalid options. */
  constructor(options: DisclosureOptions = {}) {
    const settings = { ...DISCLOSURE_DEFAULTS, ...options };
    requireInteger("cycleInputs", settings.cycleInputs, 1);
    requireInteger("minCycles", settings.minCycles, 1);
    requireInteger("maxCycles", settings.maxCycles, settings.minCycles);
    requireInteger("minBaselineCount", settings.minBaselineCount, 2);
    requireInteger("baselineBlockSize", settings.baselineBlockSize, 1);
    if (settings.cycleInputs * settings.minCycles < 2) {
      throw new RangeError(
        "Cannot create the disclosure detector: the first look needs at least two post-jitter inputs",
      );
    }
    if (!(settings.significance > 0 && settings.significance < 1)) {
      throw new RangeError(
        `Cannot create the disclosure detector: significance must be in (0, 1), got ${settings.significance}`,
      );
    }
    if (!(settings.minTempoRatio >= 1 && settings.minTempoRatio < Infinity)) {
      throw new RangeError(
        `Cannot create the disclosure detector: minTempoRatio must be a finite number ≥ 1, got ${settings.minTempoRatio}`,
      );
    }
    if (!(settings.minResidualSeconds > 0)) {
      throw new RangeError(
        `Cannot create the disclosure detector: minResidualSeconds must be positive, got ${settings.minResidualSeconds}`,
      );
    }
    this.#settings = settings;
    this.#alphaPerLook = settings.significance /
      (settings.maxCycles - settings.minCycles + 1);
  }

  /** The current phase. */
  get phase(): DisclosurePhase {
    return this.#phase;
  }

  /**
   * Freezes the baseline and starts watching: call it when the first delay
   * of a jitter episode is injected. A no-op unless in the baseline phase.
   */
  startJitter(): void {
    if (this.#phase !== "baseline") return;
    this.#baseline = this.#older.clone();
    this.#baseline.merge(this.#recent);
    this.#post.clear();
    this.#phase = "watching";
  }

  /** Ends the episode, with or without a verdict, and resumes the baseline. */
  stopJitter(): void {
    this.#phase = "baseline";
    this.#post.clear();
  }

  /**
   * Adds one residual inter-input delta (seconds, ≥ 0). In the baseline
   * phase it feeds the baseline; while watching it feeds the post-jitter
   * summary and, at the end of a cycle in the window, returns a verdict once;
   * after the verdict it is ignored until {@link stopJitter}. Throws a
   * RangeError when the residual is negative or not finite.
   */
  observe(residualSeconds: number): DisclosureVerdict | undefined {
    if (!Number.isFinite(residualSeconds) || residualSeconds < 0) {
      throw new RangeError(
        `Cannot observe a residual for disclosure: it must be a finite number ≥ 0, got ${residualSeconds}`,
      );
    }
    const logResidual = Math.log(
      Math.max(residualSeconds, this.#settings.minResidualSeconds),
    );
    if (this.#phase === "baseline") {
      this.#recent.push(logResidual);
      if (this.#recent.count >= this.#settings.baselineBlockSize) {
        [this.#older, this.#recent] = [this.#recent, this.#older];
        this.#recent.clear();
      }
      return undefined;
    }
    if (this.#phase === "decided") return undefined;
    this.#post.push(logResidual);
    const { cycleInputs, minCycles, maxCycles } = this.#settings;
    if (this.#post.count % cycleInputs !== 0) return undefined;
    const cycles = this.#post.count / cycleInputs;
    if (cycles < minCycles) return undefined;
    const verdict = this.#look(cycles);
    if (verdict.kind === "disclosure-confirmed" || cycles >= maxCycles) {
      this.#phase = "decided";
      return verdict;
    }
    return undefined;
  }

  #look(cycles: number): DisclosureVerdict {
    if (this.#baseline.count < this.#settings.minBaselineCount) {
      return {
        kind: "disclosure-not-observed",
        reason: "insufficient-baseline",
        cycles,
      };
    }
    const test = welchTTest(this.#baseline, this.#post);
    const tempoRatio = Math.exp(this.#post.mean - this.#baseline.mean);
    const evidence: DisclosureEvidence = {
      baseline: summarise(this.#baseline),
      post: summarise(this.#post),
      statistic: test.statistic,
      degreesOfFreedom: test.degreesOfFreedom,
      pValue: test.pValue,
      alphaPerLook: this.#alphaPerLook,
      tempoRatio,
      cycles,
    };
    const ratio = this.#settings.minTempoRatio;
    const marked = tempoRatio >= ratio || tempoRatio <= 1 / ratio;
    if (test.pValue < this.#alphaPerLook && marked) {
      return { kind: "disclosure-confirmed", evidence };
    }
    return {
      kind: "disclosure-not-observed",
      reason: "no-significant-change",
      cycles,
      evidence,
    };
  }
}
