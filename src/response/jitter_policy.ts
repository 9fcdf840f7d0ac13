/**
 * The per-session response policy, pure: scorer updates, terminal events and
 * clock ticks in; decisions out. It performs no I/O: the caller dispatches
 * each decision to the actuator Worker, or to the dry-run log, unchanged.
 *
 * Per session:
 * - Residuals: each input's delta from the previous input, minus the delay
 *   injected on that previous input, floored at 0, feeds the λ posterior
 *   (always) and the disclosure detector. A dry run (`appliesDelays` false)
 *   injects nothing, so it subtracts nothing: its disclosure test compares
 *   the tempo that actually happened.
 * - Start: the first scorer update at or above `threshold` starts jitter with
 *   λ = the posterior estimate (clamped with a warning when out of bounds).
 * - Delays: while jittered, every input gets d ~ Exponential(λ), capped at
 *   `maxDelaySeconds`, from the one shared PRNG.
 * - λ updates: at the end of every interaction cycle (`cycleInputs` jittered
 *   inputs) λ is re-estimated; it is committed, and reported, only when it
 *   moves by more than `notableLambdaChange` (relative), so the draws and the
 *   kernel's command always carry the same λ and small drifts cost nothing.
 * - Stop: `releaseUpdates` consecutive scorer updates below `releaseLevel`
 *   (hysteresis below the threshold), the session ending, the session idle
 *   for `idleTimeoutMs`, or its eviction.
 * - Disclosure: the detector starts watching at the first delayed input and
 *   gives at most one verdict per jitter episode.
 * - Limits: at most `maxSessions` tracked; a new session evicts the least
 *   recently active one, counted in {@link JitterPolicy.evictions}.
 *
 * @module
 */

import { DisclosureDetector, type DisclosureEvidence } from "./disclosure.ts";
import type { DisclosureOptions } from "./disclosure.ts";
import { drawExponential } from "./exponential.ts";
import { lambdaToScaled } from "./fixed_point.ts";
import {
  type LambdaClampWarning,
  LambdaPosterior,
  type LambdaPosteriorOptions,
} from "./lambda_posterior.ts";
import type { UniformSource } from "./xoshiro128.ts";
import type { Direction } from "../trace/trace_event.ts";
import { DEFAULT_CONFIG, DEFAULT_LAMBDA_FORGETTING } from "../config/defaults.ts";

/** Why jitter stopped for a session. */
export type JitterStopReason = "score-released" | "ended" | "idle" | "evicted";

/** What the caller must do or log; every decision names its session and time (ms). */
export type JitterDecision =
  | {
    kind: "jitter-start";
    session: string;
    t: number;
    /** The score that crossed the threshold. */
    score: number;
    /** λ in 1/s, within the bounds. */
    lambda: number;
    /** λ × 1000 for `struct gh_jitter_command`. */
    lambdaScaled: number;
  }
  | {
    kind: "lambda-changed";
    session: string;
    t: number;
    lambda: number;
    lambdaScaled: number;
    previousLambda: number;
    /** |λ − previous| / previous. */
    relativeChange: number;
  }
  | {
    kind: "lambda-clamped";
    session: string;
    t: number;
    /** The structured record for the WARNING log line. */
    warning: LambdaClampWarning;
  }
  | {
    kind: "delay";
    session: string;
    t: number;
    /** The delay for the input at `t`, seconds. */
    seconds: number;
    /** The λ it was drawn with. */
    lambda: number;
  }
  | {
    kind: "jitter-stop";
    session: string;
    t: number;
    reason: JitterStopReason;
  }
  | {
    kind: "disclosure-confirmed";
    session: string;
    t: number;
    evidence: DisclosureEvidence;
  }
  | {
    kind: "disclosure-not-observed";
    session: string;
    t: number;
    reason: "no-significant-change" | "insufficient-baseline";
    cycles: number;
    evidence?: DisclosureEvidence;
  };

/** One terminal event as the policy needs it. */
export interface PolicyEvent {
  /** CLOCK_MONOTONIC milliseconds. */
  t: number;
  /** `in` for input into the session, `out` for its output. */
  dir: Direction;
  /** Byte count. */
  bytes: number;
  /**
   * For an input: whether its delay can be applied (the live agent: the
   * probe stopped its writer; a shared or job-control-watched writer is not
   * stopped). Omitted: it can, unless `appliesDelays` is false.
   */
  held?: boolean;
}

