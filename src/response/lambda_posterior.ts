/**
 * The per-session rate λ (1/s) of the jitter delays, from a Gamma–Exponential
 * conjugate posterior on the session's residual inter-input deltas (seconds,
 * net of the delay we injected). O(1) time and memory per observation.
 *
 * Model: residuals x ~ Exponential(λ), prior λ ~ Gamma(α₀, β₀) (shape, rate).
 * Each observation updates α ← α + 1, β ← β + x. The point estimate is the
 * posterior mean α/β, which, unlike the mode (α − 1)/β, is defined for any
 * α₀ > 0. It is bounded to [minLambda, maxLambda]: an estimate outside is
 * reported to `warn` first, then clamped, never clamped silently.
 *
 * Forgetting: with a factor γ < 1 the evidence gathered so far decays toward
 * the prior before each update, α ← α₀ + γ(α − α₀) + 1, β ← β₀ + γ(β − β₀) + x,
 * so the posterior weighs observation i of n by γ^(n−i) and holds at most
 * about 1/(1 − γ) observations' worth of evidence: λ follows a session whose
 * tempo changes. γ = 1 is the plain conjugate update.
 *
 * @module
 */
import { DEFAULT_CONFIG } from "../config/defaults.ts";

/** The structured record passed to `warn` before a λ is clamped. */
export interface LambdaClampWarning {
  /** The session whose λ was clamped. */
  session: string;
  /** The posterior mean before clamping. */
  lambda_unclamped: number;
  /** The value used instead: the bound that was crossed. */
  lambda_clamped: number;
  /** Which bound was crossed. */
  bound: "lower" | "upper";
}

/** Options for {@link LambdaPosterior}. */
export interface LambdaPosteriorOptions {
  /** The session name, carried into warnings. */
  session: string;
  /** Called with a structured record before any clamp. */
  warn: (record: LambdaClampWarning) => void;
  /** Prior shape α₀ > 0. Default `DEFAULT_CONFIG.lambda.prior_alpha`. */
  alpha0?: number;
  /** Prior rate β₀ > 0, in seconds. Default `DEFAULT_CONFIG.lambda.prior_beta`. */
  beta0?: number;
  /** Lower bound on λ, 1/s. Default `DEFAULT_CONFIG.lambda.min`. */
  minLambda?: number;
  /** Upper bound on λ, 1/s. Default `DEFAULT_CONFIG.lambda.max`. */
  maxLambda?: number;
  /** Forgetting factor γ in (0, 1]. Default 1, no forgetting. */
  forgetting?: number;
}

/** Default posterior settings, SPEC §6: the config's λ prior and bounds, no forgetting. */
export const LAMBDA_POSTERIOR_DEFAULTS = {
  alpha0: DEFAULT_CONFIG.lambda.prior_alpha,
  beta0: DEFAULT_CONFIG.lambda.prior_beta,
  minLambda: DEFAULT_CONFIG.lambda.min,
  maxLambda: DEFAULT_CONFIG.lambda.max,
  forgetting: 1,
} as const;

/** What {@link LambdaPosterior.estimate} returns. */
export interface LambdaEstimate {
  /** λ to use, 1/s, within the bounds. */
  lambda: number;
  /** The posterior mean before clamping. */
  lambdaUnclamped: number;
  /** Whether `lambda` differs from `lambdaUnclamped`. */
  clamped: boolean;
}

function requirePositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(
      `Cannot create the λ posterior: ${name} must be a positive finite number, got ${value}`,
    );
  }
}

/** Gamma posterior on one session's λ. */
export class LambdaPosterior {
  #session: string;
  #warn: (record: LambdaClampWarning) => void;
  #alpha0: number;
  #beta0: number;
  #minLambda: number;
  #maxLambda: number;
  #forgetting: number;
  #alpha: number;
  #beta: number;
  #count = 0;

  /** Starts at the prior. Throws a RangeError on invalid options. */
  constructor(options: LambdaPosteriorOptions) {
    const settings = { ...LAMBDA_POSTERIOR_DEFAULTS, ...options };
    requirePositive("alpha0", settings.alpha0);
    requirePositive("beta0", settings.beta0);
    requirePositive("minLambda", settings.minLambda);
    requirePositive("maxLambda", settings.maxLambda);
    if (settings.minLambda > settings.maxLambda) {
      throw new RangeError(
        `Cannot create the λ posterior: minLambda ${settings.minLambda} exceeds maxLambda ${settings.maxLambda}`,
      );
    }
    if (!(settings.forgetting > 0 && settings.forgetting <= 1)) {
      throw new RangeError(
        `Cannot create the λ posterior: forgetting must be in (0, 1], got ${settings.forgetting}`,
      );
    }
    this.#session = settings.session;
    this.#warn = settings.warn;
    this.#alpha0 = settings.alpha0;
    this.#beta0 = settings.beta0;
    this.#minLambda = settings.minLambda;
    this.#maxLambda = settings.maxLambda;
    this.#forgetting = settings.forgetting;
    this.#alpha = settings.alpha0;
    this.#beta = settings.beta0;
  }

  /**
   * Adds one residual inter-input delta, in seconds. Throws a RangeError when
   * it is negative or not finite: the caller nets out the injected delay and
   * floors the result at zero.
   */
  observe(residualSeconds: number): void {
    if (!Number.isFinite(residualSeconds) || residualSeconds < 0) {
      throw new RangeError(
        `Cannot update the λ posterior: a residual must be a finite number ≥ 0, got ${residualSeconds}`,
      );
    }
    const gamma = this.#forgetting;
    this.#alpha = this.#alpha0 + gamma * (this.#alpha - this.#alpha0) + 1;
    this.#beta = this.#beta0 + gamma * (this.#beta - this.#beta0) +
      residualSeconds;
    this.#count++;
  }

  /** Posterior shape α. */
  get alpha(): number {
    return this.#alpha;
  }

  /** Posterior rate β, seconds. */
  get beta(): number {
    return this.#beta;
  }

  /** How many residuals were observed. */
  get count(): number {
    return this.#count;
  }

  /**
   * The posterior mean α/β bounded to [minLambda, maxLambda]. When the mean
   * falls outside, `warn` receives the record before the clamped value is
   * returned; every call that clamps warns.
   */
  estimate(): LambdaEstimate {
    const lambdaUnclamped = this.#alpha / this.#beta;
    let bound: LambdaClampWarning["bound"] | undefined;
    let lambda = lambdaUnclamped;
    if (lambdaUnclamped < this.#minLambda) {
      bound = "lower";
      lambda = this.#minLambda;
    } else if (lambdaUnclamped > this.#maxLambda) {
      bound = "upper";
      lambda = this.#maxLambda;
    }
    if (bound !== undefined) {
      this.#warn({
        session: this.#session,
        lambda_unclamped: lambdaUnclamped,
        lambda_clamped: lambda,
        bound,
      });
    }
    return { lambda, lambdaUnclamped, clamped: bound !== undefined };
  }
}
