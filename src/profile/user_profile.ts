/**
 * A user's timing profile: the mean feature vector of windows of their own
 * sessions, with slow forgetting, the counts that decide whether it is
 * enrolled, and whether the account looks shared. Fixed size whatever the
 * user types: {@linkcode FEATURE_COUNT} means and weights and a few counters.
 * It holds no time stamps of inputs and no byte values, so nothing typed can
 * be rebuilt from it.
 *
 * @module
 */
import { FEATURE_COUNT, type TimedInput, timingFeatures, TimingWindow } from "./timing_window.ts";
import { impostorDistance, type ImpostorModel } from "./impostor_model.ts";

/** Inputs in one scored window, and in one enrolment window. */
export const WINDOW_INPUTS = 200;
/** Inputs between two enrolment windows (and between two live checks). */
export const STRIDE_INPUTS = 25;
/** Inputs a profile needs before it is used. */
export const MIN_ENROL_INPUTS = 400;
/** Sessions a profile needs before it is used. */
export const MIN_ENROL_SESSIONS = 2;
/** Inputs after which old windows weigh half as much as new ones. */
export const HALF_LIFE_INPUTS = 50_000;
/** Sessions beyond the bound, at least this many… */
export const SHARED_MIN_DISAGREEMENTS = 3;
/** …and at least this share of the user's sessions, mark the account shared. */
export const SHARED_SHARE = 0.3;

/** One user's profile (see the module documentation). */
export interface UserProfile {
  /** The account that logged in (user name, or the uid where it has none). */
  user: string;
  /** Sessions merged into the profile. */
  sessions: number;
  /** Inputs of those sessions. */
  inputs: number;
  /** Sessions that raised an impostor alert (never merged). */
  impostorAlerts: number;
  /** Sessions, merged or not, whose timing was beyond the bound. */
  disagreements: number;
  /** The user's own sessions disagree: the profile is not used. */
  shared: boolean;
  /** Per feature: mean over windows (NaN where none had it). */
  mean: number[];
  /** Per feature: decayed count of windows behind the mean. */
  weight: number[];
  /** Epoch ms of creation and of the last change. */
  createdAt: number;
  updatedAt: number;
}

/** A new, empty profile. */
export function emptyProfile(user: string, now: number): UserProfile {
  return {
    user,
    sessions: 0,
    inputs: 0,
    impostorAlerts: 0,
    disagreements: 0,
    shared: false,
    mean: new Array(FEATURE_COUNT).fill(NaN),
    weight: new Array(FEATURE_COUNT).fill(0),
    createdAt: now,
    updatedAt: now,
  };
}

/** Whether a profile has enough of the user's typing to score sessions against. */
export function isEnrolled(profile: UserProfile): boolean {
  return !profile.shared && profile.inputs >= MIN_ENROL_INPUTS &&
    profile.sessions >= MIN_ENROL_SESSIONS;
}

/**
 * One session's contribution to a profile while it runs: the feature vector
 * of its last {@linkcode WINDOW_INPUTS} inputs every {@linkcode STRIDE_INPUTS}
 * inputs, summed. O(1) per input (a feature vector every stride is O(bins)).
 */
export class SessionEnrolment {
  readonly #window = new TimingWindow(WINDOW_INPUTS);
  readonly #sum = new Float64Array(FEATURE_COUNT);
  readonly #count = new Float64Array(FEATURE_COUNT);
  #windows = 0;

  /** Adds one input. */
  push(input: TimedInput): void {
    this.#window.push(input);
    const total = this.#window.total;
    if (total < WINDOW_INPUTS || (total - WINDOW_INPUTS) % STRIDE_INPUTS !== 0) return;
    this.#windows++;
    const features = timingFeatures(this.#window.summary);
    features.forEach((x, f) => {
      if (Number.isNaN(x)) return;
      this.#sum[f]! += x;
      this.#count[f]!++;
    });
  }

  /** The window that live scoring reads (the session's last inputs). */
  get window(): TimingWindow {
    return this.#window;
  }

  /** Inputs seen. */
  get inputs(): number {
    return this.#window.total;
  }

  /** Windows summed so far. */
  get windows(): number {
    return this.#windows;
  }

  /** Per feature: the mean over windows (NaN where none). */
  mean(): number[] {
    return [...this.#sum].map((s, f) => this.#count[f]! > 0 ? s / this.#count[f]! : NaN);
  }

  /** Per feature: windows that had it. */
  counts(): number[] {
    return [...this.#count];
  }
}

/** What merging a session did. */
export interface MergeOutcome {
  /** The profile after the merge (a new object). */
  profile: UserProfile;
  /** The session mean's distance from the profile before it, when that could be measured. */
  distance?: number;
  /** Whether it was beyond the model's bound. */
  disagreed: boolean;
}

/**
 * Merges a finished session that raised no alert into the profile: older
 * windows are discounted by half every {@linkcode HALF_LIFE_INPUTS} inputs,
 * and a session beyond the bound counts as a disagreement (enough of them
 * mark the account shared). A session too short for one window changes
 * nothing.
 */
export function mergeSession(
  profile: UserProfile,
  session: SessionEnrolment,
  model: ImpostorModel,
  now: number,
): MergeOutcome {
  if (session.windows === 0) return { profile, disagreed: false };
  const sessionMean = session.mean();
  const counts = session.counts();
  const distance = profile.weight.some((w) => w > 0)
    ? impostorDistance(profile.mean, sessionMean, model)
    : undefined;
  const disagreed = distance !== undefined && distance > model.bound;
  const decay = Math.pow(0.5, session.inputs / HALF_LIFE_INPUTS);
  const mean = [...profile.mean];
  const weight = [...profile.weight];
  for (let f = 0; f < FEATURE_COUNT; f++) {
    const c = counts[f]!;
    if (c === 0) {
      weight[f] = weight[f]! * decay;
      continue;
    }
    const old = weight[f]! * decay;
    mean[f] = old > 0 ? (old * mean[f]! + c * sessionMean[f]!) / (old + c) : sessionMean[f]!;
    weight[f] = old + c;
  }
  const next: UserProfile = {
    ...profile,
    sessions: profile.sessions + 1,
    inputs: profile.inputs + session.inputs,
    disagreements: profile.disagreements + (disagreed ? 1 : 0),
    mean,
    weight,
    updatedAt: now,
  };
  next.shared = next.shared || looksShared(next);
  return { profile: next, ...(distance === undefined ? {} : { distance }), disagreed };
}

/** Records a session that raised an impostor alert: never merged, counted as a disagreement. */
export function recordImpostorAlert(profile: UserProfile, now: number): UserProfile {
  const next: UserProfile = {
    ...profile,
    impostorAlerts: profile.impostorAlerts + 1,
    disagreements: profile.disagreements + 1,
    updatedAt: now,
  };
  next.shared = next.shared || looksShared(next);
  return next;
}

function looksShared(profile: UserProfile): boolean {
  const seen = profile.sessions + profile.impostorAlerts;
  return profile.disagreements >= SHARED_MIN_DISAGREEMENTS &&
    profile.disagreements >= SHARED_SHARE * seen;
}