/** Prior, bounds and forgetting of each session's λ posterior. */
export type PolicyPosteriorOptions = Omit<
  LambdaPosteriorOptions,
  "session" | "warn"
>;

/** Options for {@link JitterPolicy}. */
export interface JitterPolicyOptions {
  /** The one PRNG every delay is drawn from, seeded once. */
  rng: UniformSource;
  /** Score at or above which jitter starts. Default `DEFAULT_CONFIG.threshold`. */
  threshold?: number;
  /** Score below which an update counts toward release. Default 0.5. */
  releaseLevel?: number;
  /** Consecutive scorer updates below `releaseLevel` that stop jitter. Default 20. */
  releaseUpdates?: number;
  /** Inactivity after which a session is dropped, ms. Default 300 000. */
  idleTimeoutMs?: number;
  /** Most sessions tracked at once. Default `DEFAULT_CONFIG.limits.max_sessions`. */
  maxSessions?: number;
  /** Upper bound on one delay, seconds. Default `DEFAULT_CONFIG.max_delay_ms` / 1000. */
  maxDelaySeconds?: number;
  /** Whether the drawn delays are injected; false in a dry run. Default true. */
  appliesDelays?: boolean;
  /** Relative λ change that is committed and reported. Default 0.25. */
  notableLambdaChange?: number;
  /** Inputs per interaction cycle, for λ updates and disclosure. Default 5. */
  cycleInputs?: number;
  /**
   * λ posterior settings, merged over the defaults: the posterior module's,
   * except forgetting `DEFAULT_LAMBDA_FORGETTING`, so λ follows a change of tempo.
   */
  posterior?: PolicyPosteriorOptions;
  /** Disclosure settings other than the cycle length. */
  disclosure?: Omit<DisclosureOptions, "cycleInputs">;
}

/** Default policy settings. */
export const JITTER_POLICY_DEFAULTS = {
  threshold: DEFAULT_CONFIG.threshold,
  releaseLevel: 0.5,
  releaseUpdates: 20,
  idleTimeoutMs: 300_000,
  maxSessions: DEFAULT_CONFIG.limits.max_sessions,
  maxDelaySeconds: DEFAULT_CONFIG.max_delay_ms / 1000,
  appliesDelays: true,
  notableLambdaChange: 0.25,
  cycleInputs: 5,
  posterior: { forgetting: DEFAULT_LAMBDA_FORGETTING },
  disclosure: {},
} as const;

interface SessionState {
  posterior: LambdaPosterior;
  disclosure: DisclosureDetector;
  lastSeenMs: number;
  lastInputMs: number | undefined;
  /** The delay injected on the previous input, seconds; 0 if none (or only drawn: a dry run, a writer not stopped). */
  lastDelaySeconds: number;
  jittering: boolean;
  /** The committed λ while jittering. */
  lambda: number;
  delaysThisEpisode: number;
  inputsThisCycle: number;
  updatesBelowRelease: number;
}

function requireIntegerOption(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot create the jitter policy: ${name} must be a positive integer, got ${value}`,
    );
  }
}

function requireTime(t: number): void {
  if (!Number.isFinite(t)) {
    throw new RangeError(
      `Cannot apply the jitter policy: time must be a finite number of ms, got ${t}`,
    );
  }
}

/** Response state for every tracked session. */
export class JitterPolicy {
  #rng: UniformSource;
  #settings: Omit<Required<JitterPolicyOptions>, "rng">;
  #sessions = new Map<string, SessionState>();
  #evictions = 0;
  #negativeResiduals = 0;
  #decisions: JitterDecision[] = [];
  #now = 0;

  /** Throws a RangeError on inconsistent options. */
  constructor(options: JitterPolicyOptions) {
    const settings = {
      ...JITTER_POLICY_DEFAULTS,
      ...options,
      posterior: { ...JITTER_POLICY_DEFAULTS.posterior, ...options.posterior },
    };
    const { threshold, releaseLevel } = settings;
    if (!(releaseLevel >= 0 && releaseLevel <= threshold && threshold <= 1)) {
      throw new RangeError(
        `Cannot create the jitter policy: need 0 ≤ releaseLevel ≤ threshold ≤ 1, got ${releaseLevel} and ${threshold}`,
      );
    }
    requireIntegerOption("releaseUpdates", settings.releaseUpdates);
    requireIntegerOption("maxSessions", settings.maxSessions);
    requireIntegerOption("cycleInputs", settings.cycleInputs);
    if (!(settings.idleTimeoutMs > 0)) {
      throw new RangeError(
        `Cannot create the jitter policy: idleTimeoutMs must be positive, got ${settings.idleTimeoutMs}`,
      );
    }
    if (!(settings.maxDelaySeconds > 0)) {
      throw new RangeError(
        `Cannot create the jitter policy: maxDelaySeconds must be positive, got ${settings.maxDelaySeconds}`,
      );
    }
    if (!(settings.notableLambdaChange >= 0)) {
      throw new RangeError(
        `Cannot create the jitter policy: notableLambdaChange must be ≥ 0, got ${settings.notableLambdaChange}`,
      );
    }
    this.#rng = settings.rng;
    this.#settings = settings;
    // Fail now, not at the first session, when the nested options are bad.
    this.#createSession("validation");
  }

  /** Sessions evicted to stay within `maxSessions`. */
  get evictions(): number {
    return this.#evictions;
  }

  /** Inputs whose delta was shorter than the delay injected before it (floored at 0). */
  get negativeResiduals(): number {
    return this.#negativeResiduals;
  }

  /** Sessions currently tracked. */
  get sessionCount(): number {
    return this.#sessions.size;
  }

  /** The committed λ of a jittered session, or undefined when not jittered. */
  lambdaOf(session: string): number | undefined {
    const state = this.#sessions.get(session);
    return state?.jittering ? state.lambda : undefined;
  }

  /**
   * Takes one terminal event. Inputs update the residual statistics and, in a
   * jittered session, get a `delay` decision. Call it before {@link onScore}
   * for the score computed from the same event: the event that crosses the
   * threshold has already reached the session and is not delayed.
   */
  onEvent(session: string, event: PolicyEvent): JitterDecision[] {
    requireTime(event.t);
    this.#begin(event.t);
    const state = this.#touch(session, event.t);
    if (event.dir === "in") this.#onInput(session, state, event.t, event.held ?? true);
    return this.#finish();
  }

  /**
   * Takes one scorer update, a score in [0, 1]. Throws a RangeError for a
   * score outside it: the scorer checks its output, so this is a bug.
   */
  onScore(session: string, t: number, score: number): JitterDecision[] {
    requireTime(t);
    if (!(score >= 0 && score <= 1)) {
      throw new RangeError(
        `Cannot apply a score to the jitter policy: it must be in [0, 1], got ${score}`,
      );
    }
    this.#begin(t);
    const state = this.#touch(session, t);
    if (!state.jittering) {
      if (score >= this.#settings.threshold) this.#start(session, state, score);
    } else if (score < this.#settings.releaseLevel) {
      state.updatesBelowRelease++;
      if (state.updatesBelowRelease >= this.#settings.releaseUpdates) {
        this.#stop(session, state, "score-released");
      }
    } else {
      state.updatesBelowRelease = 0;
    }
    return this.#finish();
  }

  /**
   * The session ended (its login is over) or left the caller's session table
   * (`reason` "evicted"): stops its jitter and forgets it.
   */
  onSessionEnd(
    session: string,
    t: number,
    reason: Extract<JitterStopReason, "ended" | "evicted"> = "ended",
  ): JitterDecision[] {
    requireTime(t);
    this.#begin(t);
    const state = this.#sessions.get(session);
    if (state !== undefined) {
      this.#stop(session, state, reason);
      this.#sessions.delete(session);
    }
    return this.#finish();
  }

  /**
   * Drops sessions idle for `idleTimeoutMs` at `now` (ms), stopping their
   * jitter. Walks from the least recently active, so its cost is the number
   * of sessions dropped.
   */
  onTick(now: number): JitterDecision[] {
    requireTime(now);
    this.#begin(now);
    for (const [session, state] of this.#sessions) {
      if (now - state.lastSeenMs < this.#settings.idleTimeoutMs) break;
      this.#stop(session, state, "idle");
      this.#sessions.delete(session);
    }
    return this.#finish();
  }

  #begin(t: number): void {
    this.#now = t;
    this.#decisions = [];
  }

  #finish(): JitterDecision[] {
    const decisions = this.#decisions;
    this.#decisions = [];
    return decisions;
  }

  #createSession(session: string): SessionState {
    const { cycleInputs } = this.#settings;
    return {
      posterior: new LambdaPosterior({
        ...this.#settings.posterior,
        session,
        warn: (warning) =>
          this.#decisions.push({
            kind: "lambda-clamped",
            session,
            t: this.#now,
            warning,
          }),
      }),
      disclosure: new DisclosureDetector({
        ...this.#settings.disclosure,
        cycleInputs,
      }),
      lastSeenMs: this.#now,
      lastInputMs: undefined,
      lastDelaySeconds: 0,
      jittering: false,
      lambda: 0,
      delaysThisEpisode: 0,
      inputsThisCycle: 0,
      updatesBelowRelease: 0,
    };
  }

  /** Finds or creates the session and moves it to the most recent end. */
  #touch(session: string, t: number): SessionState {
    let state = this.#sessions.get(session);
    if (state === undefined) {
      if (this.#sessions.size >= this.#settings.maxSessions) this.#evictOldest();
      state = this.#createSession(session);
    } else {
      this.#sessions.delete(session);
    }
    state.lastSeenMs = Math.max(state.lastSeenMs, t);
    this.#sessions.set(session, state);
    return state;
  }

  #evictOldest(): void {
    const oldest = this.#sessions.entries().next();
    if (oldest.done) return;
    const [session, state] = oldest.value;
    this.#stop(session, state, "evicted");
    this.#sessions.delete(session);
    this.#evictions++;
  }

  #onInput(session: string, state: SessionState, t: number, held: boolean): void {
    if (state.lastInputMs !== undefined) {
      const residual = (t - state.lastInputMs) / 1000 - state.lastDelaySeconds;
      if (residual < 0) this.#negativeResiduals++;
      const floored = Math.max(0, residual);
      state.posterior.observe(floored);
      const verdict = state.disclosure.observe(floored);
      if (verdict !== undefined) {
        this.#decisions.push({ ...verdict, session, t });
      }
    }
    state.lastInputMs = Math.max(state.lastInputMs ?? t, t);
    if (!state.jittering) {
      state.lastDelaySeconds = 0;
      return;
    }
    if (state.delaysThisEpisode === 0) state.disclosure.startJitter();
    const seconds = drawExponential(this.#rng, state.lambda, {
      maxSeconds: this.#settings.maxDelaySeconds,
    });
    state.delaysThisEpisode++;
    state.lastDelaySeconds = this.#settings.appliesDelays && held ? seconds : 0;
    this.#decisions.push({
      kind: "delay",
      session,
      t,
      seconds,
      lambda: state.lambda,
    });
    state.inputsThisCycle++;
    if (state.inputsThisCycle >= this.#settings.cycleInputs) {
      state.inputsThisCycle = 0;
      this.#reviseLambda(session, state);
    }
  }

  #start(session: string, state: SessionState, score: number): void {
    const { lambda } = state.posterior.estimate();
    state.jittering = true;
    state.lambda = lambda;
    state.delaysThisEpisode = 0;
    state.inputsThisCycle = 0;
    state.updatesBelowRelease = 0;
    this.#decisions.push({
      kind: "jitter-start",
      session,
      t: this.#now,
      score,
      lambda,
      lambdaScaled: lambdaToScaled(lambda),
    });
  }

  #reviseLambda(session: string, state: SessionState): void {
    const { lambda } = state.posterior.estimate();
    const relativeChange = Math.abs(lambda - state.lambda) / state.lambda;
    if (relativeChange <= this.#settings.notableLambdaChange) return;
    this.#decisions.push({
      kind: "lambda-changed",
      session,
      t: this.#now,
      lambda,
      lambdaScaled: lambdaToScaled(lambda),
      previousLambda: state.lambda,
      relativeChange,
    });
    state.lambda = lambda;
  }

  #stop(session: string, state: SessionState, reason: JitterStopReason): void {
    if (!state.jittering) return;
    state.jittering = false;
    state.disclosure.stopJitter();
    this.#decisions.push({ kind: "jitter-stop", session, t: this.#now, reason });
  }
}
